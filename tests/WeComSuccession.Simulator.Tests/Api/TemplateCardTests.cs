using System.Text.Json.Nodes;
using WeComSuccession.Simulator.Tests.TestSupport;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class TemplateCardTests
{
    private const string Send = "/cgi-bin/message/send";
    private const string Update = "/cgi-bin/message/update_template_card";

    [Fact]
    public async Task MessageSend_ButtonCard_RecordsOneCopyPerRecipientAndAnswersAResponseCode()
    {
        await using var c = await SimClient.StartAsync();

        var sent = await c.PostJsonAsync(Send, Cards.Approval("plan1-r1", toUser: "lina|zhaolei|ghost"));

        Assert.Equal((0, "ghost"), (sent.ErrCode(), sent.Str("invaliduser")));
        Assert.False(string.IsNullOrEmpty(sent.Str("response_code")));
        var card = c.Sim.Card("plan1-r1")!;
        Assert.Equal(["lina", "zhaolei"], card.Recipients.Select(r => r.UserId));
        Assert.All(card.Recipients, r => Assert.Equal("active", r.State));
        Assert.Equal(["离职人", "接替人", "客户数", "群数"], card.Content.HorizontalContent.Select(x => x.KeyName));
        Assert.Equal([("通过", Cards.Approve, 1), ("驳回", Cards.Reject, 2)], card.Content.Buttons.Select(b => (b.Text, b.Key!, b.Style)));
        Assert.Equal("http://127.0.0.1:5080/workbench/plans/1", Assert.Single(card.Content.Jumps).Url);
        Assert.Equal(sent.Str("msgid"), card.MsgId);
    }

    [Fact]
    public async Task MessageSend_TextNotice_HasNoResponseCodeAndNoCardRecord()
    {
        await using var c = await SimClient.StartAsync();
        var body = new JsonObject
        {
            ["touser"] = "lina",
            ["msgtype"] = "template_card",
            ["agentid"] = 1000002,
            ["template_card"] = new JsonObject
            {
                ["card_type"] = "text_notice",
                ["main_title"] = new JsonObject { ["title"] = "继承完成" },
                ["card_action"] = new JsonObject { ["type"] = 1, ["url"] = "http://127.0.0.1:5080/admin" },
            },
        };

        var sent = await c.PostJsonAsync(Send, body);

        Assert.Equal(0, sent.ErrCode());
        Assert.Null(sent.Str("response_code"));
        Assert.Empty(c.Sim.Cards());
    }

    public static TheoryData<string, int> InvalidCards => new()
    {
        { "no task_id", 42014 },
        { "task_id with a space", 42014 },
        { "task_id of 129 bytes", 42014 },
        { "task_id used before", 42014 },
        { "7 buttons", 40058 },
        { "7 rows", 42035 },
        { "4 links", 42042 },
        { "unknown card_type", 42031 },
        { "button without key", 42039 },
        { "agentid of another app", 40056 },
        { "button_list as an object", 40058 },
    };

    [Theory]
    [MemberData(nameof(InvalidCards))]
    public async Task MessageSend_InvalidInteractiveCard_AnswersWeComsCodeAndRecordsNothing(string problem, int expected)
    {
        await using var c = await SimClient.StartAsync();
        Assert.Equal(0, (await c.PostJsonAsync(Send, Cards.Approval("taken"))).ErrCode());
        var body = problem switch
        {
            "no task_id" => Cards.With(Cards.Approval("x"), t => t.Remove("task_id")),
            "task_id with a space" => Cards.Approval("plan 1"),
            "task_id of 129 bytes" => Cards.Approval(new string('a', 129)),
            "task_id used before" => Cards.Approval("taken"),
            "7 buttons" => Cards.Approval("t7", buttons: 7),
            "7 rows" => Cards.Approval("t7", rows: 7),
            "4 links" => Cards.Approval("t7", jumps: 4),
            "unknown card_type" => Cards.With(Cards.Approval("t7"), t => t["card_type"] = "button"),
            "button without key" => Cards.With(Cards.Approval("t7"), t => t["button_list"]![0]!.AsObject().Remove("key")),
            "agentid of another app" => Cards.Approval("t7", agentId: 1000003),
            "button_list as an object" => Cards.With(Cards.Approval("t7"), t => t["button_list"] = new JsonObject { ["text"] = "通过" }),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var answer = await c.PostJsonAsync(Send, body);

        Assert.Equal(expected, answer.ErrCode());
        Assert.Null(answer.Str("response_code"));
        Assert.Equal(["taken"], c.Sim.Cards().Select(x => x.TaskId));
        Assert.Single(c.Sim.Messages());
    }

    [Fact]
    public async Task MessageSend_TaskIdOf128BytesWithAllowedCharacters_IsAccepted()
    {
        await using var c = await SimClient.StartAsync();

        var sent = await c.PostJsonAsync(Send, Cards.Approval("Ab9_-@" + new string('x', 122)));

        Assert.Equal(0, sent.ErrCode());
    }

    [Fact]
    public async Task UpdateTemplateCard_ReplaceName_ChangesTheNamedCopiesOnly_AndTheCodeWorksOnce()
    {
        await using var c = await SimClient.StartAsync();
        var code = (await c.PostJsonAsync(Send, Cards.Approval("plan1-r1", toUser: "lina|zhaolei|wangjing"))).Str("response_code")!;

        var first = await c.PostJsonAsync(Update, Cards.Replace(code, "已由 李娜 通过", ["lina", "zhaolei", "lisi", "ghost"]));
        var second = await c.PostJsonAsync(Update, Cards.Replace(code, "again", ["wangjing"]));

        Assert.Equal((0, "lisi|ghost"), (first.ErrCode(), first.Str("invaliduser")));
        Assert.Equal(60140, second.ErrCode());
        var card = c.Sim.Card("plan1-r1")!;
        Assert.Equal([("lina", "replaced", "已由 李娜 通过"), ("zhaolei", "replaced", "已由 李娜 通过"), ("wangjing", "active", null)], card.Recipients.Select(r => (r.UserId, r.State, r.ReplacedText)));
        var update = Assert.Single(card.Updates);
        Assert.Equal(("send", "已由 李娜 通过"), (update.ResponseCodeFrom, update.ReplaceName));
        Assert.Equal(["lina", "zhaolei"], update.UserIds);
        Assert.False(Assert.Single(c.Sim.CardsOf("lina")).Clickable);
    }

    [Theory]
    [InlineData(72, 0, 60140)]
    [InlineData(71, 59, 0)]
    public async Task UpdateTemplateCard_ResponseCodeAfterItsLifetime_Answers60140(int hours, int minutes, int expected)
    {
        await using var c = await SimClient.StartAsync();
        var code = (await c.PostJsonAsync(Send, Cards.Approval("plan1-r1"))).Str("response_code")!;

        c.Sim.AdvanceClock(TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes));

        Assert.Equal(expected, (await c.PostJsonAsync(Update, Cards.Replace(code, "已过期", ["lina"]))).ErrCode());
    }

    [Fact]
    public async Task UpdateTemplateCard_LifetimeSetTo24Hours_ExpiresAfter24Hours()
    {
        await using var c = await SimClient.StartAsync(o => o.ResponseCodeLifetime = TimeSpan.FromHours(24));
        var code = (await c.PostJsonAsync(Send, Cards.Approval("plan1-r1"))).Str("response_code")!;

        c.Sim.AdvanceClock(TimeSpan.FromHours(24));

        Assert.Equal(60140, (await c.PostJsonAsync(Update, Cards.Replace(code, "x", ["lina"]))).ErrCode());
    }

    [Fact]
    public async Task UpdateTemplateCard_WrongAgentIdOrUnknownCode_IsRefusedAndTheCodeStaysUsable()
    {
        await using var c = await SimClient.StartAsync();
        var code = (await c.PostJsonAsync(Send, Cards.Approval("plan1-r1"))).Str("response_code")!;

        var wrongAgent = await c.PostJsonAsync(Update, Cards.Replace(code, "x", ["lina"], agentId: 1000003));
        var unknown = await c.PostJsonAsync(Update, Cards.Replace("not-a-code", "x", ["lina"]));
        var nobodyValid = await c.PostJsonAsync(Update, Cards.Replace(code, "x", ["lisi"]));
        var noTarget = await c.PostJsonAsync(Update, Cards.Replace(code, "x", []));
        var good = await c.PostJsonAsync(Update, Cards.Replace(code, "x", ["lina"]));

        Assert.Equal((40056, 60140, 81013, 81012, 0), (wrongAgent.ErrCode(), unknown.ErrCode(), nobodyValid.ErrCode(), noTarget.ErrCode(), good.ErrCode()));
    }

    [Fact]
    public async Task UpdateTemplateCard_UserIdsAsAString_Answers40058NamingTheField()
    {
        await using var c = await SimClient.StartAsync();
        var code = (await c.PostJsonAsync(Send, Cards.Approval("plan1-r1"))).Str("response_code")!;
        var body = Cards.Replace(code, "x", []);
        body["userids"] = "lina|zhaolei";

        var answer = await c.PostJsonAsync(Update, body);

        Assert.Equal(40058, answer.ErrCode());
        Assert.Contains("userids", answer.Str("errmsg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateTemplateCard_AtAllWithANewCard_ReplacesEveryCopy()
    {
        await using var c = await SimClient.StartAsync();
        var code = (await c.PostJsonAsync(Send, Cards.Approval("plan1-r1"))).Str("response_code")!;
        var body = new JsonObject
        {
            ["atall"] = 1,
            ["agentid"] = 1000002,
            ["response_code"] = code,
            ["template_card"] = new JsonObject
            {
                ["card_type"] = "text_notice",
                ["main_title"] = new JsonObject { ["title"] = "审批已撤回" },
                ["card_action"] = new JsonObject { ["type"] = 1, ["url"] = "http://127.0.0.1:5080/workbench" },
            },
        };

        var answer = await c.PostJsonAsync(Update, body);

        Assert.Equal(0, answer.ErrCode());
        Assert.All(c.Sim.Card("plan1-r1")!.Recipients, r => Assert.Equal(("updated", "审批已撤回"), (r.State, r.Content.Title)));
        Assert.False(Assert.Single(c.Sim.CardsOf("zhaolei")).Clickable);
    }
}
