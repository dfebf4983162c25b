using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// Readiness: this node is a Hangfire server whose heartbeat is fresh (within two heartbeat intervals, by the
/// database's clock, which wrote it). Red before the server's first heartbeat, while the database is away, and when
/// the server stopped beating. Hangfire names a server <c>{name}:{pid}:{guid}</c>, lower-cased, and renames it when
/// it restarts itself, so the node's servers are found by their prefix.
/// </summary>
internal sealed class SchedulerHealthCheck(NpgsqlDataSource db, JobServerName server, JobOptions options) : IHealthCheck
{
    private readonly string _prefix = $"{server.Value}:{Environment.ProcessId}:".ToLowerInvariant();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await using var connection = await db.OpenConnectionAsync(timeout.Token);
            var age = await connection.ExecuteScalarAsync<TimeSpan?>(new CommandDefinition(
                $"SELECT now() - max(lastheartbeat) FROM {Jobs.Schema}.server WHERE starts_with(id, @_prefix)",
                new { _prefix }, cancellationToken: timeout.Token));
            return age switch
            {
                null => HealthCheckResult.Unhealthy("this node's job server has not started"),
                { } a when a > 2 * options.HeartbeatInterval => HealthCheckResult.Unhealthy($"this node's job server last beat {a.TotalSeconds:F0} s ago"),
                _ => HealthCheckResult.Healthy(),
            };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy("job server unknown: " + e.GetType().Name);
        }
    }
}
