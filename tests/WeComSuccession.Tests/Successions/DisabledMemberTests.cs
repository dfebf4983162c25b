
namespace WeComSuccession.Tests.Successions;

/// <summary>A disabled (not deleted) member gets what <c>Succession:OnDisabled</c> says: Plan, TransferOnJob or Ignore.</summary>
public sealed class DisabledMemberTests
{
    private const string ResignedCustomers = "/cgi-bin/externalcontact/resigned/transfer_customer";
    private const string OnJobCustomers = "/cgi-bin/externalcontact/transfer_customer";
    private const string ResignedGroups = "/cgi-bin/externalcontact/groupchat/transfer";
    private const string OnJobGroups = "/cgi-bin/externalcontact/groupchat/onjob_transfer";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Task<SuccessionHarness> StartAsync(string policy) => SuccessionHarness.StartAsync(
        Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")],
            Corps.Customers("sales1", 3),
            Corps.Groups("sales1", 2)),
        sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2),
        new Dictionary<string, string?> { ["Succession:OnDisabled"] = policy });

    private static int TransferCalls(SuccessionHarness h) =>
        new[] { ResignedCustomers, OnJobCustomers, ResignedGroups, OnJobGroups }.Sum(p => h.Sim.ApiCalls(p).Count);

    [Fact]
    public async Task Disable_PolicyPlan_AwaitsDeletionWithoutTransferringThenTransfersWithTheResignedApi()
    {
        await using var h = await StartAsync("Plan");

        h.Sim.DisableMember("sales1");

        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "awaiting_deletion", Deadline, "the plan to await the deletion", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["queued"] = 5 }, await h.ItemStatesAsync("sales1"));
        Assert.Equal("boss", Assert.Single(await h.QueryAsync<string>("SELECT DISTINCT takeover_userid FROM succession_items")));
        await h.WaitUntilSettledAsync("sales1", Deadline); // the pass that held the plan back is over, and nothing is due
        Assert.Equal("awaiting_deletion", await h.SuccessionStateAsync("sales1"));
        Assert.Equal(0, TransferCalls(h));

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 2, Deadline, "3 customers waiting and 2 groups transferred", () => h.DescribeAsync("sales1"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));

        Assert.Equal(1, await h.SuccessionCountAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 5 }, await h.ItemStatesAsync("sales1"));
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(3, transfers.Count);
        Assert.All(transfers, t => Assert.Equal(("resigned/transfer_customer", 0, 1), (t.Api, t.ErrCode, t.Status)));
        Assert.Empty(h.Sim.ApiCalls(OnJobCustomers));
        Assert.Empty(h.Sim.ApiCalls(OnJobGroups));
        Assert.All(h.Sim.GroupTransfers(), g => Assert.Equal(("groupchat/transfer", 0), (g.Api, g.ErrCode)));
    }

    [Fact]
    public async Task DisableThenDeleteWhilePlanning_PolicyPlan_TransfersWithTheResignedApiWithoutWaitingForTheSweep()
    {
        // A slow groupchat/list keeps the disabled member's plan in the making when the deletion arrives; the
        // sweep that would find the member is an hour away.
        await using var h = await SuccessionHarness.StartAsync(
            Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")], Corps.Customers("sales1", 3), Corps.Groups("sales1", 2)),
            sim =>
            {
                sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2);
                sim.Faults.LatencyMs = 3000;
                sim.Faults.Paths.Add("/cgi-bin/externalcontact/groupchat/list");
            },
            new Dictionary<string, string?> { ["Succession:OnDisabled"] = "Plan" });

        // The directory sync at start lists customers too (to count each member's load): count the plan's call only.
        var listedAtStart = h.Sim.ApiCalls("/cgi-bin/externalcontact/list").Count;
        h.Sim.DisableMember("sales1");
        await Wait.UntilAsync(() => Task.FromResult(h.Sim.ApiCalls("/cgi-bin/externalcontact/list").Count > listedAtStart), Deadline, "the plan to list the customers", () => h.DescribeAsync("sales1"));
        Assert.Equal("planning", await h.SuccessionStateAsync("sales1"));
        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3, Deadline, "3 customers waiting", () => h.DescribeAsync("sales1"));
        Assert.Equal(1, await h.SuccessionCountAsync("sales1"));
        Assert.All(h.Sim.CustomerTransfers(), t => Assert.Equal(("resigned/transfer_customer", 0), (t.Api, t.ErrCode)));
        Assert.Empty(h.Sim.ApiCalls(OnJobCustomers));
    }

    [Fact]
    public async Task DisabledThenDeletedBeforeThePlan_DeletionCallbackLost_PlansAsDeletedWithTheResignedApi()
    {
        // The disabled callback opened an on-job succession; the deletion's callback was lost and the sweep is an
        // hour away. WeCom no longer lists the member's customers (40003): the plan must not wait forever on it.
        await using var h = await SuccessionHarness.StartAsync(
            Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")], Corps.Customers("sales1", 3), Corps.Groups("sales1", 2)),
            sim =>
            {
                sim.Callback.Drop = true;
                sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2);
            },
            new Dictionary<string, string?> { ["Succession:OnDisabled"] = "TransferOnJob" });

        // Every recurring job runs once at start: the start-up sweep must be over before the deletion, or it finds the
        // member and opens the succession itself.
        await Wait.UntilAsync(() => Task.FromResult(h.Service.Logs.Count(430) > 0), Deadline, "the start-up sweep");
        h.Sim.DisableMember("sales1");
        h.Sim.DeleteMember("sales1");
        await h.ScalarAsync<long>(
            """
            UPDATE members SET status = 2 WHERE userid = 'sales1';
            INSERT INTO successions (handover_userid, api, state, trigger, created_at, updated_at, next_run_at)
            VALUES ('sales1', 'on_job', 'planning', 'callback', @now, @now, @now) RETURNING id
            """, new { now = h.Sim.Clock.GetUtcNow() });

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 2, Deadline, "3 customers waiting and 2 groups transferred", () => h.DescribeAsync("sales1"));

        Assert.Equal("resigned", await h.ScalarAsync<string>("SELECT api FROM successions WHERE handover_userid = 'sales1'"));
        Assert.True(await h.ScalarAsync<bool>("SELECT departed_at IS NOT NULL FROM members WHERE userid = 'sales1'"));
        Assert.Equal(1, h.Service.Logs.Count(403)); // "WeCom no longer knows sales1; planned as a deleted member"
        Assert.All(h.Sim.CustomerTransfers(), t => Assert.Equal(("resigned/transfer_customer", 0), (t.Api, t.ErrCode)));
        Assert.Equal(3, h.Sim.CustomerTransfers().Count);
        Assert.Empty(h.Sim.ApiCalls(OnJobCustomers));
        Assert.Empty(h.Sim.ApiCalls(OnJobGroups));
    }

    [Fact]
    public async Task Disable_PolicyTransferOnJob_TransfersAtOnceWithTheOnJobApi()
    {
        await using var h = await StartAsync("TransferOnJob");

        h.Sim.DisableMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 2, Deadline, "3 customers waiting and 2 groups transferred", () => h.DescribeAsync("sales1"));
        Assert.Equal("on_job", await h.ScalarAsync<string>("SELECT api FROM successions WHERE handover_userid = 'sales1'"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));

        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 5 }, await h.ItemStatesAsync("sales1"));
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(3, transfers.Count);
        Assert.All(transfers, t => Assert.Equal(("transfer_customer", "boss", 0, 1), (t.Api, t.Takeover, t.ErrCode, t.Status)));
        Assert.Equal(3, h.Sim.CustomersOf("boss").Count);
        Assert.Empty(h.Sim.ApiCalls(ResignedCustomers));
        Assert.Empty(h.Sim.ApiCalls(ResignedGroups));
        Assert.All(h.Sim.GroupTransfers(), g => Assert.Equal(("groupchat/onjob_transfer", 0), (g.Api, g.ErrCode)));
        Assert.Equal(2, h.Sim.GroupsOf("boss").Count);
    }

    [Fact]
    public async Task Disable_PolicyIgnore_NoSuccessionOnceTheCallbackIsProcessed()
    {
        await using var h = await StartAsync("Ignore");

        h.Sim.DisableMember("sales1");

        // Processed means every handler has had the event: a succession would have been opened by now.
        await Wait.UntilAsync(
            async () => await h.ScalarAsync<long>("SELECT count(*) FROM callback_inbox WHERE change_type = 'update_user' AND processed_at IS NOT NULL") == 1,
            Deadline, "the update_user callback to be processed", () => h.DescribeAsync("sales1"));
        Assert.Equal(0, await h.SuccessionCountAsync("sales1"));
        Assert.Equal(0, TransferCalls(h));

        // The directory still learned that the member is disabled.
        Assert.Equal(2, await h.ScalarAsync<short>("SELECT status FROM members WHERE userid = 'sales1'"));
    }
}
