using Dapper;
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
