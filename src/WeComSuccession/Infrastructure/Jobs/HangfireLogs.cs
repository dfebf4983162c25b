using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// Hangfire's log provider is process-wide (a static), and Hangfire.AspNetCore points it at the container's
/// <see cref="ILoggerFactory"/> of whichever host configured it last. In a process with several hosts (tests) that
/// factory is disposed with its host while the others' Hangfire servers still log through it, and their workers
/// fail. This provider looks the factory up when it logs: the most recently started host that is still alive.
/// </summary>
internal sealed class HangfireLogs : IHostedService, IDisposable
{
    private static readonly List<ILoggerFactory> Alive = [];
    private static readonly Lock Sync = new();

    private readonly ILoggerFactory _loggers;

    /// <summary>Attached when the host builds its hosted services, before the schema migrator runs Hangfire's installer.</summary>
    public HangfireLogs(ILoggerFactory loggers)
    {
        _loggers = loggers;
        LogProvider.SetCurrentLogProvider(Provider);
        lock (Sync)
        {
            Alive.Add(loggers);
        }
    }

    public static ILogProvider Provider { get; } = new ForwardingProvider();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (Sync)
        {
            Alive.Remove(_loggers);
        }
    }

    private static ILoggerFactory? Current()
    {
        lock (Sync)
        {
            return Alive.Count > 0 ? Alive[^1] : null;
        }
    }

    private sealed class ForwardingProvider : ILogProvider
    {
        public ILog GetLogger(string name) => new ForwardingLog(name);
    }

    private sealed class ForwardingLog(string name) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            if (Current() is not { } factory)
            {
                return false;
            }

            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            try
            {
                var logger = factory.CreateLogger(name);
                if (messageFunc is null || !logger.IsEnabled(level))
                {
                    return logger.IsEnabled(level); // with no message, Hangfire asks whether a level is on
                }

#pragma warning disable CA1848, CA2254, CA1873 // Hangfire's messages are preformatted text, not templates; the level is checked above
                logger.Log(level, exception, messageFunc());
#pragma warning restore CA1848, CA2254, CA1873
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // the host stopped between the look-up and the call
            }
        }
    }
}
