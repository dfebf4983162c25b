using System.Globalization;
using Dapper;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Npgsql;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>A job about one row (a succession, an inbox row): the row's id is its only argument.</summary>
internal interface IRowJob
{
    Task RunAsync(long id, CancellationToken ct);
}

/// <summary>
/// Enqueues row jobs, at most one waiting run per row: a run does everything that is due for its row when it
/// starts, so a second enqueue while one is waiting is dropped. The mark is a <c>job_pending</c> row keyed by
/// <see cref="JobKeys.For{TJob}(long)"/>; the run deletes it once it holds the row's lock (<see cref="JobRuns"/>), so
/// work that arrives during a run gets a run after it. A mark whose job can no longer run (it failed for good, or a
/// crash came between the mark and the job) is replaced once it is <see cref="StaleAfter"/> old.
/// </summary>
internal sealed class JobQueue(IServiceProvider services, IBackgroundJobClient client, JobStorage storage)
{
    // Resolved at the first enqueue, not with the hosted services that use this queue: a
    // data source built before the options are validated would report one bad key instead of all of them.
    private readonly Lazy<NpgsqlDataSource> _db = new(services.GetRequiredService<NpgsqlDataSource>);

    /// <summary>A mark younger than this is trusted without asking Hangfire (creating a job takes milliseconds).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    private static readonly string[] WaitingStates = [EnqueuedState.StateName, ScheduledState.StateName, ProcessingState.StateName, AwaitingState.StateName];

    /// <param name="id">The row.</param>
    /// <param name="unlessRunning">Also drop the enqueue while a run of the row is in progress (a poll: the run
    /// records when the row next has due work as it ends). Events that change the row leave this false, so that a run
    /// after the current one sees them.</param>
    /// <param name="ct">Cancels the enqueue.</param>
    /// <returns>Whether a job was enqueued.</returns>
    public async Task<bool> EnqueueAsync<TJob>(long id, bool unlessRunning = false, CancellationToken ct = default)
        where TJob : IRowJob
    {
        var key = JobKeys.For<TJob>(id);
        var queue = QueueOf<TJob>();
        await using var connection = await _db.Value.OpenConnectionAsync(ct);
        if (unlessRunning && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            // Taken and released by this one statement: it only asks whether a run holds the row's lock.
            "SELECT pg_try_advisory_xact_lock(hashtextextended(@key, 0))", new { key }, cancellationToken: ct)))
        {
            return false;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO job_pending (key) VALUES (@key) ON CONFLICT (key) DO NOTHING", new { key }, cancellationToken: ct));
            if (inserted == 1)
            {
                string jobId;
                try
                {
                    jobId = client.Create(Job.FromExpression<TJob>(j => j.RunAsync(id, CancellationToken.None), queue), new EnqueuedState(queue));
                }
                catch
                {
                    await connection.ExecuteAsync("DELETE FROM job_pending WHERE key = @key AND job_id IS NULL", new { key });
                    throw;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE job_pending SET job_id = @jobId WHERE key = @key AND job_id IS NULL", new { key, jobId }, cancellationToken: ct));
                return true;
            }

            var mark = await connection.QuerySingleOrDefaultAsync<(string? JobId, DateTime EnqueuedAt, bool Old)>(new CommandDefinition(
                "SELECT job_id, enqueued_at, enqueued_at < now() - @StaleAfter FROM job_pending WHERE key = @key",
                new { key, StaleAfter }, cancellationToken: ct));
            if (mark == default)
            {
                continue; // a run took the mark away between the two statements: enqueue after it
            }

            if (!mark.Old || (mark.JobId is { } waiting && IsWaiting(waiting)))
            {
                return false;
            }

            // The mark's job will not run: take the mark away (unless another enqueue just did) and try again.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM job_pending WHERE key = @key AND enqueued_at = @EnqueuedAt", new { key, mark.EnqueuedAt }, cancellationToken: ct));
        }

        return false;
    }

    /// <summary>
    /// Enqueues the first job of a row that was just created (a new inbox row), without a pending mark: nothing can be
    /// waiting for a row that did not exist. It saves the mark's two writes on the callback's path; a later enqueue
    /// of the same row (the sweep) marks as usual, and a duplicate run finds the row done.
    /// </summary>
    public string EnqueueNew<TJob>(long id)
        where TJob : IRowJob =>
        client.Create(Job.FromExpression<TJob>(j => j.RunAsync(id, CancellationToken.None), QueueOf<TJob>()), new EnqueuedState(QueueOf<TJob>()));

    private static string QueueOf<TJob>() =>
        typeof(TJob).GetCustomAttributes(typeof(JobQueueAttribute), inherit: false) is [JobQueueAttribute attribute, ..] ? attribute.Queue : Jobs.Queue;

    private bool IsWaiting(string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId) is { } state && WaitingStates.Contains(state.Name, StringComparer.Ordinal);
    }
}

/// <summary>The Hangfire queue of a job class (else <see cref="Jobs.Queue"/>); kept with the job, so its retries go there too.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class JobQueueAttribute(string queue) : Attribute
{
    public string Queue => queue;
}

/// <summary>The names of row jobs' marks and locks: the job class and the row id.</summary>
internal static class JobKeys
{
    public static string For<TJob>(long id) => typeof(TJob).Name + ":" + id.ToString(CultureInfo.InvariantCulture);

    public static string For<TJob>() => typeof(TJob).Name;
}
