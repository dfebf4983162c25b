using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Infrastructure.Options;

namespace WeComSuccession.Infrastructure.Db;

internal static class Database
{
    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> for the whole process (the job scheduler shares it), and the
    /// schema runner that brings the database up to date before anything else starts.
    /// </summary>
    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        // Rows map to records whose properties are the PascalCase of snake_case columns.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        builder.Services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Postgres;
            return new NpgsqlDataSourceBuilder(connectionString)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .Build();
        });
        builder.Services.AddSingleton(_ => SchemaMigrator.EmbeddedMigrations(typeof(Database).Assembly));
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddHostedService<MigrateOnStart>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>
/// Resolves the migrator (and so the data source) only when the host starts: the host builds its hosted
/// services before it validates options, and a data source built from a bad connection string would
/// report that one key instead of the full list of bad keys.
/// </summary>
internal sealed class MigrateOnStart(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.GetRequiredService<SchemaMigrator>().StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class HealthTags
{
    public const string Ready = "ready";
}

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
