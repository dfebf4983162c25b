namespace WeComSuccession.Dashboard.Exports;

/// <summary>The file formats a table is downloaded in.</summary>
internal enum ExportFormat
{
    /// <summary>UTF-8 CSV with a byte order mark (Excel then reads Chinese correctly), RFC 4180 quoting.</summary>
    Csv,

    /// <summary>An Excel workbook (.xlsx) of one sheet.</summary>
    Xlsx,
}

/// <summary>
/// A table written to a stream row by row, as its rows are produced: only the row being written is held, so a
/// download of 10,000 customers takes as much memory as one of ten. Nothing is complete until
/// <see cref="CompleteAsync"/>: a writer disposed without it (the query failed half-way) leaves a file that is
/// visibly cut short rather than one that looks whole.
/// </summary>
internal interface ITableWriter : IAsyncDisposable
{
    /// <summary>Writes one row; a null cell is left empty.</summary>
    ValueTask WriteRowAsync(IReadOnlyList<string?> cells, CancellationToken ct);

    /// <summary>Writes what ends the file and flushes it.</summary>
    ValueTask CompleteAsync(CancellationToken ct);
}

internal static class TableWriter
{
    /// <param name="format">CSV or Excel.</param>
    /// <param name="output">Where the file goes (left open).</param>
    /// <param name="sheetName">The Excel sheet's name (CSV has none).</param>
    /// <param name="columnWidths">Excel column widths in characters, or null (CSV has none).</param>
    /// <param name="ct">Cancels the writing.</param>
    public static async ValueTask<ITableWriter> CreateAsync(ExportFormat format, Stream output, string sheetName, IReadOnlyList<double>? columnWidths, CancellationToken ct) => format switch
    {
        ExportFormat.Csv => new CsvTableWriter(output),
        _ => await XlsxTableWriter.CreateAsync(output, sheetName, columnWidths, ct),
    };

    public static string Extension(ExportFormat format) => format == ExportFormat.Csv ? "csv" : "xlsx";

    public static string ContentType(ExportFormat format) => format == ExportFormat.Csv
        ? "text/csv; charset=utf-8"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The format a URL names ("csv", "xlsx"), or null.</summary>
    public static ExportFormat? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "xlsx" => ExportFormat.Xlsx,
        _ => null,
    };
}
