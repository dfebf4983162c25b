using Hangfire.PostgreSql;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// Hangfire.PostgreSql's own versioned schema (<see cref="Jobs.Schema"/>), installed or upgraded by the schema
/// migrator after the numbered migrations, under its advisory lock, so that nodes starting together do not race.
/// </summary>
internal sealed class HangfireSchema : ISchemaInstaller
{
    public string Name => "Hangfire.PostgreSql schema " + Jobs.Schema;

    public void Install(NpgsqlConnection connection) => PostgreSqlObjectsInstaller.Install(connection, Jobs.Schema);
}
