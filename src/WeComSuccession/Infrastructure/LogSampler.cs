namespace WeComSuccession.Infrastructure;

/// <summary>
/// Keeps a flood of one kind of warning (forged callbacks, bad API keys) from flooding the log: the first
/// <see cref="PerWindow"/> events of each window are logged as they come, the rest are only counted, and a timer
/// reports the count once per window while there is one. A burst of 10,000 bad requests thus writes a bounded
/// number of lines, and the operator still sees how many there were.
/// </summary>
internal sealed class LogSampler : IDisposable
{
    public const int PerWindow = 10;

    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly Action<long, TimeSpan> _reportSuppressed;
    private readonly ITimer _timer;
    private readonly Lock _sync = new();
    private long _windowStart;
    private int _logged;
    private long _suppressed;

    /// <param name="time">Real time: windows are about log volume, not business time.</param>
    /// <param name="window">The length of one window.</param>
    /// <param name="reportSuppressed">Logs "N more in the last window" (called on a timer thread).</param>
    public LogSampler(TimeProvider time, TimeSpan window, Action<long, TimeSpan> reportSuppressed)
    {
        _time = time;
        _window = window;
        _reportSuppressed = reportSuppressed;
        _windowStart = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Flush(), null, window, window);
    }

    /// <returns>True when the caller should log this event; false when it is only counted.</returns>
    public bool ShouldLog()
    {
        lock (_sync)
        {
            if (_time.GetElapsedTime(_windowStart) >= _window)
            {
                _windowStart = _time.GetTimestamp();
                _logged = 0;
            }

            if (_logged < PerWindow)
            {
                _logged++;
                return true;
            }

            _suppressed++;
            return false;
        }
    }

    /// <summary>Reports what was counted since the last report, if anything.</summary>
    public void Flush()
    {
        long suppressed;
        lock (_sync)
        {
            suppressed = _suppressed;
            _suppressed = 0;
        }

        if (suppressed > 0)
        {
            _reportSuppressed(suppressed, _window);
        }
    }

    public void Dispose() => _timer.Dispose();
}
