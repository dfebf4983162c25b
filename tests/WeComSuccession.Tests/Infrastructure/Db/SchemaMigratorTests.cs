using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Tests.Infrastructure.Db;

public sealed class SchemaMigratorTests : IAsyncLifetime
{
    /// <summary>The service's log event for each migration it applies ("Applied migration …").</summary>
    public const int AppliedMigration = 100;

    private readonly TestDatabase _database = new(migrated: false);

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static readonly Migration[] Sample =
    [
        new(1, "first", "CREATE TABLE first_table (id int); SELECT pg_sleep(0.2);"),
        new(2, "second", "CREATE TABLE second_table (id int); INSERT INTO first_table VALUES (1);"),
    ];

    [Fact]
    public async Task Migrate_FiveNodesAtOnce_EachMigrationAppliedOnce()
    {
        await using var db = _database.CreateDataSource();
        var nodes = Enumerable.Range(0, 5).Select(_ => new SchemaMigrator(db, Sample, NullLogger<SchemaMigrator>.Instance)).ToList();

        var applied = await Task.WhenAll(nodes.Select(n => n.MigrateAsync(TestContext.Current.CancellationToken)));

        Assert.Equal([1, 2], applied.SelectMany(a => a).Order());
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM first_table"));
        Assert.Equal([1, 2], await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task Migrate_SecondRun_AppliesNothing()
    {
        await using var db = _database.CreateDataSource();
        var migrator = new SchemaMigrator(db, Sample, NullLogger<SchemaMigrator>.Instance);

        Assert.Equal([1, 2], await migrator.MigrateAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await migrator.MigrateAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Migrate_AppliedFileEditedLater_RefusesToStart()
    {
        await using var db = _database.CreateDataSource();
        await new SchemaMigrator(db, Sample, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        Migration[] edited = [Sample[0] with { Sql = Sample[0].Sql + " -- edited" }, Sample[1]];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SchemaMigrator(db, edited, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken));
        Assert.Contains("0001_first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_FailingFile_RollsBackThatFileOnly()
    {
        await using var db = _database.CreateDataSource();
        Migration[] broken = [Sample[0], new(2, "broken", "CREATE TABLE half_done (id int); SELECT * FROM no_such_table;")];

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            new SchemaMigrator(db, broken, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken));

        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1], await connection.QueryAsync<int>("SELECT version FROM schema_migrations"));
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT to_regclass('half_done')::text"));
    }

    [Fact]
    public void EmbeddedMigrations_ServiceAssembly_AreNumberedFromOneWithoutGaps()
    {
        var migrations = SchemaMigrator.EmbeddedMigrations(typeof(SchemaMigrator).Assembly);
        Assert.NotEmpty(migrations);
        Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(m => m.Version));
    }

    [Fact]
    public async Task Migrate_DatabaseCopiedFromTheTestTemplate_AppliesNothing()
    {
        await using var copy = await TestDatabase.CreateAsync();
        var embedded = SchemaMigrator.EmbeddedMigrations(typeof(SchemaMigrator).Assembly);

        var applied = await new SchemaMigrator(copy.DataSource, embedded, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Empty(applied);
        Assert.Equal(embedded.Select(m => m.Version), await copy.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task ServiceStart_DatabaseCopiedFromTheTestTemplate_AppliesNoMigration()
    {
        await using var copy = await TestDatabase.CreateAsync();
        await using var service = new ServiceFactory(copy.ConnectionString);

        using var client = service.CreateClient(); // starts the host: the migrator runs before it answers

        Assert.Equal(0, service.Logs.Count(AppliedMigration));
        Assert.Equal("callback_inbox", await copy.ScalarAsync<string>("SELECT to_regclass('callback_inbox')::text"));
    }
}
