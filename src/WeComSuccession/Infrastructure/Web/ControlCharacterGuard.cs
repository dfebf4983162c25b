using System.Text.Json;

namespace WeComSuccession.Infrastructure.Web;

/// <summary>
/// Refuses any request that carries a control character (U+0000–U+001F but tab, line feed and carriage return,
/// and U+007F) in its path, its query, a form field or a string of its JSON body, with a 400 that names the field.
/// PostgreSQL cannot store U+0000 (it would be a 500 further in), and none of the others belongs in a userid, a
/// reason or a search; refusing them at the door means nothing half-done is left behind.
/// </summary>
internal sealed class ControlCharacterGuard(RequestDelegate next)
{
    /// <summary>JSON bodies larger than this are left to the endpoint's own limits (the API's are far smaller).</summary>
    private const int MaxJsonBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var field = Has(request.Path.Value) ? "path" : null;
        field ??= request.Query.FirstOrDefault(q => Has(q.Key) || q.Value.Any(Has)).Key;
        if (field is null && request.HasJsonContentType() && request.ContentLength is null or <= MaxJsonBytes)
        {
            request.EnableBuffering();
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted);
            request.Body.Position = 0;
            field = FindInJson(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        else if (field is null && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            field = form.FirstOrDefault(f => Has(f.Key) || f.Value.Any(Has)).Key;
        }

        if (field is null)
        {
            await next(context);
            return;
        }

        await TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [$"{field} must not contain control characters (such as U+0000)."] },
            title: "The request contains a control character.").ExecuteAsync(context);
    }

    public static bool Has(string? value)
    {
        foreach (var c in value.AsSpan())
        {
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c == '\u007f')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The name of the property whose string has a control character (dotted for nested objects), or null.
    /// Malformed JSON is left to the endpoint, which answers it with its own 400.</summary>
    internal static string? FindInJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var path = new Stack<string>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        if (Has(property))
                        {
                            return Name(path, "(a property name)");
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Push(property ?? "");
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.Pop();
                        break;
                    case JsonTokenType.String when Has(reader.GetString()):
                        return Name(path, property);
                    default:
                        if (path.Count > 0 && reader.TokenType != JsonTokenType.Comment)
                        {
                            // A value inside an array keeps the array's name; inside an object it ends the property.
                            property = null;
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static string Name(Stack<string> path, string? property)
    {
        var parts = path.Reverse().Where(p => p.Length > 0).Append(property ?? "").Where(p => p.Length > 0).ToList();
        return parts.Count == 0 ? "body" : string.Join('.', parts);
    }
}
