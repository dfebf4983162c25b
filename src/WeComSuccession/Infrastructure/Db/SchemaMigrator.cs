using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace WeComSuccession.Infrastructure.Db;

/// <summary>One numbered SQL file: <c>NNNN_name.sql</c>.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>A schema that a library versions itself (Hangfire's), installed after the numbered migrations under the same lock.</summary>
internal interface ISchemaInstaller
{
    string Name { get; }

    /// <summary>Installs or upgrades the schema; a no-op when it is current.</summary>
    void Install(NpgsqlConnection connection);
}

/// <summary>
/// Applies the numbered <c>.sql</c> files under <c>Infrastructure/Migrations</c> in order, each in its own
/// transaction, under a PostgreSQL advisory lock so that nodes starting together apply each file once, then the
/// schemas that libraries version themselves. An applied file whose text has since changed stops the start:
/// migrations are append-only.
/// </summary>
internal sealed partial class SchemaMigrator(
    NpgsqlDataSource db, IReadOnlyList<Migration> migrations, ILogger<SchemaMigrator> logger, IEnumerable<ISchemaInstaller>? installers = null)
{
    // An arbitrary constant shared by every node ("WCSschema" folded into 63 bits).
    private const long LockKey = 0x5743_5373_6368_656D;

    private volatile bool _complete;

    public bool IsComplete => _complete;

    public static IReadOnlyList<Migration> EmbeddedMigrations(Assembly assembly) =>
        [.. assembly.GetManifestResourceNames()
            .Select(resource => (resource, match: FileName().Match(resource)))
            .Where(x => x.match.Success)
            .Select(x =>
            {
                using var stream = assembly.GetManifestResourceStream(x.resource)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return new Migration(int.Parse(x.match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), x.match.Groups["name"].Value, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        _complete = true;
    }

    /// <returns>The versions this call applied (empty when the database was already current).</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct)
    {
        var duplicates = migrations.GroupBy(m => m.Version).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException($"Two migrations share version {string.Join(", ", duplicates)}.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken: ct));
            var applied = (await connection.QueryAsync<(int Version, string Checksum)>(new CommandDefinition(
                "SELECT version, checksum FROM schema_migrations", cancellationToken: ct))).ToDictionary(r => r.Version, r => r.Checksum);

            var done = new List<int>();
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException($"Migration {migration.Version:D4}_{migration.Name} was changed after it was applied; add a new migration instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    new { migration.Version, migration.Name, migration.Checksum }, transaction, cancellationToken: ct));
                await transaction.CommitAsync(ct);
                LogApplied(logger, migration.Version, migration.Name);
                done.Add(migration.Version);
            }

            foreach (var installer in installers ?? [])
            {
                installer.Install(connection);
                LogInstalled(logger, installer.Name);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
    }

    [GeneratedRegex(@"\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Applied migration {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "{Name} is current")]
    private static partial void LogInstalled(ILogger logger, string name);
}
