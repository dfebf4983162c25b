using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WeComSuccession.TestSupport;

/// <summary>
/// Keeps the service's warnings and errors, so that a failed scenario can say what went wrong, and counts every
/// event id the service logs at any level, so that a test can wait for something the service reports only in its
/// log (e.g. the end of a reconciliation sweep, event 430) instead of sleeping.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();
    private readonly ConcurrentDictionary<int, int> _events = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    /// <summary>How often the service has logged <paramref name="eventId"/> so far.</summary>
    public int Count(int eventId) => _events.GetValueOrDefault(eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Whatever the configured filters let through; only warnings and errors are formatted and kept.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != 0)
            {
                logs._events.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
            }

            if (logLevel >= LogLevel.Warning)
            {
                logs._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message} {exception?.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            }
        }
    }
}
