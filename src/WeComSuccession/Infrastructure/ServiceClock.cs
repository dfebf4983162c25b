namespace WeComSuccession.Infrastructure;

/// <summary>
/// The service's "now": takeover times, the group quota's day, retry times, audit times. A type of its own
/// rather than the container's <see cref="TimeProvider"/>, because whatever takes the container's must stay on real
/// time while tests run business time on the simulator's clock. The job scheduler (Hangfire) is on real time: it reads
/// the system clock and the database's.
/// </summary>
internal sealed class ServiceClock(TimeProvider time) : TimeProvider
{
    public static ServiceClock Real { get; } = new(TimeProvider.System);

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

    public override long GetTimestamp() => time.GetTimestamp();

    public override long TimestampFrequency => time.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        time.CreateTimer(callback, state, dueTime, period);
}
