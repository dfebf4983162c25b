using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace WeComSuccession.Infrastructure.Db;

/// <summary>Readiness: the schema is applied and the database answers within 3 s.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource db, SchemaMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrator.IsComplete)
        {
            return HealthCheckResult.Unhealthy("schema not applied yet");
        }

        // A readiness probe must answer even when the database hangs: bounded to 3 s.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await using var command = db.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy("database unreachable: " + e.GetType().Name);
        }
    }
}
