
namespace WeComSuccession.Tests.Successions;

/// <summary>From a delete_user callback to every customer and group in a final state, against the simulator.</summary>
public sealed class DepartureEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Delete_250CustomersAnd350Groups_AllFinalExactlyOnceWithinTheCallLimits()
    {
        var corp = Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss"), Corps.Member("sales2", leader: "boss")],
            Corps.Customers("sales1", 250),
            Corps.Groups("sales1", 350));
        // WeCom's group takeover lag (uncertain; the simulator's is configurable) is kept short here.
        await using var h = await SuccessionHarness.StartAsync(corp, sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2));

        h.Sim.DeleteMember("sales1");

        // Day 1: 250 customers started (24 h takeover), 300 groups moved, 50 carried to the next day.
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 250
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 300, Deadline, "250 customers waiting and 300 groups transferred on day 1", () => h.DescribeAsync("sales1"));
        Assert.Equal(50, (await h.ItemStatesAsync("sales1")).GetValueOrDefault("queued"));

        h.Sim.AdvanceClock(TimeSpan.FromHours(25));

        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 600 }, await h.ItemStatesAsync("sales1"));

        // Exactly once, in the fewest calls WeCom's limits allow.
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(250, transfers.Count);
        Assert.All(transfers.GroupBy(t => t.ExternalUserId), g => Assert.Single(g));
        Assert.All(transfers, t => Assert.Equal("boss", t.Takeover));
        Assert.Equal(3, h.Sim.ApiCalls("/cgi-bin/externalcontact/resigned/transfer_customer").Count);
        var groupCalls = h.Sim.ApiCalls("/cgi-bin/externalcontact/groupchat/transfer");
        Assert.Equal(4, groupCalls.Count);
        var groupDays = h.Sim.GroupTransfers().Where(g => g.ErrCode == 0).GroupBy(g => g.Time.ToOffset(TimeSpan.FromHours(8)).Date).Select(g => g.Count()).ToList();
        Assert.Equal([300, 50], groupDays);
        Assert.All(corp.GroupChats, g => Assert.Equal("boss", h.Sim.Group(g.ChatId)!.Owner));
    }
}
