using System.Net;
using System.Web;
using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class OAuthAndMessageTests
{
    private const string Redirect = "http://127.0.0.1:5080/workbench/signin";

    [Fact]
    public async Task OAuth_AuthorizePageAndPick_RedirectWithACodeThatWorksOnce()
    {
        await using var c = await SimClient.StartAsync();
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = c.BaseUrl };
        var authorize = $"/connect/oauth2/authorize?appid=wwdemo0000000000&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code&scope=snsapi_base&state=abc123&agentid=1000002#wechat_redirect";

        var page = await noRedirect.GetStringAsync(new Uri(authorize, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("张三", page, StringComparison.Ordinal);
        var pick = WebUtility.HtmlDecode(page[(page.IndexOf("/connect/oauth2/authorize/pick?userid=lina", StringComparison.Ordinal))..].Split('"')[0]);
        using var redirect = await noRedirect.GetAsync(new Uri(pick, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.StartsWith(Redirect + "?code=", location.ToString(), StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("abc123", query["state"]);
        var first = await c.GetAsync<CgibinAuthGetUserInfoResponse>("/cgi-bin/auth/getuserinfo?code=" + query["code"]);
        var second = await c.GetAsync<CgibinAuthGetUserInfoResponse>("/cgi-bin/auth/getuserinfo?code=" + query["code"]);
        Assert.Equal((0, "lina"), (first.ErrCode, first.UserId));
        Assert.Equal(40029, second.ErrCode);
    }

    [Fact]
    public async Task OAuth_CodeOlderThan5Minutes_Answers42003()
    {
        await using var c = await SimClient.StartAsync();
        var code = c.Sim.IssueOAuthCode("lisi");

        c.Sim.AdvanceClock(TimeSpan.FromMinutes(5));

        Assert.Equal(42003, (await c.GetAsync<CgibinAuthGetUserInfoResponse>("/cgi-bin/auth/getuserinfo?code=" + code)).ErrCode);
        Assert.Equal(40029, (await c.GetAsync<CgibinAuthGetUserInfoResponse>("/cgi-bin/auth/getuserinfo?code=nope")).ErrCode);
    }

    [Fact]
    public async Task MessageSend_IsRecordedWithInvalidUsersAndAllInvalidAnswers81013()
    {
        await using var c = await SimClient.StartAsync();
        var card = new CgibinMessageSendRequest
        {
            ToUser = "lina|ghost",
            MsgType = "textcard",
            AgentId = 1000002,
            TextCard = new() { Title = "请审批", Description = "张三离职，客户待分配", Url = "http://127.0.0.1:5080/workbench" },
        };

        var sent = await c.PostAsync<CgibinMessageSendRequest, CgibinMessageSendResponse>("/cgi-bin/message/send", card);
        var none = await c.PostAsync<CgibinMessageSendRequest, CgibinMessageSendResponse>("/cgi-bin/message/send", card with { ToUser = "ghost" });

        Assert.Equal((0, "ghost"), (sent.ErrCode, sent.InvalidUser));
        Assert.Equal(81013, none.ErrCode);
        var message = Assert.Single(c.Sim.Messages());
        Assert.Equal(("lina|ghost", "textcard", sent.MsgId), (message.ToUser, message.MsgType, message.MsgId));
        var body = System.Text.Json.JsonSerializer.Deserialize(message.Body, WeComJsonContext.Default.CgibinMessageSendRequest)!;
        Assert.Equal("请审批", body.TextCard!.Title);
    }
}
