using Npgsql;

namespace WeComSuccession.Tests.TestSupport;

/// <summary>
/// A fresh database on the PostgreSQL that deploy/local/test.sh started (ConnectionStrings__Postgres),
/// dropped again when the test class is done. No PostgreSQL, no test: the fixture fails loudly instead of
/// skipping, because a suite that silently skips its database tests proves nothing.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public string Name { get; } = "wcs_test_" + Guid.NewGuid().ToString("N")[..12];

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ConnectionStrings__Postgres is not set: run the tests with deploy/local/test.sh, which starts a throwaway PostgreSQL.");

    public async ValueTask InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {Name}", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = Name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);
}
