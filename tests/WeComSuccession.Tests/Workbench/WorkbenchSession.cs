using System.Net;
using System.Text.RegularExpressions;

namespace WeComSuccession.Tests.Workbench;

/// <summary>
/// A member's browser on the workbench, without a browser: signs in through the simulator's OAuth2 page as WeCom's client
/// would (state cookie, code, people cookie), then reads pages and posts their forms with the antiforgery token they carry.
/// </summary>
internal sealed partial class WorkbenchSession : IDisposable
{
    private readonly HttpClient _client;

    private WorkbenchSession(HttpClient client) => _client = client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<WorkbenchSession> SignInAsync(SuccessionHarness h, string userid)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = h.ServiceUrl };
        using var begin = await client.GetAsync(new Uri("/workbench/signin", UriKind.Relative), Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, begin);

        // WeCom's client drops the #wechat_redirect fragment; the simulator's page signs in the member named by sim_userid.
        var authorize = begin.Headers.Location!.GetLeftPart(UriPartial.Query) + "&sim_userid=" + Uri.EscapeDataString(userid);
        using var code = await client.GetAsync(new Uri(authorize), Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, code);
        using var done = await client.GetAsync(code.Headers.Location, Ct);
        Assert.Equal((HttpStatusCode.Redirect, "/workbench"), (done.StatusCode, done.Headers.Location?.OriginalString));
        return new WorkbenchSession(client);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative), Ct);

    /// <summary>Posts a form of the page at <paramref name="page"/> to <paramref name="action"/>, with the page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostAsync(string page, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var get = await GetAsync(page);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, get);
        var token = Token().Match(await get.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        using var form = new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]);
        return await _client.PostAsync(new Uri(action, UriKind.Relative), form, Ct);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
