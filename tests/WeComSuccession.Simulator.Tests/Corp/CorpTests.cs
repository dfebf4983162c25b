using WeComSuccession.Simulator.Tests.TestSupport;

namespace WeComSuccession.Simulator.Tests.Corp;

public sealed class CorpTests
{
    [Fact]
    public async Task Generator_SameSeed_SameCorp_DifferentSeed_DifferentIds()
    {
        await using var a = await SimClient.StartAsync(o => SimClient.Generated(o, 30, 20, 2));
        await using var b = await SimClient.StartAsync(o => SimClient.Generated(o, 30, 20, 2));
        await using var other = await SimClient.StartAsync(o => { SimClient.Generated(o, 30, 20, 2); o.Generator.Seed = 99; });

        Assert.Equal(a.Sim.CustomersOf("u00017"), b.Sim.CustomersOf("u00017"));
        Assert.Equal(a.Sim.Members().Select(m => (m.UserId, m.Name)), b.Sim.Members().Select(m => (m.UserId, m.Name)));
        Assert.NotEqual(a.Sim.CustomersOf("u00017"), other.Sim.CustomersOf("u00017"));
        Assert.Equal((30, 600, 60), (a.Sim.Summary().Members, a.Sim.Summary().Customers, a.Sim.Summary().Groups));
        Assert.Equal(["u00000"], a.Sim.Member("u00001")!.DirectLeader);
    }

    [Fact]
    public async Task DemoCorp_HasLeadersCustomersAndGroups()
    {
        await using var c = await SimClient.StartAsync();
        var summary = c.Sim.Summary();

        Assert.Equal((12, 200, 30), (summary.Members, summary.Customers, summary.Groups));
        Assert.Equal(["lina"], c.Sim.Member("zhangsan")!.DirectLeader);
        Assert.Equal([1], c.Sim.Member("lina")!.IsLeaderInDept);
    }
}
