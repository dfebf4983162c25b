using System.Net.Http.Json;

namespace WeComSuccession.Tests.Successions.Successors;

/// <summary>
/// Who inherits: the direct leader first; someone at capacity is skipped; no one eligible means manual handling
/// with the reason; a refusal is final and visible; a successor found full at takeover time is replaced once.
/// </summary>
public sealed class SuccessorChainTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SuccessionHarness> StartAsync(CorpSeed corp, IReadOnlyDictionary<string, string?>? settings = null) =>
        SuccessionHarness.StartAsync(corp, sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2), settings);

    private static Task<List<ItemRow>> ItemsAsync(SuccessionHarness h) => h.QueryAsync<ItemRow>(
        "SELECT kind, target_id, takeover_userid, rule, state, reason, reroutes FROM succession_items ORDER BY kind, target_id");

    [Fact]
    public async Task Delete_DirectLeaderEligible_DirectLeaderInheritsByRuleDirectLeader()
    {
        await using var h = await StartAsync(Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("lead", leader: "boss"), Corps.Member("sales1", leader: "lead")],
            Corps.Customers("sales1", 3),
            Corps.Groups("sales1", 1)));

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 1, Deadline, "3 customers waiting and 1 group transferred", () => h.DescribeAsync("sales1"));
        Assert.All(await ItemsAsync(h), i => Assert.Equal(("lead", "direct_leader"), (i.TakeoverUserid, i.Rule)));
        Assert.All(h.Sim.CustomerTransfers(), t => Assert.Equal(("lead", 0), (t.Takeover, t.ErrCode)));
        Assert.Equal("lead", h.Sim.Group("wrsales100000")!.Owner);
    }

    [Fact]
    public async Task Delete_DirectLeaderAtCapacity_NextInTheChainInheritsTheCustomers()
    {
        // lead already holds 5 customers, the configured most; boss leads the department.
        await using var h = await StartAsync(
            Corps.Build(
                [Corps.Member("boss", isDeptLeader: true), Corps.Member("lead", leader: "boss"), Corps.Member("sales1", leader: "lead")],
                [.. Corps.Customers("sales1", 3), .. Corps.Customers("lead", 5)],
                Corps.Groups("sales1", 1)),
            new Dictionary<string, string?> { ["Succession:SuccessorCapacity"] = "5" });

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 1, Deadline, "3 customers waiting and 1 group transferred", () => h.DescribeAsync("sales1"));
        var items = await ItemsAsync(h);
        Assert.All(items.Where(i => i.Kind == "customer"), i => Assert.Equal(("boss", "department_leader"), (i.TakeoverUserid, i.Rule)));

        // Capacity counts customers only: the group still goes to the direct leader.
        var group = Assert.Single(items, i => i.Kind == "group");
        Assert.Equal(("lead", "direct_leader"), (group.TakeoverUserid, group.Rule));
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(3, transfers.Count);
        Assert.All(transfers, t => Assert.Equal(("boss", 0), (t.Takeover, t.ErrCode)));
    }

    [Fact]
    public async Task Delete_NoEligibleSuccessor_ItemsManualWithTheReasonNamingWhy()
    {
        // The only leader lacks the customer-contact permission, no one else is in the department, no fallback.
        await using var h = await StartAsync(Corps.Build(
            [Corps.Member("boss", isDeptLeader: true, customerContact: false), Corps.Member("sales1", leader: "boss")],
            Corps.Customers("sales1", 3),
            Corps.Groups("sales1", 1)));

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        var items = await ItemsAsync(h);
        Assert.Equal(4, items.Count);
        Assert.All(items, i =>
        {
            Assert.Equal("manual", i.State);
            Assert.Null(i.TakeoverUserid);
            Assert.StartsWith("no eligible successor", i.Reason, StringComparison.Ordinal);
            Assert.Contains("boss: has no customer-contact (客户联系) permission", i.Reason, StringComparison.Ordinal);
            Assert.Contains("pool: no eligible member in the department", i.Reason, StringComparison.Ordinal);
            Assert.Contains("fallback: none configured", i.Reason, StringComparison.Ordinal);
        });
        Assert.Empty(h.Sim.CustomerTransfers());
        Assert.Empty(h.Sim.GroupTransfers());
    }

    [Fact]
    public async Task Delete_CustomerRefuses_ItemRefusedAndListedByTheAdminApi()
    {
        await using var h = await StartAsync(
            Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss"), Corps.Member("admin1")], Corps.Customers("sales1", 3)),
            new Dictionary<string, string?>(SuccessionHarness.AdminKeySettings) { ["Succession:Admins:0"] = "admin1" });
        const string refuser = "wmsales100001";
        h.Sim.SetRefusal(refuser, true);

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3, Deadline, "3 customers waiting", () => h.DescribeAsync("sales1"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(2)); // the customer declines within the hour (transfer_fail customer_refused)
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("refused") == 1, Deadline, "the refusal to be recorded", () => h.DescribeAsync("sales1"));

        var id = (await h.SuccessionIdAsync("sales1"))!.Value;
        using var api = h.CreateAdminClient();
        var page = await api.GetFromJsonAsync<ItemPage>($"/api/v1/departures/{id}/items?state=refused", Ct);
        Assert.NotNull(page);
        Assert.Equal(1, page.Total);
        var refused = Assert.Single(page.Items);
        Assert.Equal((refuser, "customer", "refused", "boss"), (refused.TargetId, refused.Kind, refused.State, refused.TakeoverUserId));
        Assert.Contains("refused", refused.Reason, StringComparison.Ordinal);

        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 2, ["refused"] = 1 }, await h.ItemStatesAsync("sales1"));
        Assert.Equal(3, h.Sim.CustomerTransfers().Count); // a refusal is final: never sent again

        // The successor hears of the 2 customers; the admin of the refusal.
        await Wait.UntilAsync(() => Task.FromResult(h.Sim.Messages().Count == 2), Deadline, "two app messages", () => h.DescribeAsync("sales1"));
        var messages = h.Sim.Messages();
        Assert.Contains("2 位客户", Description(Assert.Single(messages, m => m.ToUser == "boss").Body), StringComparison.Ordinal);
        Assert.Contains("1 位客户拒绝", Description(Assert.Single(messages, m => m.ToUser == "admin1").Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_SuccessorFullAtTakeover_ReroutedOnceThenManual()
    {
        // boss accepts 3 more customers, m2 one: both have room when the calls are made, not when the takeovers come.
        await using var h = await StartAsync(Corps.Build(
            [Corps.Member("boss", isDeptLeader: true, customerLimit: 3), Corps.Member("sales1", leader: "boss"), Corps.Member("m2", leader: "boss", customerLimit: 1)],
            Corps.Customers("sales1", 5)));

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 5, Deadline, "5 customers waiting", () => h.DescribeAsync("sales1"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));

        // 3 taken over by boss; 2 failed with status 4 / customer_limit_exceed → re-routed to m2 (pool).
        await Wait.UntilAsync(async () => (await ItemsAsync(h)).Count(i => i is { State: "waiting", TakeoverUserid: "m2", Reroutes: 1 }) == 2
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 3, Deadline, "2 customers re-routed to m2 and waiting", () => h.DescribeAsync("sales1"));
        Assert.All((await ItemsAsync(h)).Where(i => i.TakeoverUserid == "m2"), i => Assert.Equal("pool", i.Rule));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));

        // m2 takes one; the other finds m2 full too, and one re-route is all an item gets.
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 4, ["manual"] = 1 }, await h.ItemStatesAsync("sales1"));
        var items = await ItemsAsync(h);
        Assert.Equal(2, items.Count(i => i.Reroutes == 1));
        var manual = Assert.Single(items, i => i.State == "manual");
        Assert.Equal(1, manual.Reroutes);
        Assert.Contains("limit", manual.Reason, StringComparison.Ordinal);
        Assert.Contains("re-routed 1 time(s)", manual.Reason, StringComparison.Ordinal);
        Assert.Equal(3, h.Sim.CustomersOf("boss").Count);
        Assert.Single(h.Sim.CustomersOf("m2"));

        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(5, transfers.Count(t => t.Takeover == "boss"));
        Assert.Equal(2, transfers.Count(t => t.Takeover == "m2"));
        Assert.Equal(7, transfers.Count);
    }

    private static string Description(string messageBody)
    {
        using var message = System.Text.Json.JsonDocument.Parse(messageBody);
        return message.RootElement.GetProperty("textcard").GetProperty("description").GetString()!;
    }

    private sealed record ItemRow(string Kind, string TargetId, string? TakeoverUserid, string? Rule, string State, string? Reason, short Reroutes);

    private sealed record ItemPage(int Page, int PageSize, long Total, List<ApiItem> Items);

    private sealed record ApiItem(long Id, string Kind, string TargetId, string? TakeoverUserId, string? Rule, string State, string? Reason, int? Errcode, int Reroutes);
}
