using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace WeComSuccession.Dashboard.Exports;

/// <summary>
/// An Excel workbook of one sheet, streamed: the smallest SpreadsheetML package Excel, WPS and LibreOffice open
/// (content types, two relationship parts, the workbook, a style sheet with a bold header, the sheet), zipped as
/// the rows come and handed to the output every 64 KB through a <see cref="SpoolStream"/> (the zip writer still
/// writes synchronously in places; Kestrel refuses that). Cells are inline strings, so no shared-string table has
/// to be held in memory until the end, and a cell is never a formula. The first row is the header: bold, frozen.
/// </summary>
internal sealed class XlsxTableWriter : ITableWriter
{
    /// <summary>Excel's limit for the text of one cell.</summary>
    private const int MaxCellLength = 32_767;

    /// <summary>Compressed bytes held before they are handed to the output.</summary>
    private const int DrainAt = 64 * 1024;

    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

    private const string ContentTypes =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" +
        """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">""" +
        """<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>""" +
        """<Default Extension="xml" ContentType="application/xml"/>""" +
        """<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>""" +
        """<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""" +
        """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""" +
        """</Types>""";

    private const string RootRelationships =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" +
        $"""<Relationships xmlns="{PackageRelationships}">""" +
        """<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>""" +
        """</Relationships>""";

    private const string WorkbookRelationships =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" +
        $"""<Relationships xmlns="{PackageRelationships}">""" +
        """<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>""" +
        """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""" +
        """</Relationships>""";

    // Two fonts (normal, bold), the two fills every style sheet must have, one border; cell style 1 = bold.
    private const string Styles =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" +
        $"""<styleSheet xmlns="{Main}">""" +
        """<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>""" +
        """<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>""" +
        """<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>""" +
        """<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>""" +
        """<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>""" +
        """<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>""" +
        """</styleSheet>""";

    private const string SheetStart =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" +
        $"""<worksheet xmlns="{Main}" xmlns:r="{Relationships}">""" +
        """<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>""" +
        """<sheetFormatPr defaultRowHeight="15"/>""";

    private const string SheetEnd = "</sheetData></worksheet>";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly SpoolStream _spool;
    private readonly ZipArchive _zip;
    private readonly Stream _sheet;
    private readonly StreamWriter _writer;
    private readonly StringBuilder _row = new(512);
    private long _rows;
    private bool _completed;

    private XlsxTableWriter(SpoolStream spool, ZipArchive zip, Stream sheet)
    {
        _spool = spool;
        _zip = zip;
        _sheet = sheet;
        _writer = new StreamWriter(sheet, Utf8, bufferSize: 16 * 1024, leaveOpen: true);
    }

    /// <summary>Starts the package on <paramref name="output"/> (left open) and the sheet named <paramref name="sheetName"/>.</summary>
    /// <param name="output">Where the package goes.</param>
    /// <param name="sheetName">The sheet's name (cut to what Excel accepts).</param>
    /// <param name="columnWidths">Widths in characters, first column first; null or missing ones keep Excel's default.</param>
    /// <param name="ct">Cancels the writing.</param>
    public static async Task<XlsxTableWriter> CreateAsync(Stream output, string sheetName, IReadOnlyList<double>? columnWidths, CancellationToken ct)
    {
        var spool = new SpoolStream(output);
        var zip = await ZipArchive.CreateAsync(spool, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        await WritePartAsync(zip, "[Content_Types].xml", ContentTypes, ct);
        await WritePartAsync(zip, "_rels/.rels", RootRelationships, ct);
        await WritePartAsync(zip, "xl/workbook.xml",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" +
            $"""<workbook xmlns="{Main}" xmlns:r="{Relationships}"><sheets><sheet name="{Escape(SheetName(sheetName))}" sheetId="1" r:id="rId1"/></sheets></workbook>""",
            ct);
        await WritePartAsync(zip, "xl/_rels/workbook.xml.rels", WorkbookRelationships, ct);
        await WritePartAsync(zip, "xl/styles.xml", Styles, ct);

        var sheet = await zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).OpenAsync(ct);
        var writer = new XlsxTableWriter(spool, zip, sheet);
        var start = new StringBuilder(SheetStart);
        if (columnWidths is { Count: > 0 })
        {
            start.Append("<cols>");
            for (var i = 0; i < columnWidths.Count; i++)
            {
                start.Append(CultureInfo.InvariantCulture, $"""<col min="{i + 1}" max="{i + 1}" width="{columnWidths[i]:0.##}" customWidth="1"/>""");
            }

            start.Append("</cols>");
        }

        start.Append("<sheetData>");
        await writer._writer.WriteAsync(start, ct);
        await spool.DrainAsync(ct);
        return writer;
    }

