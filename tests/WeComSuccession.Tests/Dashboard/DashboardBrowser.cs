using System.Net;
using System.Text.RegularExpressions;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>
/// A person's browser on the dashboard: it signs in the way a person does (the dashboard sends it to WeCom's web
/// login, here the simulator's, which returns a code to the dashboard's callback), keeps the cookies, follows no
/// redirect by itself (a test asserts each one), and posts forms with the antiforgery token of the page they are on.
/// </summary>
public sealed partial class DashboardBrowser : IDisposable
{
    private readonly HttpClient _client;

    private DashboardBrowser(Uri service) =>
        _client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A browser that has not signed in.</summary>
    public static DashboardBrowser Anonymous(Uri service) => new(service);

    /// <summary>Signs <paramref name="userid"/> in through WeCom's web login as the simulator plays it.</summary>
    public static async Task<DashboardBrowser> SignInAsync(Uri service, string userid)
    {
        var browser = new DashboardBrowser(service);
        using var start = await browser._client.GetAsync(new Uri("/admin/signin?returnUrl=%2Fadmin", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var login = start.Headers.Location!;
        Assert.Equal("/wwlogin/sso/login", login.AbsolutePath);

        // The simulator's member picker; sim_userid chooses without the page (WeCom would show a QR code).
        using var simulator = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var chosen = await simulator.GetAsync(new Uri(login + "&sim_userid=" + Uri.EscapeDataString(userid)), Ct);
        Assert.True(chosen.StatusCode == HttpStatusCode.Redirect, $"the simulator's login answered {(int)chosen.StatusCode} for {userid}: {await chosen.Content.ReadAsStringAsync(Ct)}");

        using var back = await browser._client.GetAsync(chosen.Headers.Location!, Ct);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal("/admin", back.Headers.Location!.OriginalString);
        return browser;
    }

    /// <summary>GETs <paramref name="path"/>: the status, the body and where a redirect points.</summary>
    public async Task<Answer> GetAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        return await Answer.ReadAsync(response);
    }

    /// <summary>The response itself, for downloads.</summary>
    public Task<HttpResponseMessage> GetResponseAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with the antiforgery token of the page at <paramref name="page"/>.</summary>
    public async Task<Answer> PostAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var form = await GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var token = AntiforgeryToken().Match(form.Body);
        Assert.True(token.Success, "no antiforgery token on " + page);
        using var content = new FormUrlEncodedContent([.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value)), KeyValuePair.Create("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
        using var response = await _client.PostAsync(new Uri(action, UriKind.Relative), content, Ct);
        return await Answer.ReadAsync(response);
    }

    /// <summary>Posts without a token: what a forged cross-site form would send.</summary>
    public async Task<Answer> PostWithoutTokenAsync(string action, params (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
        using var response = await _client.PostAsync(new Uri(action, UriKind.Relative), content, Ct);
        return await Answer.ReadAsync(response);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>What the dashboard answered: the status, the HTML (decoded text is in <see cref="Text"/>), and a redirect's target.</summary>
    public sealed record Answer(HttpStatusCode Status, string Body, string? Location)
    {
        /// <summary>The body with HTML entities decoded (Razor encodes non-ASCII text as entities) and tags collapsed to spaces.</summary>
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

        private static string Clean(string html) => Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

        internal static async Task<Answer> ReadAsync(HttpResponseMessage response) =>
            new(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.Location?.OriginalString);
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cells();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
