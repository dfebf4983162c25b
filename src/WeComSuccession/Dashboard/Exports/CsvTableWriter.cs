using System.Text;

namespace WeComSuccession.Dashboard.Exports;

/// <summary>
/// CSV as Excel opens it: UTF-8 with a byte order mark (without one, Excel reads Chinese as the local ANSI code
/// page), CRLF line ends, a cell quoted when it holds a comma, quote or line break. A cell that a spreadsheet
/// would run as a formula (it starts with <c>= + - @</c>, or a tab or carriage return that some readers skip
/// first) gets a leading apostrophe: the names in a checklist come from customers, who choose them.
/// Only asynchronous writes reach the output (Kestrel refuses synchronous ones).
/// </summary>
internal sealed class CsvTableWriter(Stream output) : ITableWriter
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
    private readonly StringBuilder _line = new(256);
    private bool _started;

    public async ValueTask WriteRowAsync(IReadOnlyList<string?> cells, CancellationToken ct)
    {
        if (!_started)
        {
            await output.WriteAsync(Bom, ct);
            _started = true;
        }

        _line.Clear();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                _line.Append(',');
            }

            AppendCell(_line, cells[i]);
        }

        _line.Append("\r\n");
        await _writer.WriteAsync(_line, ct);
    }

    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        if (!_started)
        {
            await output.WriteAsync(Bom, ct);
            _started = true;
        }

        await _writer.FlushAsync(ct);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>One cell, guarded against formulas and quoted when it must be.</summary>
    internal static void AppendCell(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var guarded = IsFormulaStart(value[0]);
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(guarded ? "'" : "").Append(value);
            return;
        }

        line.Append('"');
        if (guarded)
        {
            line.Append('\'');
        }

        foreach (var c in value)
        {
            if (c == '"')
            {
                line.Append('"');
            }

            line.Append(c);
        }

        line.Append('"');
    }

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';
}
