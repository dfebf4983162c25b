using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class OAuthAndMessageTests
{
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
