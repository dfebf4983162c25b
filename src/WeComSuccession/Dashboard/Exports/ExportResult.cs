using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace WeComSuccession.Dashboard.Exports;

/// <summary>
/// A download written while it is produced: the headers go first, then <c>write</c> puts rows on the response body
/// through an <see cref="ITableWriter"/> as its query yields them. The file name is the person's (Chinese
/// allowed, sent as <c>filename*</c>) with an ASCII one beside it for older clients.
/// </summary>
internal sealed class ExportResult(
    ExportFormat format, string fileName, string asciiFileName, string sheetName, IReadOnlyList<double>? columnWidths,
    Func<ITableWriter, CancellationToken, Task> write) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var response = http.Response;
        var extension = "." + TableWriter.Extension(format);
        response.ContentType = TableWriter.ContentType(format);
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = Ascii(asciiFileName) + extension,
            FileNameStar = fileName + extension,
        }.ToString();
        response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var ct = http.RequestAborted;
        await using var writer = await TableWriter.CreateAsync(format, response.Body, sheetName, columnWidths, ct);
        await write(writer, ct);
        await writer.CompleteAsync(ct);
    }

    /// <summary>A file name any client reads: letters, digits, '-', '_' and '.' kept, the rest '-'.</summary>
    private static string Ascii(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        return builder.ToString();
    }
}
