using System.Net;

namespace WeComSuccession.Tests.Workbench;

/// <summary>The workbench's door: sign-in by WeCom OAuth2 inside the client, and nothing of a plan for a member who may not see it.</summary>
public sealed class WorkbenchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SuccessionHarness> StartAsync() => SuccessionHarness.StartAsync(
        ApprovalCorp.Build(
            [
                ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, isDeptLeader: true), ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss"),
                ApprovalCorp.Member("other", ApprovalCorp.Service), ApprovalCorp.Member("svc1", ApprovalCorp.Service, leader: "other"),
            ],
            [.. ApprovalCorp.Customers("sales1", 2), .. ApprovalCorp.Customers("svc1", 1)]),
        settings: new Dictionary<string, string?> { ["Succession:Approval:Mode"] = "Always" });

    [Fact]
    public async Task Workbench_Anonymous_SentToWeComOAuthWithStateAndAgent()
    {
        await using var h = await StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = h.ServiceUrl };

        using var page = await client.GetAsync(new Uri("/workbench/plans/1", UriKind.Relative), Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, page);
        Assert.Equal("/workbench/signin?returnUrl=%2Fworkbench%2Fplans%2F1", page.Headers.Location!.OriginalString);
        using var signIn = await client.GetAsync(page.Headers.Location, Ct);

        var oauth = signIn.Headers.Location!;
        Assert.Equal(new Uri(h.WeCom.BaseUrl, "/connect/oauth2/authorize").GetLeftPart(UriPartial.Path), oauth.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(oauth.Query);
        Assert.Equal(TestCredentials.CorpId, query["appid"]);
        Assert.Equal(new Uri(h.ServiceUrl, WorkbenchSignInCallback).ToString(), query["redirect_uri"]);
        Assert.Equal(("code", "snsapi_base", "1000002"), (query["response_type"], query["scope"], query["agentid"]));
        Assert.Matches("^[A-Za-z0-9]{32}$", query["state"]!);
        Assert.Equal("#wechat_redirect", oauth.Fragment);
    }

    [Fact]
    public async Task SignIn_StateAlteredOrCodeReplayed_NeitherSignsIn()
    {
        await using var h = await StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = h.ServiceUrl };

        // A code with a state this browser was not given: refused before the code is exchanged, and this sign-in is over.
        var first = System.Web.HttpUtility.ParseQueryString((await WeComReturnAsync(browser, "boss")).Query)["code"]!;
        using var altered = await browser.GetAsync(new Uri($"{WorkbenchSignInCallback}?code={first}&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", UriKind.Relative), Ct);
        Assert.Equal("/workbench/signin-problem?problem=StateMismatch", altered.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(new Uri("/workbench", UriKind.Relative), Ct)).StatusCode);
        Assert.Empty(h.Sim.ApiCalls("/cgi-bin/auth/getuserinfo"));

        // A new sign-in returns untouched: signed in, and the code is spent.
        var back = await WeComReturnAsync(browser, "boss");
        using var signedIn = await browser.GetAsync(back, Ct);
        Assert.Equal("/workbench", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/workbench", UriKind.Relative), Ct)).StatusCode);

        // Another browser with a state of its own cannot sign in with the spent code (WeCom answers 40029).
        using var thief = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = h.ServiceUrl };
        var state = System.Web.HttpUtility.ParseQueryString((await WeComReturnAsync(thief, "other")).Query)["state"]!;
        var code = System.Web.HttpUtility.ParseQueryString(back.Query)["code"]!;
        using var replayed = await thief.GetAsync(new Uri($"{WorkbenchSignInCallback}?code={code}&state={state}", UriKind.Relative), Ct);
        Assert.Equal("/workbench/signin-problem?problem=CodeRejected", replayed.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await thief.GetAsync(new Uri("/workbench", UriKind.Relative), Ct)).StatusCode);
    }

    private const string WorkbenchSignInCallback = "/workbench/signin-wecom";

    /// <summary>Starts a sign-in and lets the simulator's authorize page pick <paramref name="userid"/>: where WeCom sends the browser back (code and state).</summary>
    private static async Task<Uri> WeComReturnAsync(HttpClient browser, string userid)
    {
        using var begin = await browser.GetAsync(new Uri("/workbench/signin", UriKind.Relative), Ct);
        using var authorized = await browser.GetAsync(new Uri(begin.Headers.Location!.GetLeftPart(UriPartial.Query) + "&sim_userid=" + userid), Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, authorized);
        var back = authorized.Headers.Location!;
        Assert.StartsWith(WorkbenchSignInCallback, back.PathAndQuery, StringComparison.Ordinal);
        return back;
    }

    [Fact]
    public async Task Plan_OpenedByAMemberWhoIsNotItsApprover_403PageWithNothingOfThePlan()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales1");
        var id = await h.WaitForStateAsync("sales1", "awaiting_approval");
        using var other = await WorkbenchSession.SignInAsync(h, "other");

        using var page = await other.GetAsync($"/workbench/plans/{id}");
        var body = await page.Content.ReadAsStringAsync(Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, page);
        Assert.Contains("data-status=\"403\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("sales1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("wmsales1", body, StringComparison.Ordinal);
        using var picker = await other.GetAsync($"/workbench/plans/{id}/pick?mode=change&items=1");
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, picker);

        // The approver's own list has it; the other member's has nothing.
        using var boss = await WorkbenchSession.SignInAsync(h, "boss");
        Assert.Contains($"data-plan=\"{id}\"", await (await boss.GetAsync("/workbench")).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("data-plan=", await (await other.GetAsync("/workbench")).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_CraftedPostByAMemberWhoIsNotItsApprover_403AndNothingChanges()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales1");
        h.Sim.DeleteMember("svc1");
        var id = await h.WaitForStateAsync("sales1", "awaiting_approval");
        var own = await h.WaitForStateAsync("svc1", "awaiting_approval");
        using var other = await WorkbenchSession.SignInAsync(h, "other");

        // A valid form of other's own plan, posted to boss's plan instead.
        using var posted = await other.PostAsync($"/workbench/plans/{own}", $"/workbench/plans/{id}?handler=Decide", [new("decision", "approve")]);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, posted);
        Assert.Equal("awaiting_approval", await h.SuccessionStateAsync("sales1"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM approval_decisions"));
        Assert.Equal("awaiting_approval", await h.SuccessionStateAsync("svc1"));
    }
}
