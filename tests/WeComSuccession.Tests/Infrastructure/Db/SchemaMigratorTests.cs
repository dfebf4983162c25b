using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using WeComSuccession.Infrastructure.Db;
using WeComSuccession.Tests.TestSupport;

namespace WeComSuccession.Tests.Infrastructure.Db;

public sealed class SchemaMigratorTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

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
}
