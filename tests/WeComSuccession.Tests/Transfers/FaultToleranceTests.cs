using WeComSuccession.Simulator.Gate;

namespace WeComSuccession.Tests.Transfers;

/// <summary>
/// A WeCom that is busy (-1), overloaded (HTTP 5xx), slow, throttling (45009) and revoking tokens: the succession
/// still completes, every customer and group moves exactly once, and a paused API gets no call during its pause.
/// </summary>
public sealed class FaultToleranceTests
{
    private const string ResignedCustomers = "/cgi-bin/externalcontact/resigned/transfer_customer";
    private const string ResignedResult = "/cgi-bin/externalcontact/resigned/transfer_result";
    private const string ResignedGroups = "/cgi-bin/externalcontact/groupchat/transfer";

    private static readonly TimeSpan ThrottlePause = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Delete_BusyThrottledFailingSlowWeComWithRevokedTokens_CompletesExactlyOnceAndHonoursEveryPause()
    {
        var corp = Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")],
            Corps.Customers("sales1", 250),
            Corps.Groups("sales1", 20));
        await using var h = await SuccessionHarness.StartAsync(
            corp,
            sim =>
            {
                sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2);
                sim.Faults.ErrorRate = 0.05;
                sim.Faults.ServerErrorRate = 0.03;
                sim.Faults.LatencyMs = 10;
            },
            new Dictionary<string, string?> { ["WeCom:ThrottlePause"] = "00:00:01" });

        // On top of the random faults, each kind for sure on the transfer paths: a 45009 burst (the first call and
        // its retry after the pause both refused), then an HTTP 502 and a -1 (neither executed, both leaving the
        // outcome unknown to the caller).
        h.Sim.ScriptFault(new ScriptedFault(ResignedCustomers, Count: 2, ErrCode: 45009));
        h.Sim.ScriptFault(new ScriptedFault(ResignedCustomers, HttpStatus: 502));
        h.Sim.ScriptFault(new ScriptedFault(ResignedCustomers, ErrCode: -1));
        h.Sim.ScriptFault(new ScriptedFault(ResignedGroups, Count: 2, ErrCode: 45009));
        h.Sim.ScriptFault(new ScriptedFault(ResignedGroups, ErrCode: -1));
        h.Sim.ScriptFault(new ScriptedFault(ResignedResult, Count: 3, ErrCode: 45009));
        h.Sim.ScriptFault(new ScriptedFault(ResignedResult, HttpStatus: 502));

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") >= 100, Deadline, "the first customers waiting", () => h.DescribeAsync("sales1"));
        h.Sim.InvalidateTokens();
        h.Sim.ScriptFault(new ScriptedFault(ResignedCustomers, Count: 3, ErrCode: 45009));
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 250
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 20, Deadline, "250 customers waiting and 20 groups transferred", () => h.DescribeAsync("sales1"));
        h.Sim.ScriptFault(new ScriptedFault(ResignedResult, Count: 2, ErrCode: 45009));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));

        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 270 }, await h.ItemStatesAsync("sales1"));

        // Exactly once: one transfer item per customer and per group, each accepted and done.
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(250, transfers.Count);
        Assert.All(transfers.GroupBy(t => t.ExternalUserId), g => Assert.Equal(("boss", 0, 1), (g.Single().Takeover, g.Single().ErrCode, g.Single().Status)));
        Assert.Equal(250, h.Sim.CustomersOf("boss").Count);
        var groups = h.Sim.GroupTransfers();
        Assert.Equal(20, groups.Count);
        Assert.All(groups.GroupBy(g => g.ChatId), g => Assert.Equal(0, g.Single().ErrCode));

        // The faults happened (so the run proves something)...
        var calls = h.Sim.ApiCalls();
        var summary = string.Join("; ", h.Sim.ApiCallCounts().Select(c => $"{c.Path} {c.ErrCode}: {c.Count}"));
        Assert.True(calls.Any(c => c.ErrCode == -1), summary);
        Assert.True(calls.Any(c => c.HttpStatus >= 500), summary);
        Assert.True(calls.Any(c => c.ErrCode == 40014), summary);
        Assert.True(calls.Count(c => c.ErrCode == 45009) >= 9, summary);

        // ...and after each 45009 the next call to that API came only after the pause.
        foreach (var path in calls.Where(c => c.ErrCode == 45009).Select(c => c.Path).Distinct())
        {
            var onPath = calls.Where(c => c.Path == path).OrderBy(c => c.Seq).ToList();
            for (var i = 0; i < onPath.Count - 1; i++)
            {
                if (onPath[i].ErrCode == 45009)
                {
                    var gap = onPath[i + 1].Time - onPath[i].Time;
                    Assert.True(gap >= ThrottlePause, $"{path}: call #{onPath[i + 1].Seq} only {gap.TotalMilliseconds:F0} ms after the 45009 of #{onPath[i].Seq}");
                }
            }
        }
    }

    [Fact]
    public async Task Delete_TransferThrottledTwiceThenBusy_ThrottlesDoNotUseUpTheResendsAndAllAreTransferred()
    {
        // One batch: two 45009 bursts (each a call and its retry after the pause), then a -1. Only the -1 leaves
        // the outcome open; the throttled calls were refused before WeCom acted and are no "attempt" at the transfer.
        await using var h = await SuccessionHarness.StartAsync(
            Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")], Corps.Customers("sales1", 50)),
            settings: new Dictionary<string, string?> { ["WeCom:ThrottlePause"] = "00:00:01" });
        h.Sim.ScriptFault(new ScriptedFault(ResignedCustomers, Count: 4, ErrCode: 45009));
        h.Sim.ScriptFault(new ScriptedFault(ResignedCustomers, ErrCode: -1));

        h.Sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 50, Deadline, "50 customers waiting", () => h.DescribeAsync("sales1"));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 50 }, await h.ItemStatesAsync("sales1"));
        Assert.Equal(6, h.Sim.ApiCalls(ResignedCustomers).Count);
        Assert.Equal(50, h.Sim.CustomerTransfers().Count);
    }
}
