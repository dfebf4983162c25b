namespace WeComSuccession.WeCom.Tests.TestSupport;

/// <summary>A clock the test moves by hand. Only <see cref="GetUtcNow"/> is manual; timers stay real.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
