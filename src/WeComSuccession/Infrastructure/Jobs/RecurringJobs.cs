using System.Globalization;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>A periodic job (a sweep, a poll). Its class name is its recurring job id.</summary>
internal interface IRecurringJob
{
    Task RunAsync(CancellationToken ct);
}

/// <summary>One recurring job as a flow folder registered it.</summary>
internal sealed record RecurringJobRegistration(string Id, Job Job, string Cron);

/// <summary>
/// Puts every registered recurring job into Hangfire's storage when the node starts (the same definitions from every
/// node converge), removes recurring jobs no longer registered (a renamed job would otherwise fail forever), and
/// triggers each once: a node that was down catches up at once (directory snapshot, the sweeps, due work) instead
/// of waiting for the next occurrence. In the background, retried until done: each of these takes a Hangfire lock
/// row, and a node killed while it held one (its scheduler takes them every poll) leaves it behind until the lock
/// timeout; the node starting then must not wait for it, let alone fail.
/// </summary>
internal sealed partial class RecurringJobs(
    IEnumerable<RecurringJobRegistration> registrations, IRecurringJobManager manager, JobStorage storage, JobOptions options, ILogger<RecurringJobs> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var pending = registrations.ToList();
        var staleRemoved = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Hangfire's manager is synchronous and may wait on a lock row: off the host's start.
                await Task.Run(
                    () =>
                    {
                        if (!staleRemoved)
                        {
                            RemoveStale(registrations.Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
                            staleRemoved = true;
                        }

                        while (pending.Count > 0)
                        {
                            var job = pending[0];
                            manager.AddOrUpdate(job.Id, job.Job, job.Cron, new RecurringJobOptions { TimeZone = zone });
                            manager.Trigger(job.Id);
                            pending.RemoveAt(0);
                        }
                    },
                    stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRetry(logger, RetryAfter, e);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    private void RemoveStale(HashSet<string> registered)
    {
        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Select(j => j.Id).Where(id => !registered.Contains(id)))
        {
            manager.RemoveIfExists(stale);
            LogRemoved(logger, stale);
        }
    }

    [LoggerMessage(EventId = 150, Level = LogLevel.Information, Message = "Recurring job {Id} is no longer registered and was removed")]
    private static partial void LogRemoved(ILogger logger, string id);

    [LoggerMessage(EventId = 153, Level = LogLevel.Warning, Message = "The recurring jobs could not all be registered yet; trying again in {RetryAfter}")]
    private static partial void LogRetry(ILogger logger, TimeSpan retryAfter, Exception exception);
}

internal static class RecurringJobRegistrations
{
    /// <summary>Runs <typeparamref name="TJob"/> every <paramref name="interval"/> (see <see cref="Schedules.Cron"/>).</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, TimeSpan interval)
        where TJob : IRecurringJob
    {
        services.AddSingleton(new RecurringJobRegistration(typeof(TJob).Name, Job.FromExpression<TJob>(j => j.RunAsync(CancellationToken.None)), Schedules.Cron(interval)));
        return services;
    }
}

/// <summary>
/// An interval setting as a cron expression: Hangfire schedules recurring jobs by cron only. Every interval that
/// divides the next larger unit fits (5 s, 30 s, 15 min, 6 h) and keeps its period exactly; a day runs at
/// <see cref="DailyAt"/> in <see cref="JobOptions.TimeZone"/>, as hours are counted there too.
/// </summary>
internal static class Schedules
{
    /// <summary>Daily jobs (the directory snapshot) run at a quiet hour in China, after the group quota's midnight.</summary>
    public const int DailyAt = 3;

    public const string Allowed = "1–30 s dividing a minute, whole minutes dividing an hour, whole hours dividing a day, or 1 day";

    public static bool Fits(TimeSpan interval) => TryCron(interval, out _);

    public static string Cron(TimeSpan interval) =>
        TryCron(interval, out var cron) ? cron : throw new ArgumentOutOfRangeException(nameof(interval), interval, "Not a schedule: " + Allowed);

    private static bool TryCron(TimeSpan interval, out string cron)
    {
        cron = "";
        if (interval.Ticks % TimeSpan.TicksPerSecond != 0 || interval <= TimeSpan.Zero)
        {
            return false;
        }

        var seconds = (long)interval.TotalSeconds;
        cron = seconds switch
        {
            < 60 when 60 % seconds == 0 => Invariant($"*/{seconds} * * * * *"),
            < 3600 when seconds % 60 == 0 && 60 % (seconds / 60) == 0 => Invariant($"0 */{seconds / 60} * * * *"),
            < 86400 when seconds % 3600 == 0 && 24 % (seconds / 3600) == 0 => Invariant($"0 0 */{seconds / 3600} * * *"),
            86400 => Invariant($"0 0 {DailyAt} * * *"),
            _ => "",
        };
        return cron.Length > 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
