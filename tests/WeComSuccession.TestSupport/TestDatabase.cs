using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.TestSupport;

/// <summary>
/// A database of its own on the PostgreSQL server of <c>ConnectionStrings__Postgres</c> (deploy/local/test.sh starts
/// a throwaway one), dropped on dispose. By default it is a copy of a template that already holds the service's
/// schema (<see cref="TemplateAsync"/>), so the service's migrator finds every file applied when it starts;
/// <c>migrated: false</c> gives an empty database, for the migrator's own tests and for the proof that the service
/// applies its schema at start. No PostgreSQL, no test: it fails loudly instead of skipping, because a suite that
/// silently skips its database tests proves nothing.
/// </summary>
public sealed class TestDatabase(bool migrated = true) : IAsyncLifetime
{
    // Held on the server's maintenance database while the template is checked or built: one builder at a time,
    // across every test process on the server ("WCStmplt" folded into 63 bits).
    private const long TemplateLockKey = 0x5743_5374_6D70_6C74;

    private static readonly Lazy<Task<string>> Template = new(BuildTemplateAsync);

    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = "wcs_test_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString { get; private set; } = "";

    /// <summary>For the test's own reads and writes; disposed with the database.</summary>
    public NpgsqlDataSource DataSource => _dataSource ??= CreateDataSource();

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ConnectionStrings__Postgres is not set: run the tests with deploy/local/test.sh, which starts a throwaway PostgreSQL.");

    public static async Task<TestDatabase> CreateAsync(bool migrated = true)
    {
        var database = new TestDatabase(migrated);
        await database.InitializeAsync();
        return database;
    }

    /// <summary>
    /// The name of the template database: the service's embedded migrations applied to an empty database, once
    /// per migration set (the name carries their hash, so a changed or added file makes a new template) and once
    /// per process. Several test processes on one server build it once between them, under an advisory lock. It
    /// is marked a template that accepts no connections, because PostgreSQL copies a database only while no one
    /// is connected to it; the migrations run on an unpooled connection that is closed before the mark.
    /// </summary>
    public static Task<string> TemplateAsync() => Template.Value;

    public async ValueTask InitializeAsync()
    {
        var template = migrated ? await TemplateAsync() : "template1";
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"CREATE DATABASE {Name} TEMPLATE {template}{FastestCopy(admin)}");
        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = Name }.ConnectionString;
    }

    /// <summary>
    /// The copy strategy for a small database on a test server. Since PostgreSQL 15 CREATE DATABASE writes every
    /// page of the template to the WAL by default; copying the files instead costs a checkpoint, which is cheap on
    /// a throwaway cluster without fsync (tests/WeComSuccession.Benchmarks, <c>measure test-database</c>, compares
    /// the two). Before 15, copying files was the only way and the clause does not exist.
    /// </summary>
    private static string FastestCopy(NpgsqlConnection admin) => admin.PostgreSqlVersion.Major >= 15 ? " STRATEGY FILE_COPY" : "";

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value: " + sql);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return [.. await connection.QueryAsync<T>(sql, args)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task<string> BuildTemplateAsync()
    {
        var migrations = SchemaMigrator.EmbeddedMigrations(typeof(SchemaMigrator).Assembly);
        var manifest = string.Concat(migrations.Select(m => $"{m.Version}:{m.Name}:{m.Checksum}\n"));
        var name = "wcs_template_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)))[..16];

        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync("SELECT pg_advisory_lock(@TemplateLockKey)", new { TemplateLockKey });
        try
        {
            switch (await admin.ExecuteScalarAsync<bool?>("SELECT datistemplate FROM pg_database WHERE datname = @name", new { name }))
            {
                case true:
                    return name;
                case false:
                    // Left half-built by a process that died while migrating it.
                    await admin.ExecuteAsync($"DROP DATABASE {name} WITH (FORCE)");
                    break;
            }

            await admin.ExecuteAsync($"CREATE DATABASE {name}{FastestCopy(admin)}");
            var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = false }.ConnectionString;
            await using (var db = NpgsqlDataSource.Create(connectionString))
            {
                await new SchemaMigrator(db, migrations, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
            }

            await admin.ExecuteAsync($"ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
            return name;
        }
        finally
        {
            await admin.ExecuteAsync("SELECT pg_advisory_unlock(@TemplateLockKey)", new { TemplateLockKey });
        }
    }
}