    public async ValueTask WriteRowAsync(IReadOnlyList<string?> cells, CancellationToken ct)
    {
        _rows++;
        _row.Clear();
        _row.Append(CultureInfo.InvariantCulture, $"""<row r="{_rows}">""");
        var style = _rows == 1 ? " s=\"1\"" : "";
        for (var i = 0; i < cells.Count; i++)
        {
            if (string.IsNullOrEmpty(cells[i]))
            {
                continue;
            }

            var text = cells[i]!;
            if (text.Length > MaxCellLength)
            {
                text = text[..MaxCellLength];
            }

            _row.Append("<c r=\"").Append(Column(i)).Append(_rows.ToString(CultureInfo.InvariantCulture)).Append('"').Append(style).Append(" t=\"inlineStr\"><is><t");
            if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
            {
                _row.Append(" xml:space=\"preserve\"");
            }

            _row.Append('>');
            AppendEscaped(_row, text);
            _row.Append("</t></is></c>");
        }

        _row.Append("</row>");
        await _writer.WriteAsync(_row, ct);
        if (_spool.Held >= DrainAt)
        {
            await _spool.DrainAsync(ct);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        await _writer.WriteAsync(SheetEnd.AsMemory(), ct);
        await _writer.FlushAsync(ct);
        await _sheet.DisposeAsync();
        await _zip.DisposeAsync(); // writes the central directory
        await _spool.DrainAsync(ct);
        await _spool.DisposeAsync();
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Without CompleteAsync the package is left unfinished on purpose (see ITableWriter): the zip's central
        // directory is not written, so no reader takes a cut-off sheet for a whole one.
        if (!_completed)
        {
            await _spool.DisposeAsync();
        }
    }

    /// <summary>Excel's column name of the zero-based <paramref name="index"/>: A, B, …, Z, AA, AB, …</summary>
    internal static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    /// <summary>A sheet name Excel accepts: at most 31 characters, none of <c>[ ] : * ? / \</c>.</summary>
    private static string SheetName(string name)
    {
        var clean = new string([.. name.Select(c => c is '[' or ']' or ':' or '*' or '?' or '/' or '\\' ? '-' : c)]).Trim('\'');
        return clean.Length == 0 ? "Sheet1" : clean.Length > 31 ? clean[..31] : clean;
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        AppendEscaped(builder, text);
        return builder.ToString();
    }

    /// <summary>XML text: markup characters escaped, characters XML 1.0 cannot hold at all (most control characters, lone surrogates) left out.</summary>
    private static void AppendEscaped(StringBuilder builder, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\t' or '\n' or '\r': builder.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(c).Append(text[++i]);
                    }
                    else if (!char.IsSurrogate(c))
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }
    }

    private static async Task WritePartAsync(ZipArchive zip, string name, string xml, CancellationToken ct)
    {
        await using var stream = await zip.CreateEntry(name, CompressionLevel.Fastest).OpenAsync(ct);
        await stream.WriteAsync(Utf8.GetBytes(xml), ct);
    }
}
