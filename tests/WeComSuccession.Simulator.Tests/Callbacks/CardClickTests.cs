using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Simulator.Tests.Callbacks;

public sealed class CardClickTests
{
    [Fact]
    public async Task ClickCard_ByARecipient_PushesASignedTemplateCardEventWithTheClickersFields()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        await c.PostJsonAsync("/cgi-bin/message/send", Cards.Approval("plan1-r1"));

        var before = c.Sim.Now;
        var result = c.Sim.ClickCard("plan1-r1", "zhaolei", Cards.Reject);
        var after = c.Sim.Now;
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        Assert.Equal(CardClickOutcome.Sent, result.Outcome);
        var received = Assert.Single(receiver.Received);
        var decrypted = received.Decrypt();
        Assert.True(decrypted.IsSuccess, decrypted.Failure.ToString());
        var xml = XElement.Parse(decrypted.Plaintext!);
        Assert.Equal(
            ("wwdemo0000000000", "zhaolei", "event", "template_card_event", Cards.Reject, "plan1-r1", "button_interaction", result.ResponseCode, "1000002"),
            (V(xml, "ToUserName"), V(xml, "FromUserName"), V(xml, "MsgType"), V(xml, "Event"), V(xml, "EventKey"), V(xml, "TaskId"), V(xml, "CardType"), V(xml, "ResponseCode"), V(xml, "AgentID")));
        Assert.InRange(long.Parse(V(xml, "CreateTime")!, System.Globalization.CultureInfo.InvariantCulture), before, after);
        var e = Assert.IsType<TemplateCardEvent>(CallbackEventParser.Parse(decrypted.Plaintext).Event);
        Assert.Equal(("zhaolei", Cards.Reject, "plan1-r1", result.ResponseCode), (e.Header.FromUserName, e.EventKey, e.TaskId, e.ResponseCode));
        var click = Assert.Single(c.Sim.Card("plan1-r1")!.Clicks);
        Assert.Equal(("zhaolei", Cards.Reject, result.DeliveryId), (click.UserId, click.Key, (long?)click.DeliveryId));
    }

    [Fact]
    public async Task ClickResponseCode_UpdatesTheCardOnce_ThenTheSendTimeCodeUpdatesTheOthers()
    {
        await using var c = await SimClient.StartAsync();
        var sendCode = (await c.PostJsonAsync("/cgi-bin/message/send", Cards.Approval("plan1-r1", toUser: "lina|zhaolei|wangjing"))).Str("response_code")!;
        var click = c.Sim.ClickCard("plan1-r1", "lina", Cards.Approve);

        var forClicker = await c.PostJsonAsync("/cgi-bin/message/update_template_card", Cards.Replace(click.ResponseCode!, "已由 李娜 通过", ["lina"]));
        var again = await c.PostJsonAsync("/cgi-bin/message/update_template_card", Cards.Replace(click.ResponseCode!, "已由 李娜 通过", ["lina"]));
        var forOthers = await c.PostJsonAsync("/cgi-bin/message/update_template_card", Cards.Replace(sendCode, "已由 李娜 通过", ["zhaolei", "wangjing"]));

        Assert.Equal((0, 60140, 0), (forClicker.ErrCode(), again.ErrCode(), forOthers.ErrCode()));
        Assert.All(c.Sim.Card("plan1-r1")!.Recipients, r => Assert.Equal(("replaced", "已由 李娜 通过"), (r.State, r.ReplacedText)));
        Assert.Equal(["lina", "send"], c.Sim.Card("plan1-r1")!.Updates.Select(u => u.ResponseCodeFrom));
    }

    [Fact]
    public async Task ClickCard_NonRecipientReplacedOrUnknownKey_IsRefusedAndSendsNothing()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        var code = (await c.PostJsonAsync("/cgi-bin/message/send", Cards.Approval("plan1-r1"))).Str("response_code")!;
        await c.PostJsonAsync("/cgi-bin/message/update_template_card", Cards.Replace(code, "已由 赵磊 驳回", ["lina"]));

        var outcomes = new[]
        {
            c.Sim.ClickCard("plan1-r1", "lisi", Cards.Approve).Outcome,
            c.Sim.ClickCard("plan1-r1", "lina", Cards.Approve).Outcome,
            c.Sim.ClickCard("plan1-r1", "zhaolei", "approve:other-plan").Outcome,
            c.Sim.ClickCard("nope", "zhaolei", Cards.Approve).Outcome,
        };
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        Assert.Equal([CardClickOutcome.NotRecipient, CardClickOutcome.NotClickable, CardClickOutcome.UnknownKey, CardClickOutcome.UnknownCard], outcomes);
        Assert.Empty(receiver.Received);
        Assert.Empty(c.Sim.CallbackDeliveries());
    }

    [Fact]
    public async Task ControlApi_Click_AnswersTheDeliveryOrWhyNot()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        var ct = TestContext.Current.CancellationToken;
        await c.PostJsonAsync("/cgi-bin/message/send", Cards.Approval("plan1-r1"));

        using var ok = await c.Http.PostAsJsonAsync(new Uri("/_sim/cards/plan1-r1/click", UriKind.Relative), new { userid = "lina", key = Cards.Approve }, ct);
        using var stranger = await c.Http.PostAsJsonAsync(new Uri("/_sim/cards/plan1-r1/click", UriKind.Relative), new { userid = "lisi", key = Cards.Approve }, ct);
        using var unknown = await c.Http.PostAsJsonAsync(new Uri("/_sim/cards/nope/click", UriKind.Relative), new { userid = "lina", key = Cards.Approve }, ct);
        await c.Sim.WaitForCallbacksAsync(ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.NotFound), (ok.StatusCode, stranger.StatusCode, unknown.StatusCode));
        Assert.Contains("lisi", (await stranger.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(receiver.Received);
        var cards = await c.Http.GetFromJsonAsync<JsonElement>(new Uri("/_sim/cards?userid=lina", UriKind.Relative), ct);
        Assert.Equal("plan1-r1", Assert.Single(cards.EnumerateArray()).GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task ClickCard_WithCallbacksDropped_IsRecordedAsDropped()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => { o.Callback.Url = receiver.Url.ToString(); o.Callback.Drop = true; });
        await c.PostJsonAsync("/cgi-bin/message/send", Cards.Approval("plan1-r1"));

        var result = c.Sim.ClickCard("plan1-r1", "lina", Cards.Approve);
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        var delivery = Assert.Single(c.Sim.CallbackDeliveries());
        Assert.Equal((result.DeliveryId, "template_card_event", "dropped"), (delivery.Id, delivery.Event, delivery.State));
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task ControlPage_ShowsTheCardPerRecipient_AndItsButtonClicksAsThatMember()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        var ct = TestContext.Current.CancellationToken;
        var empty = await c.Http.GetStringAsync(new Uri("/_sim", UriKind.Relative), ct);
        await c.PostJsonAsync("/cgi-bin/message/send", Cards.Approval("plan1-r1"));

        var page = await c.Http.GetStringAsync(new Uri("/_sim", UriKind.Relative), ct);
        using var form = new FormUrlEncodedContent([new("userid", "zhaolei"), new("key", Cards.Approve)]);
        using var clicked = await c.Http.PostAsync(new Uri("/_sim/ui/cards/plan1-r1/click", UriKind.Relative), form, ct);
        await c.Sim.WaitForCallbacksAsync(ct);

        Assert.Contains("还没有卡片消息", empty, StringComparison.Ordinal);
        Assert.Contains("data-taskid=\"plan1-r1\" data-userid=\"zhaolei\"", page, StringComparison.Ordinal);
        Assert.Contains("离职人", page, StringComparison.Ordinal);
        Assert.Contains(">驳回</button>", page, StringComparison.Ordinal);
        Assert.Contains("回调 #1 已发送", await clicked.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal("zhaolei", Assert.Single(c.Sim.Card("plan1-r1")!.Clicks).UserId);
    }

    private static string? V(XElement xml, string name) => xml.Element(name)?.Value;
}
