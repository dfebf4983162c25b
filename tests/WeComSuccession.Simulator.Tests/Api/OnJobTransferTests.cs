using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class OnJobTransferTests
{
    [Fact]
    public async Task OnJobTransfer_ThirdTransferOfACustomerWithin90Days_Answers40128()
    {
        await using var c = await SimClient.StartAsync();
        var customer = c.Sim.CustomersOf("zhangsan")[20];

        var r0 = await c.OnJobTransferAsync("zhangsan", "lisi", customer);
        Assert.Equal(0, Assert.Single(r0.Customer).ErrCode);
        c.Sim.AdvanceClock(TimeSpan.FromDays(2));
        Assert.Equal(0, Assert.Single((await c.OnJobTransferAsync("lisi", "zhaolei", customer)).Customer).ErrCode);
        c.Sim.AdvanceClock(TimeSpan.FromDays(2));
        Assert.Equal(40128, Assert.Single((await c.OnJobTransferAsync("zhaolei", "zhangsan", customer)).Customer).ErrCode);

        c.Sim.AdvanceClock(TimeSpan.FromDays(90));
        Assert.Equal(0, Assert.Single((await c.OnJobTransferAsync("zhaolei", "zhangsan", customer)).Customer).ErrCode);
    }

    [Fact]
    public async Task OnJobTransfer_ResultAfter24Hours_CompletedAndRefusedCustomerStaysWithHandover()
    {
        await using var c = await SimClient.StartAsync();
        var customers = c.Sim.CustomersOf("zhangsan").Skip(10).Take(2).ToArray();
        c.Sim.SetRefusal(customers[1], true);

        await c.OnJobTransferAsync("zhangsan", "lisi", customers);
        c.Sim.AdvanceClock(TimeSpan.FromHours(24));

        var result = (await c.OnJobResultAsync("zhangsan", "lisi")).Customer.ToDictionary(x => x.ExternalUserId, x => x.Status);
        Assert.Equal(ExternalContactTransferStatus.Completed, result[customers[0]]);
        Assert.Equal(ExternalContactTransferStatus.CustomerRefused, result[customers[1]]);
        Assert.Contains(customers[1], c.Sim.CustomersOf("zhangsan"));
    }

    [Fact]
    public async Task OnJobTransfer_RelationEndsWhileWaiting_Status5NoRecord()
    {
        await using var c = await SimClient.StartAsync();
        var customer = c.Sim.CustomersOf("zhangsan")[12];
        await c.OnJobTransferAsync("zhangsan", "lisi", customer);

        c.Sim.EndRelation(customer, "zhangsan");
        c.Sim.AdvanceClock(TimeSpan.FromHours(24));

        Assert.Equal(ExternalContactTransferStatus.NoTransferRecord, Assert.Single((await c.OnJobResultAsync("zhangsan", "lisi")).Customer).Status);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 40003)]
    public async Task OnJobTransfer_DisabledHandover_SwitchDecides(bool accepts, int expected)
    {
        await using var c = await SimClient.StartAsync(o => o.Switches.OnJobAcceptsDisabledHandover = accepts);
        var customer = c.Sim.CustomersOf("zhangsan")[0];
        c.Sim.DisableMember("zhangsan");

        var response = await c.OnJobTransferAsync("zhangsan", "lisi", customer);

        Assert.Equal(expected, response.ErrCode == 0 ? Assert.Single(response.Customer).ErrCode : response.ErrCode);
    }

    [Fact]
    public async Task OnJobTransfer_HandoverEqualsTakeover_Answers40130()
    {
        await using var c = await SimClient.StartAsync();
        var customer = c.Sim.CustomersOf("zhangsan")[0];

        Assert.Equal(40130, Assert.Single((await c.OnJobTransferAsync("zhangsan", "zhangsan", customer)).Customer).ErrCode);
    }
}
