using System.Net;
using System.Net.Http.Json;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.Simulator.Gate;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>
/// Approval cards in the chat: each approver gets a button_interaction card; a click on 通过 decides as that member
/// (through the callback inbox), then update_template_card replaces the buttons with the outcome: the clicker's copy by
/// the click's response_code, the others by the send-time one. Repeated clicks and clicks on a decided plan change
/// nothing and say so; past a response_code's 72 hours the decision stands and the card is left alone.
/// </summary>
public sealed class ApprovalCardTests
{
    private const string UpdateCard = "/cgi-bin/message/update_template_card";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<SuccessionHarness> StartAsync(
        Action<WeComSuccession.Simulator.SimulatorOptions>? simulator = null, string? responseCodeLifetime = null, string route = ApprovalRoute.Members)
    {
        var settings = new Dictionary<string, string?>(SuccessionHarness.AdminKeySettings);
        if (responseCodeLifetime is not null)
        {
            settings["Succession:Approval:ResponseCodeLifetime"] = responseCodeLifetime;
        }

        var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build(
                [ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, isDeptLeader: true), ApprovalCorp.Member("hr", ApprovalCorp.Service), ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss")],
                ApprovalCorp.Customers("sales1", 3), Corps.Groups("sales1", 1)),
            simulator,
            settings);
        await h.AddRuleAsync(ApprovalCorp.Rule("销售一部由负责人或人事审批", route, members: ["boss", "hr"]));
        return h;
    }

    /// <summary>sales1 leaves; their plan waits for boss or hr; the one card both received.</summary>
    private static async Task<(long Id, CardInfo Card)> PlanWithCardAsync(SuccessionHarness h)
    {
        h.Sim.DeleteMember("sales1");
        var id = await h.WaitForStateAsync("sales1", "awaiting_approval");
        return (id, Assert.Single(await h.WaitForCardsAsync(id, 1)));
    }

    private static Task WaitForUpdatesAsync(SuccessionHarness h, string taskId, int count) =>
        Wait.UntilAsync(() => Task.FromResult(h.Sim.Card(taskId)!.Updates.Count >= count), ApprovalCorp.Deadline, $"{count} updates of card {taskId}");

    private static Task<long> DecisionEntriesAsync(SuccessionHarness h, long id) => h.ScalarAsync<long>(
        "SELECT count(*) FROM audit_log WHERE entity_type = 'succession' AND entity_id = @id AND actor <> 'system'", new { id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    [Fact]
    public async Task Card_ApproveClickedByOne_PlanApprovedBothCopiesUpdatedWithTheirCodes()
    {
        await using var h = await StartAsync();
        var (id, card) = await PlanWithCardAsync(h);
        Assert.Equal(["boss", "hr"], card.Recipients.Select(r => r.UserId).Order());
        Assert.Equal("button_interaction", card.CardType);
        Assert.Equal([("离职人", "sales1"), ("接替人", "boss"), ("客户数", "3"), ("群数", "1")], card.Content.HorizontalContent.Select(r => (r.KeyName, r.Value ?? "")));
        Assert.Equal([("驳回", "reject"), ("通过", "approve")], card.Content.Buttons.Select(b => (b.Text, b.Key ?? "")));
        Assert.EndsWith($"/workbench/plans/{id}", card.Content.CardActionUrl, StringComparison.Ordinal);

        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "boss", "approve").Outcome);

        await h.WaitForStateAsync("sales1", "transferring");
        await WaitForUpdatesAsync(h, card.TaskId, 2);
        var updates = h.Sim.Card(card.TaskId)!.Updates.OrderBy(u => u.ResponseCodeFrom).ToList();
        Assert.Equal([("boss", "boss", "已由 boss 通过"), ("send", "hr", "已由 boss 通过")], updates.Select(u => (u.ResponseCodeFrom, Assert.Single(u.UserIds), u.ReplaceName)));
        Assert.All(h.Sim.ApiCalls(UpdateCard), call => Assert.Equal(0, call.ErrCode));
        Assert.Equal(2, h.Sim.ApiCalls(UpdateCard).Count);
        Assert.All(card.Recipients, r => Assert.Equal(("replaced", "已由 boss 通过"), (h.Copy(card.TaskId, r.UserId).State, h.Copy(card.TaskId, r.UserId).ReplacedText)));
        Assert.Equal(("boss", "card"), (await h.QueryAsync<(string, string)>(
            "SELECT actor, after->>'via' FROM audit_log WHERE entity_type = 'succession' AND entity_id = @id AND actor <> 'system'", new { id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) })).Single());
    }

    [Fact]
    public async Task Card_PlanChangedAfterAnApproval_NewRoundNewTaskIdAndTheOldCardsClosed()
    {
        await using var h = await StartAsync(route: ApprovalRoute.TwoPerson);
        var (id, card) = await PlanWithCardAsync(h);
        Assert.StartsWith($"wcs-{id}-1-", card.TaskId, StringComparison.Ordinal);
        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "boss", "approve").Outcome);
        await Wait.UntilAsync(async () => await h.ScalarAsync<long>("SELECT count(*) FROM approval_decisions WHERE succession_id = @id", new { id }) == 1, ApprovalCorp.Deadline, "boss's approval");

        // hr gives one customer to themselves: the plan boss approved is not this one any more.
        var item = await h.ScalarAsync<long>("SELECT id FROM succession_items WHERE succession_id = @id AND kind = 'customer' ORDER BY id LIMIT 1", new { id });
        using var api = h.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/v1/departures/{id}/items/change-successor", new { approver = "hr", itemIds = new[] { item }, takeoverUserId = "hr" }, Ct)).StatusCode);

        var next = (await h.WaitForCardsAsync(id, 2))[1];
        Assert.StartsWith($"wcs-{id}-2-", next.TaskId, StringComparison.Ordinal);
        Assert.Equal(["boss", "hr"], next.Recipients.Select(r => r.UserId).Order());
        await Wait.UntilAsync(() => Task.FromResult(h.Copy(card.TaskId, "hr").State == "replaced"), ApprovalCorp.Deadline, "the first round's card closed");
        Assert.Equal("计划已调整，请处理新的审批卡片", h.Copy(card.TaskId, "hr").ReplacedText);

        // Both decide the new round on its cards.
        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(next.TaskId, "boss", "approve").Outcome);
        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(next.TaskId, "hr", "approve").Outcome);
        await h.WaitForStateAsync("sales1", "transferring");
        Assert.Equal("hr", await h.ScalarAsync<string>("SELECT takeover_userid FROM succession_items WHERE id = @item", new { item }));
    }

    [Fact]
    public async Task Card_DoubleClick_OneDecisionAndTheSecondClickSaysSo()
    {
        await using var h = await StartAsync();
        var (id, card) = await PlanWithCardAsync(h);

        // Two taps before WeCom shows any update: two template_card_events, each with its own response_code.
        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "boss", "approve").Outcome);
        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "boss", "approve").Outcome);

        await WaitForUpdatesAsync(h, card.TaskId, 3);
        Assert.Equal(2, h.Sim.Card(card.TaskId)!.Updates.Count(u => u.ResponseCodeFrom == "boss"));
        Assert.All(h.Sim.Card(card.TaskId)!.Updates, u => Assert.Equal("已由 boss 通过", u.ReplaceName));
        Assert.Equal(1, await DecisionEntriesAsync(h, id));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT count(*) FROM approval_decisions WHERE succession_id = @id", new { id }));
    }

    [Fact]
    public async Task Card_ClickOnAPlanDecidedElsewhere_ChangesNothingAndShowsTheOutcome()
    {
        await using var h = await StartAsync();
        var (id, card) = await PlanWithCardAsync(h);

        // The send-time update fails once, so hr's copy keeps its buttons after boss decides through the API.
        h.Sim.ScriptFault(new ScriptedFault(UpdateCard, Count: 5, ErrCode: 81013));
        using var api = h.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "boss" }, Ct)).StatusCode);
        await Wait.UntilAsync(async () => await h.ScalarAsync<long>("SELECT count(*) FROM approval_card_updates WHERE error IS NOT NULL") == 1,
            ApprovalCorp.Deadline, "the failed send-time update", () => h.DescribeAsync("sales1"));
        h.Sim.ClearScriptedFaults();
        Assert.Equal("active", h.Copy(card.TaskId, "hr").State);
        var entries = await DecisionEntriesAsync(h, id);

        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "hr", "reject").Outcome);

        await Wait.UntilAsync(() => Task.FromResult(h.Copy(card.TaskId, "hr").State == "replaced"), ApprovalCorp.Deadline, "hr's copy to show the outcome");
        Assert.Equal("已由 boss 通过", h.Copy(card.TaskId, "hr").ReplacedText);
        Assert.Equal("hr", h.Sim.Card(card.TaskId)!.Updates.Single().ResponseCodeFrom);
        Assert.NotEqual("rejected", await h.SuccessionStateAsync("sales1"));
        Assert.Equal(entries, await DecisionEntriesAsync(h, id));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM approval_decisions WHERE approver = 'hr'"));
    }

    /// <summary>WeCom's 72 hours by default; Succession:Approval:ResponseCodeLifetime shortens it (the simulator still takes the code: only the setting stops the call).</summary>
    [Theory]
    [InlineData(null, 73)]
    [InlineData("01:00:00", 2)]
    public async Task Card_ClickedAfterTheCodeLifetime_DecidesAndTheSendTimeCodeIsNotUsed(string? lifetime, int hoursLater)
    {
        await using var h = await StartAsync(responseCodeLifetime: lifetime);
        var (_, card) = await PlanWithCardAsync(h);
        h.Sim.AdvanceClock(TimeSpan.FromHours(hoursLater));

        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "boss", "approve").Outcome);

        await h.WaitForStateAsync("sales1", "transferring");
        await Wait.UntilAsync(async () => await h.ScalarAsync<long>("SELECT count(*) FROM approval_card_updates WHERE sent_at IS NOT NULL OR skipped IS NOT NULL") == 2,
            ApprovalCorp.Deadline, "both updates settled", () => h.DescribeAsync("sales1"));
        // The send-time code is past its lifetime: hr's copy is left alone (no call that WeCom would answer 60140).
        Assert.Equal(("send", "response_code expired"), (await h.QueryAsync<(string, string)>("SELECT code_from, skipped FROM approval_card_updates WHERE skipped IS NOT NULL")).Single());
        Assert.Equal("active", h.Copy(card.TaskId, "hr").State);
        // The click's own code is fresh: the clicker sees the outcome.
        Assert.Equal("boss", Assert.Single(h.Sim.Card(card.TaskId)!.Updates).ResponseCodeFrom);
        Assert.All(h.Sim.ApiCalls(UpdateCard), call => Assert.Equal(0, call.ErrCode));
    }

    [Fact]
    public async Task Card_ClickDeliveredAfterItsCodesExpired_StillDecidesAndSendsNoUpdate()
    {
        await using var h = await StartAsync(sim => sim.Callback.MaxRetries = 100);
        var (id, card) = await PlanWithCardAsync(h);
        var service = h.Sim.Options.Callback.Url;
        h.Sim.Options.Callback.Url = $"http://127.0.0.1:{LoopbackPorts.Free()}/wecom/callback"; // nobody listens: WeCom keeps retrying

        Assert.Equal(CardClickOutcome.Sent, h.Sim.ClickCard(card.TaskId, "boss", "approve").Outcome);
        await Wait.UntilAsync(() => Task.FromResult(h.Sim.CallbackDeliveries().Any(d => d.Event == "template_card_event" && d.Attempts.Count > 0)),
            ApprovalCorp.Deadline, "a first failed delivery of the click");
        h.Sim.AdvanceClock(TimeSpan.FromHours(73));
        h.Sim.Options.Callback.Url = service;

        await h.WaitForStateAsync("sales1", "transferring");
        await Wait.UntilAsync(async () => await h.ScalarAsync<long>("SELECT count(*) FROM approval_card_updates WHERE skipped IS NOT NULL") == 2,
            ApprovalCorp.Deadline, "both updates left alone", () => h.DescribeAsync("sales1"));
        Assert.Empty(h.Sim.ApiCalls(UpdateCard));
        Assert.Empty(h.Sim.Card(card.TaskId)!.Updates);
        Assert.Equal("boss", await h.ScalarAsync<string>("SELECT decided_by FROM successions WHERE id = @id", new { id }));
    }
}
