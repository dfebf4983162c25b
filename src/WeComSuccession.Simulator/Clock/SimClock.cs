namespace WeComSuccession.Simulator.Clock;

/// <summary>
/// Simulated time: it runs <see cref="Factor"/> times as fast as the real clock and can be pushed forward
/// with <see cref="Advance"/>. Every WeCom rule that counts time (token lifetime, 24 h takeover, 90-day and
/// per-day limits, OAuth code expiry) reads this clock; rate-limit windows and network timeouts stay real.
/// </summary>
public sealed class SimClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly Lock _sync = new();
    private DateTimeOffset _base;
    private long _baseTimestamp;
    private double _factor;

    /// <summary>Starts the clock at <paramref name="start"/>.</summary>
    public SimClock(TimeProvider real, DateTimeOffset start, double factor)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        _real = real;
        _base = start;
        _baseTimestamp = real.GetTimestamp();
        _factor = factor;
    }

    /// <summary>Raised after <see cref="Advance"/> so that due work runs at once.</summary>
    public event EventHandler? Advanced;

    /// <summary>Simulated seconds per real second.</summary>
    public double Factor
    {
        get
        {
            lock (_sync)
            {
                return _factor;
            }
        }
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_sync)
        {
            return Now();
        }
    }

    /// <summary>The simulated time as unix seconds.</summary>
    public long UnixSeconds => GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Moves simulated time forward by <paramref name="by"/>.</summary>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset now;
        lock (_sync)
        {
            _base = Now() + by;
            _baseTimestamp = _real.GetTimestamp();
            now = _base;
        }

        Advanced?.Invoke(this, EventArgs.Empty);
        return now;
    }

    /// <summary>Changes the speed from now on.</summary>
    public void SetFactor(double factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        lock (_sync)
        {
            _base = Now();
            _baseTimestamp = _real.GetTimestamp();
            _factor = factor;
        }
    }

    private DateTimeOffset Now()
    {
        var realElapsed = _real.GetElapsedTime(_baseTimestamp);
        return _base + TimeSpan.FromTicks((long)(realElapsed.Ticks * _factor));
    }
}
