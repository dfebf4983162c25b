using WeComSuccession.Simulator.Clock;
using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Clock;

public sealed class SimClockTests
{
    [Fact]
    public void SimClock_Factor3600_OneRealSecondIsOneSimulatedHourPlusAdvances()
    {
        var real = new ManualTime();
        var clock = new SimClock(real, SimClient.Start, 3600);

        real.Elapse(TimeSpan.FromSeconds(1));
        Assert.Equal(SimClient.Start.AddHours(1), clock.GetUtcNow());

        clock.Advance(TimeSpan.FromDays(1));
        real.Elapse(TimeSpan.FromSeconds(2));
        Assert.Equal(SimClient.Start.AddHours(27), clock.GetUtcNow());

        clock.SetFactor(1);
        real.Elapse(TimeSpan.FromSeconds(5));
        Assert.Equal(SimClient.Start.AddHours(27).AddSeconds(5), clock.GetUtcNow());
    }

    [Fact]
    public async Task FastClock_TakeoverCompletesWithoutAnAdvance_ThroughTheBackgroundPump()
    {
        // One real second is 10 simulated days: the 24 h takeover is due after 0.1 s.
        await using var c = await SimClient.StartAsync(o => { o.ClockFactor = 864_000; o.TokenLifetime = TimeSpan.FromDays(3650); });
        var customer = c.Sim.CustomersOf("zhangsan")[0];
        c.Sim.DeleteMember("zhangsan");
        await c.ResignedTransferAsync("zhangsan", "lisi", customer);

        var started = TimeProvider.System.GetTimestamp();
        while (!c.Sim.CustomersOf("lisi").Contains(customer) && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Contains(customer, c.Sim.CustomersOf("lisi"));
        Assert.Equal(ExternalContactTransferStatus.Completed, Assert.Single((await c.ResignedResultAsync("zhangsan", "lisi")).Customer).Status);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Elapse(TimeSpan by) => _ticks += by.Ticks;
    }
}
