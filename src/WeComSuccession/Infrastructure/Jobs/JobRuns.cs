using Dapper;
using Npgsql;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// One run at a time per row across the cluster, held by the database rather than by Hangfire: a session advisory
/// lock on a connection of the run's own. Hangfire's <c>DisableConcurrentExecution</c> would lock per method (every
/// departure behind one another) with a lock row that outlives a killed node for minutes; an advisory lock is per
/// row and goes with its connection, the moment PostgreSQL sees the socket close. TCP keepalives on that connection
/// bound how long a node that vanished without closing it (power, network) keeps the lock.
/// </summary>
internal sealed partial class JobRuns(NpgsqlDataSource db, ILogger<JobRuns> logger)
{
    private const string Keepalives =
        "SELECT set_config('tcp_keepalives_idle', '20', false), set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false);";

    /// <summary>
    /// Runs <paramref name="work"/> for the row once no other run of it is in progress (waiting for one that is), after
    /// taking away the row's pending mark, so that anything enqueued from now on gets a run of its own after this one.
    /// </summary>
    public async Task RunAsync<TJob>(long id, Func<CancellationToken, Task> work, CancellationToken ct)
        where TJob : IRowJob
    {
        var key = JobKeys.For<TJob>(id);
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            Keepalives + "SELECT pg_advisory_lock(hashtextextended(@key, 0)); DELETE FROM job_pending WHERE key = @key;",
            new { key }, cancellationToken: ct));
        try
        {
            await work(ct);
        }
        finally
        {
            await UnlockAsync(connection, key);
        }
    }

    /// <summary>Runs <paramref name="work"/> unless another run of the same recurring job is in progress (then that run does it).</summary>
    public async Task RunUnlessRunningAsync<TJob>(Func<CancellationToken, Task> work, CancellationToken ct)
        where TJob : IRecurringJob
    {
        var key = JobKeys.For<TJob>();
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_lock(hashtextextended(@key, 0));" + Keepalives, new { key }, cancellationToken: ct)))
        {
            LogSkipped(logger, key);
            return;
        }

        try
        {
            await work(ct);
        }
        finally
        {
            await UnlockAsync(connection, key);
        }
    }

    private async Task UnlockAsync(NpgsqlConnection connection, string key)
    {
        try
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@key, 0))", new { key });
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke (the database restarted): the lock went with it. Not reused: Npgsql drops a broken connector.
            LogUnlockFailed(logger, key, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 151, Level = LogLevel.Debug, Message = "{Key} is running on another node; this occurrence is skipped")]
    private static partial void LogSkipped(ILogger logger, string key);

    [LoggerMessage(EventId = 152, Level = LogLevel.Warning, Message = "{Key}: the run's lock connection broke before its unlock ({Error}); the lock went with it")]
    private static partial void LogUnlockFailed(ILogger logger, string key, string error);
}
