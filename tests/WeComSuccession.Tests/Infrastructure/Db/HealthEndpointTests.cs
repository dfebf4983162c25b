using System.Net;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Tests.Infrastructure.Db;

public sealed class HealthEndpointTests : IAsyncLifetime
{
    // Empty: these tests also show that the service applies its schema when it starts.
    private readonly TestDatabase _database = new(migrated: false);
    private ServiceFactory? _factory;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new ServiceFactory(_database.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory!.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Healthz_Running_Returns200()
    {
        var response = await _factory!.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task Readyz_DatabaseUpSchemaAppliedSchedulerRunning_Returns200()
    {
        var client = _factory!.CreateClient();

        // The scheduler starts once the application has started, a moment after the first request can arrive.
        await Wait.UntilAsync(
            async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20),
            "/readyz to answer 200");
        await using var db = _database.CreateDataSource();
        await using var command = db.CreateCommand("SELECT to_regclass('callback_inbox')::text");
        Assert.Equal("callback_inbox", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        Assert.Equal(SchemaMigrator.EmbeddedMigrations(typeof(SchemaMigrator).Assembly).Count, _factory.Logs.Count(SchemaMigratorTests.AppliedMigration));
    }

    [Fact]
    public async Task Readyz_DatabaseRefusesConnections_Returns503ButHealthzStays200()
    {
        var client = _factory!.CreateClient();
        await Wait.UntilAsync(
            async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20),
            "/readyz to answer 200");

        // The database goes away: it refuses new connections and its open ones are cut.
        await AdminAsync($"ALTER DATABASE {_database.Name} ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_database.Name}'");
        NpgsqlConnection.ClearAllPools();
        try
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE {_database.Name} ALLOW_CONNECTIONS true");
        }
    }

    private static async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await admin.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
