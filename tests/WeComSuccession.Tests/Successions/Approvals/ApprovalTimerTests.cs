using System.Text.Json;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>
/// A rule's timers run on the engine's due time (successions.next_run_at and the due-work poll), on the service's clock:
/// a reminder card to those who have not decided, escalation to the next leader up, and expiry: every item to manual
/// handling, the plan over, the admins told and the cards closed.
/// </summary>
public sealed class ApprovalTimerTests
{
    [Fact]
    public async Task Timers_AdvancedClock_RemindEscalateAndExpireAtTheirHours()
    {
        await using var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build(
                [
                    ApprovalCorp.Member("director", ApprovalCorp.SalesCentre, isDeptLeader: true),
                    ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, leader: "director"),
                    ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss"),
                    ApprovalCorp.Member("hr", ApprovalCorp.Service),
                ],
                ApprovalCorp.Customers("sales1", 4)),
            settings: new Dictionary<string, string?> { ["Succession:Admins:0"] = "hr" });
        await h.AddRuleAsync(ApprovalCorp.Rule("直属上级审批", ApprovalRoute.DirectLeader, remindAfterHours: 2, escalateAfterHours: 4, expireAfterHours: 8));

        h.Sim.DeleteMember("sales1");
        var id = await h.WaitForStateAsync("sales1", "awaiting_approval");
        var request = Assert.Single(await h.WaitForCardsAsync(id, 1));
        Assert.Equal("boss", Assert.Single(request.Recipients).UserId);
        var timers = (await h.QueryAsync<(TimeSpan Remind, TimeSpan Escalate, TimeSpan Expire)>(
            "SELECT remind_at - approval_requested_at, escalate_at - approval_requested_at, expire_at - approval_requested_at FROM successions WHERE id = @id", new { id })).Single();
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8)), timers);

        // 2 hours: a reminder card to boss, who has not decided.
        h.Sim.AdvanceClock(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var reminder = (await h.WaitForCardsAsync(id, 2))[1];
        Assert.Equal("boss", Assert.Single(reminder.Recipients).UserId);
        Assert.StartsWith("提醒", reminder.Content.Title, StringComparison.Ordinal);
        Assert.Equal("planned", Assert.Single((await h.ItemStatesAsync("sales1")).Keys));

        // 4 hours: the next leader up is asked too, with a card of their own.
        h.Sim.AdvanceClock(TimeSpan.FromHours(2));
        var escalation = (await h.WaitForCardsAsync(id, 3))[2];
        Assert.Equal("director", Assert.Single(escalation.Recipients).UserId);
        Assert.Contains("未处理", escalation.Content.SubTitle, StringComparison.Ordinal);
        Assert.Equal(["boss", "director"], await h.QueryAsync<string>("SELECT unnest(approvers) FROM successions WHERE id = @id ORDER BY 1", new { id }));

        // 8 hours: nobody decided; everything to manual handling, the admins told, the buttons replaced.
        h.Sim.AdvanceClock(TimeSpan.FromHours(4));
        await h.WaitForStateAsync("sales1", "completed");
        Assert.Equal("expired", await h.ScalarAsync<string>("SELECT approval_outcome FROM successions WHERE id = @id", new { id }));
        Assert.Equal(new Dictionary<string, int> { ["manual"] = 4 }, await h.ItemStatesAsync("sales1"));
        Assert.Equal("approval expired", Assert.Single(await h.QueryAsync<string>("SELECT DISTINCT reason FROM succession_items WHERE succession_id = @id", new { id })));
        await Wait.UntilAsync(() => Task.FromResult(TitlesTo(h, "hr").Contains("客户继承审批已超时")), ApprovalCorp.Deadline, "the admins told", () => h.DescribeAsync("sales1"));
        Assert.Equal(["客户继承审批已超时"], TitlesTo(h, "hr")); // and no failure digest besides
        await Wait.UntilAsync(() => Task.FromResult(h.CardsOf(id).SelectMany(c => c.Recipients).All(r => r.State == "replaced")), ApprovalCorp.Deadline, "every card closed");
        Assert.All(h.CardsOf(id).SelectMany(c => c.Recipients), r => Assert.Equal("审批超时，已转人工处理", r.ReplacedText));
        Assert.Empty(h.Sim.ApiCalls("/cgi-bin/externalcontact/resigned/transfer_customer"));
    }

    /// <summary>The titles of the text cards sent to <paramref name="userid"/>.</summary>
    private static List<string> TitlesTo(SuccessionHarness h, string userid) =>
        [.. h.Sim.Messages().Where(m => m.ToUser == userid && m.MsgType == "textcard")
            .Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("textcard").GetProperty("title").GetString()!)];
}
