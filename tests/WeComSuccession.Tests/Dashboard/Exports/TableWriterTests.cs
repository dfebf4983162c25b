using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using WeComSuccession.Dashboard.Exports;

namespace WeComSuccession.Tests.Dashboard.Exports;

/// <summary>The download writers on their own: what a cell becomes, that only asynchronous writes reach the output
/// (Kestrel refuses synchronous ones), and that memory does not grow with the rows.</summary>
public sealed class TableWriterTests
{
    private static readonly XNamespace Sheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Csv_AwkwardCells_QuotedFormulasDefusedAndReadBack()
    {
        string?[] cells = ["plain", "a,b", "say \"hi\"", "two\r\nlines", "=1+1", "+86 138", "-5", "@SUM(A1)", null, "中文，全角", "=a,\"b\"", "\tx"];

        var bytes = await WriteAsync(ExportFormat.Csv, [cells]);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var row = Assert.Single(Csv.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3)));
        Assert.Equal(["plain", "a,b", "say \"hi\"", "two\r\nlines", "'=1+1", "'+86 138", "'-5", "'@SUM(A1)", "", "中文，全角", "'=a,\"b\"", "'\tx"], row);
    }

    [Fact]
    public async Task Csv_NoRows_StillABomSoExcelReadsAnEmptyUtf8File()
    {
        var bytes = await WriteAsync(ExportFormat.Csv, []);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes);
    }

    [Fact]
    public async Task Xlsx_AwkwardCells_EscapedControlCharactersDroppedHeaderBoldAndFrozen()
    {
        var wide = Enumerable.Range(0, 30).Select(i => (string?)("h" + i)).ToArray();
        string?[] awkward = ["<b>&amp;</b>", "bell\u0007here", " padded ", "emoji 😀", "lone \ud800 surrogate", null, new string('长', 40_000), "=1+1"];

        var bytes = await WriteAsync(ExportFormat.Xlsx, [wide, awkward]);

        await using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var sheet = XDocument.Load(await zip.GetEntry("xl/worksheets/sheet1.xml")!.OpenAsync(Ct));
        var rows = sheet.Descendants(Sheet + "row").ToList();
        Assert.Equal(["1", "2"], rows.Select(r => r.Attribute("r")?.Value));
        var header = rows[0].Elements(Sheet + "c").ToList();
        Assert.Equal("AD1", header[^1].Attribute("r")?.Value);
        Assert.All(header, c => Assert.Equal("1", c.Attribute("s")?.Value));
        var cells = rows[1].Elements(Sheet + "c").ToDictionary(c => c.Attribute("r")!.Value, c => c.Descendants(Sheet + "t").Single().Value);
        Assert.Equal("<b>&amp;</b>", cells["A2"]);
        Assert.Equal("bellhere", cells["B2"]);
        Assert.Equal(" padded ", cells["C2"]);
        Assert.Equal("emoji 😀", cells["D2"]);
        Assert.Equal("lone  surrogate", cells["E2"]);
        Assert.False(cells.ContainsKey("F2"));
        Assert.Equal(32_767, cells["G2"].Length);
        Assert.Equal("=1+1", cells["H2"]);
        Assert.All(rows[1].Elements(Sheet + "c"), c => Assert.Equal("inlineStr", c.Attribute("t")?.Value));
        Assert.Equal("frozen", sheet.Descendants(Sheet + "pane").Single().Attribute("state")?.Value);
    }

    [Theory]
    [InlineData(0, "A")]
    [InlineData(25, "Z")]
    [InlineData(26, "AA")]
    [InlineData(701, "ZZ")]
    [InlineData(702, "AAA")]
    public void Column_Index_ExcelName(int index, string name) => Assert.Equal(name, XlsxTableWriter.Column(index));

    [Fact]
    public async Task Xlsx_NotCompleted_IsNoReadableWorkbook()
    {
        var output = new AsyncOnlyStream();
        await using (var writer = await TableWriter.CreateAsync(ExportFormat.Xlsx, output, "sheet", null, Ct))
        {
            await writer.WriteRowAsync(["a"], Ct);
        }

        Assert.Throws<InvalidDataException>(() => new ZipArchive(new MemoryStream(output.Written), ZipArchiveMode.Read));
    }

    [Fact]
    public async Task BothFormats_OnANonSeekableStreamRefusingSynchronousWrites_WriteEveryRow()
    {
        var rows = Enumerable.Range(0, 500).Select(i => (string?[])["第" + i + "行", i.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ToList();

        var csv = await WriteAsync(ExportFormat.Csv, rows);
        var xlsx = await WriteAsync(ExportFormat.Xlsx, rows);

        Assert.Equal(500, Csv.Parse(Encoding.UTF8.GetString(csv)[1..]).Count);
        await using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        var sheet = XDocument.Load(await zip.GetEntry("xl/worksheets/sheet1.xml")!.OpenAsync(Ct));
        Assert.Equal(500, sheet.Descendants(Sheet + "row").Count());
        Assert.Equal("第499行", sheet.Descendants(Sheet + "row").Last().Descendants(Sheet + "t").First().Value);
    }

    private static async Task<byte[]> WriteAsync(ExportFormat format, IEnumerable<string?[]> rows)
    {
        var output = new AsyncOnlyStream();
        await using (var writer = await TableWriter.CreateAsync(format, output, "测试", [10, 20], Ct))
        {
            foreach (var row in rows)
            {
                await writer.WriteRowAsync(row, Ct);
            }

            await writer.CompleteAsync(Ct);
        }

        return output.Written;
    }
}

/// <summary>
/// A response body as Kestrel gives one: forward-only, and synchronous writes throw (AllowSynchronousIO is off).
/// Keeps what was written, or only counts it (<paramref name="keep"/> false) for the memory measurement.
/// </summary>
internal sealed class AsyncOnlyStream(bool keep = true) : Stream
{
    private readonly MemoryStream _kept = new();

    public long BytesWritten { get; private set; }

    public byte[] Written => _kept.ToArray();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BytesWritten += buffer.Length;
        if (keep)
        {
            _kept.Write(buffer.Span);
        }

        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _kept.Dispose();
        }

        base.Dispose(disposing);
    }
}
