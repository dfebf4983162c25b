using System.Net;
using System.Text.RegularExpressions;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>What the dashboard answered a browser: the status, the HTML (its decoded text in <see cref="Text"/>), and a redirect's target.</summary>
public sealed partial record HtmlAnswer(HttpStatusCode Status, string Body, string? Location)
{
    /// <summary>The body with HTML entities decoded and tags collapsed to spaces.</summary>
    public string Text => WebUtility.HtmlDecode(Tags().Replace(Body, " "));

    /// <summary>The body rows of the table with <paramref name="id"/>: each row's cells as text.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows(string id)
    {
        var start = Body.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table #{id}");
        var body = Body[Body.IndexOf("<tbody>", start, StringComparison.Ordinal)..Body.IndexOf("</tbody>", start, StringComparison.Ordinal)];
        return [.. body.Split("<tr", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(row => (IReadOnlyList<string>)[.. Cells().Matches(row).Select(c => Clean(c.Groups[1].Value))])];
    }

    public static async Task<HtmlAnswer> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return new(response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers.Location?.OriginalString);
        }
    }

    private static string Clean(string html) => Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cells();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

/// <summary><see cref="DashboardHost.Browser"/>'s requests with the answer read as a page.</summary>
public static class HtmlAnswers
{
    /// <summary>GETs <paramref name="path"/> and reads the answer.</summary>
    public static async Task<HtmlAnswer> OpenAsync(this DashboardHost.Browser browser, string path) => await HtmlAnswer.ReadAsync(await browser.GetAsync(path));

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with the antiforgery token of <paramref name="page"/>.</summary>
    public static async Task<HtmlAnswer> SubmitAsync(this DashboardHost.Browser browser, string page, string action, params (string Name, string Value)[] fields) =>
        await HtmlAnswer.ReadAsync(await browser.PostFormAsync(page, action, fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    /// <summary>Posts without a token: what a forged cross-site form would send.</summary>
    public static async Task<HtmlAnswer> SubmitWithoutTokenAsync(this DashboardHost.Browser browser, string action, params (string Name, string Value)[] fields) =>
        await HtmlAnswer.ReadAsync(await browser.PostWithoutTokenAsync(action, fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
}
