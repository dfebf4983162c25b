using System.Diagnostics;

namespace WeComSuccession.Tests.Successions;

/// <summary>
/// WeCom gives up on a callback after a few retries: the reconciliation sweep reads who departed from WeCom itself
/// (get_unassigned_list, groupchat/list status 1) and opens what the callbacks never announced.
/// </summary>
public sealed class ReconciliationSweepTests
{
    /// <summary>The service's log event at the end of each sweep ("Reconciliation sweep: …").</summary>
    private const int SweepEnded = 430;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>One interval, plus the sweep's own calls and the scheduler's latency on a busy machine.</summary>
    private static readonly TimeSpan OneInterval = Interval + TimeSpan.FromSeconds(4);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Task<SuccessionHarness> StartAsync(CorpSeed corp) => SuccessionHarness.StartAsync(
        corp,
        sim =>
        {
            sim.Callback.Drop = true;
            sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2);
        },
        new Dictionary<string, string?> { ["Succession:ReconcileInterval"] = "00:00:05" });

    [Fact]
    public async Task Delete_CallbackDropped_SweepOpensTheSuccessionWithinOneInterval()
    {
        await using var h = await StartAsync(Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")],
            Corps.Customers("sales1", 3),
            Corps.Groups("sales1", 2)));

        h.Sim.DeleteMember("sales1");
        var watch = Stopwatch.StartNew();

        await Wait.UntilAsync(async () => await h.SuccessionIdAsync("sales1") is not null, OneInterval, "the sweep to open a succession", () => h.DescribeAsync("sales1"));
        Assert.True(watch.Elapsed <= OneInterval, $"opened after {watch.Elapsed}");
        Assert.Equal("sweep", await h.ScalarAsync<string>("SELECT trigger FROM successions WHERE handover_userid = 'sales1'"));
        Assert.All(h.Sim.CallbackDeliveries(), d => Assert.Equal("dropped", d.State));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM callback_inbox"));

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 2, Deadline, "3 customers waiting and 2 groups transferred", () => h.DescribeAsync("sales1"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));

        // Later sweeps see nothing new: still one succession, each customer sent once. Sweeps do not overlap, so of
        // two that end after this point, the second started after it.
        var swept = h.Service.Logs.Count(SweepEnded);
        await Wait.UntilAsync(() => Task.FromResult(h.Service.Logs.Count(SweepEnded) >= swept + 2), 2 * OneInterval, "a sweep that started after the completion to end", () => h.DescribeAsync("sales1"));
        Assert.Equal(1, await h.SuccessionCountAsync("sales1"));
        Assert.Equal(3, h.Sim.CustomerTransfers().Count);
    }

    [Fact]
    public async Task Delete_GroupOnlyOwnerCallbackDropped_SweepFindsTheOwnerThroughTheirGroups()
    {
        await using var h = await StartAsync(Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("host1", leader: "boss")],
            groups: Corps.Groups("host1", 3)));

        h.Sim.DeleteMember("host1");
        var watch = Stopwatch.StartNew();

        await Wait.UntilAsync(async () => await h.SuccessionIdAsync("host1") is not null, OneInterval, "the sweep to open a succession", () => h.DescribeAsync("host1"));
        Assert.True(watch.Elapsed <= OneInterval, $"opened after {watch.Elapsed}");
        Assert.Equal("sweep", await h.ScalarAsync<string>("SELECT trigger FROM successions WHERE handover_userid = 'host1'"));

        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("host1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("host1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 3 }, await h.ItemStatesAsync("host1"));
        Assert.All(h.Sim.GroupsOf("boss"), g => Assert.Equal("boss", g.Owner));
        Assert.Equal(3, h.Sim.GroupsOf("boss").Count);
        Assert.Empty(h.Sim.CustomerTransfers());
    }

    [Fact]
    public async Task DisableThenDelete_GroupOnlyOwnerDeletionDropped_SweepReleasesThePlanAwaitingTheDeletion()
    {
        // Disabled under the Plan policy: the plan (groups only) waits for the deletion, whose callback is lost.
        await using var h = await SuccessionHarness.StartAsync(
            Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("host1", leader: "boss")], groups: Corps.Groups("host1", 3)),
            sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2),
            new Dictionary<string, string?> { ["Succession:ReconcileInterval"] = "00:00:05", ["Succession:OnDisabled"] = "Plan" });
        h.Sim.DisableMember("host1");
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("host1") == "awaiting_deletion", Deadline, "the plan to await the deletion", () => h.DescribeAsync("host1"));
        h.Sim.Options.Callback.Drop = true;

        h.Sim.DeleteMember("host1");

        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("host1") is "transferring" or "completed", OneInterval, "the sweep to release the plan", () => h.DescribeAsync("host1"));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("host1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("host1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 3 }, await h.ItemStatesAsync("host1"));
        Assert.Equal(1, await h.SuccessionCountAsync("host1"));
        Assert.Equal(3, h.Sim.GroupsOf("boss").Count);
    }

    [Fact]
    public async Task DisableThenDelete_OnJobSuccessionClosedDeletionDropped_SweepOpensAResignedSuccessionForWhatIsLeft()
    {
        // Disabled under TransferOnJob: one customer declines the on-job transfer and stays with the member. When the
        // member is then deleted and the callback lost, the sweep must do what the callback would have done.
        await using var h = await SuccessionHarness.StartAsync(
            Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")], Corps.Customers("sales1", 3)),
            sim => sim.Switches.OnJobRefusalKeepsHandover = true,
            new Dictionary<string, string?> { ["Succession:ReconcileInterval"] = "00:00:05", ["Succession:OnDisabled"] = "TransferOnJob" });
        const string refuser = "wmsales100001";
        h.Sim.SetRefusal(refuser, true);
        h.Sim.DisableMember("sales1");
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3, Deadline, "3 customers waiting (on-job)", () => h.DescribeAsync("sales1"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the on-job succession to complete", () => h.DescribeAsync("sales1"));
        Assert.Equal([refuser], h.Sim.CustomersOf("sales1"));
        h.Sim.SetRefusal(refuser, null);
        h.Sim.Options.Callback.Drop = true;

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => await h.SuccessionCountAsync("sales1") == 2, OneInterval, "the sweep to open a resigned succession", () => h.DescribeAsync("sales1"));
        Assert.Equal(("resigned", "sweep"), (await h.QueryAsync<(string, string)>("SELECT api, trigger FROM successions WHERE handover_userid = 'sales1' ORDER BY id DESC LIMIT 1")).Single());
        await Wait.UntilAsync(() => Task.FromResult(h.Sim.CustomerTransfers(refuser).Any(t => t.Api == "resigned/transfer_customer" && t.ErrCode == 0)), Deadline,
            "the customer left behind to be sent with the resigned API", () => h.DescribeAsync("sales1"));
    }
}
