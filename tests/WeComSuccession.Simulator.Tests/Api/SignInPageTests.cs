using System.Net;
using System.Web;
using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class SignInPageTests
{
    private const string Redirect = "http://127.0.0.1:5080/workbench/signin";
    private static readonly string Authorize = $"/connect/oauth2/authorize?appid=wwdemo0000000000&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code&scope=snsapi_base&state=abc123&agentid=1000002";
    private static readonly string WebLogin = $"/wwlogin/sso/login?login_type=CorpApp&appid=wwdemo0000000000&agentid=1000002&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:5080/admin/signin?x=1")}&state=s0";

    [Fact]
    public async Task Authorize_PageListsActiveMembers_ChoosingOneRedirectsWithACodeThatWorksOnce()
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.DisableMember("sunli", silent: true);
        c.Sim.DeleteMember("zhoutao", silent: true);
        using var browser = NoRedirects(c);

        var page = await browser.GetStringAsync(new Uri(Authorize, UriKind.Relative), TestContext.Current.CancellationToken);
        using var chosen = await browser.GetAsync(new Uri(Link(page, "lina"), UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("选择登录成员", page, StringComparison.Ordinal);
        Assert.Contains("李娜", page, StringComparison.Ordinal);
        Assert.Contains("销售一部", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-userid=\"sunli\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-userid=\"zhoutao\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var location = chosen.Headers.Location!.ToString();
        Assert.StartsWith(Redirect + "?code=", location, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(new Uri(location).Query);
        Assert.Equal("abc123", query["state"]);
        var first = await c.GetAsync<CgibinAuthGetUserInfoResponse>("/cgi-bin/auth/getuserinfo?code=" + query["code"]);
        var second = await c.GetAsync<CgibinAuthGetUserInfoResponse>("/cgi-bin/auth/getuserinfo?code=" + query["code"]);
        Assert.Equal((0, "lina"), (first.ErrCode, first.UserId));
        Assert.Equal(40029, second.ErrCode);
    }

    [Fact]
    public async Task WebLogin_ChoosingAMember_KeepsTheRedirectsOwnQueryAndAddsCodeAndState()
    {
        await using var c = await SimClient.StartAsync();
        using var browser = NoRedirects(c);

        var page = await browser.GetStringAsync(new Uri(WebLogin + "&lang=en", UriKind.Relative), TestContext.Current.CancellationToken);
        using var chosen = await browser.GetAsync(new Uri(Link(page, "wangjing"), UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("Choose a member to sign in as", page, StringComparison.Ordinal);
        var location = chosen.Headers.Location!.ToString();
        Assert.StartsWith("http://127.0.0.1:5080/admin/signin?x=1&code=", location, StringComparison.Ordinal);
        Assert.EndsWith("&state=s0", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_SimUserId_SkipsThePage_ButNotForADisabledMember()
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.DisableMember("lisi", silent: true);
        using var browser = NoRedirects(c);

        using var skipped = await browser.GetAsync(new Uri(Authorize + "&sim_userid=zhangsan", UriKind.Relative), TestContext.Current.CancellationToken);
        using var disabled = await browser.GetAsync(new Uri(Authorize + "&sim_userid=lisi", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, skipped.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, disabled.StatusCode);
        Assert.Contains("50002", await disabled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, int> BadRequests => new()
    {
        { "oauth", "appid=wwother&", 40013 },
        { "oauth", "appid=&", 41002 },
        { "oauth", "redirect_uri=%2Fworkbench&", 50001 },
        { "oauth", "redirect_uri=ftp%3A%2F%2Fx%2F&", 50001 },
        { "oauth", "scope=snsapi_userinfo&", 40058 },
        { "oauth", "response_type=token&", 40058 },
        { "oauth", "agentid=1000003&", 40056 },
        { "oauth", "state=a-b&", 40058 },
        { "oauth", "state=" + new string('a', 129) + "&", 40058 },
        { "oauth", "scope=snsapi_privateinfo&agentid=&", 41011 },
        { "web", "login_type=ServiceApp&", 40058 },
        { "web", "agentid=&", 41011 },
        { "web", "appid=wwother&", 40013 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task SignIn_WhatWeComRefuses_IsAReadableErrorPageWithItsErrcode(string page, string overrides, int errcode)
    {
        await using var c = await SimClient.StartAsync();
        using var browser = NoRedirects(c);
        var url = Override(page == "oauth" ? Authorize : WebLogin, overrides) + "&sim_userid=lina";

        using var response = await browser.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("无法登录", html, StringComparison.Ordinal);
        Assert.Contains("错误码 " + errcode, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_RedirectOutsideTheTrustedHosts_Answers50001()
    {
        await using var c = await SimClient.StartAsync(o => o.TrustedRedirectHosts.Add("approve.example.com"));
        using var browser = NoRedirects(c);

        using var response = await browser.GetAsync(new Uri(Authorize, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("错误码 50001", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static HttpClient NoRedirects(SimClient c) => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = c.BaseUrl };

    /// <summary>The href of the member link a browser test would click: <c>a[data-userid=...]</c>.</summary>
    private static string Link(string page, string userId)
    {
        var at = page.IndexOf($"data-userid=\"{userId}\" href=\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no link for {userId}");
        var start = page.IndexOf("href=\"", at, StringComparison.Ordinal) + 6;
        return WebUtility.HtmlDecode(page[start..page.IndexOf('"', start)]);
    }

    /// <summary>The URL with each <c>name=value&amp;</c> of <paramref name="overrides"/> replacing (or adding) that parameter.</summary>
    private static string Override(string url, string overrides)
    {
        var path = url[..url.IndexOf('?', StringComparison.Ordinal)];
        var query = HttpUtility.ParseQueryString(url[(path.Length + 1)..]);
        foreach (var pair in overrides.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            query[pair[..eq]] = Uri.UnescapeDataString(pair[(eq + 1)..]);
        }

        return path + "?" + query;
    }
}
