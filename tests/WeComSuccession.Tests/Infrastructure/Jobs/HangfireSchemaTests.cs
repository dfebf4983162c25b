using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using WeComSuccession.Infrastructure.Db;
using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Tests.Infrastructure.Jobs;

/// <summary>Hangfire replaced Quartz entirely: no project names it, and the migrations drop its tables where they exist.</summary>
public sealed class HangfireSchemaTests
{
    [Fact]
    public void Projects_ReferenceHangfirePostgreSqlAndNoQuartz()
    {
        var root = RepositoryRoot();
        var files = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Concat(["Directory.Packages.props", "Directory.Build.props"])
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src", "WeComSuccession", "Infrastructure", "Migrations"), "*.sql"))
            .Select(f => Path.Combine(root, f))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        Assert.All(files, f => Assert.DoesNotContain("quartz", File.ReadAllText(f), StringComparison.OrdinalIgnoreCase));
        Assert.Contains("<PackageReference Include=\"Hangfire.PostgreSql\" />", File.ReadAllText(Path.Combine(root, "src", "WeComSuccession", "WeComSuccession.csproj")), StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(Program).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Quartz", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(typeof(Program).Assembly.GetReferencedAssemblies(), a => a.Name == "Hangfire.PostgreSql");
    }

    [Fact]
    public async Task Migrate_DatabaseThatHadQuartzTables_DropsThemAndInstallsHangfire()
    {
        var ct = TestContext.Current.CancellationToken;
        // An empty database, so that the migration dropping the old tables runs after they were made.
        await using var database = new TestDatabase(migrated: false);
        await database.InitializeAsync();
        await using var db = database.CreateDataSource();
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            // The shape of the old scheduler's tables: a parent, a child with a foreign key, a lock table.
            await connection.ExecuteAsync("""
                CREATE TABLE qrtz_job_details (sched_name text, job_name text, job_group text, PRIMARY KEY (sched_name, job_name, job_group));
                CREATE TABLE qrtz_triggers (sched_name text, trigger_name text, job_name text, job_group text,
                    FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details);
                CREATE TABLE qrtz_locks (sched_name text, lock_name text);
                INSERT INTO qrtz_locks VALUES ('WeComSuccession', 'TRIGGER_ACCESS');
                """);
        }

        await new SchemaMigrator(db, SchemaMigrator.EmbeddedMigrations(typeof(Program).Assembly), NullLogger<SchemaMigrator>.Instance, [new HangfireSchema()]).MigrateAsync(ct);

        await using var check = await db.OpenConnectionAsync(ct);
        Assert.Empty(await check.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE tablename LIKE 'qrtz%'"));
        Assert.Equal("hangfire.job", await check.ExecuteScalarAsync<string>("SELECT to_regclass('hangfire.job')::text"));
        Assert.Equal("job_pending", await check.ExecuteScalarAsync<string>("SELECT to_regclass('job_pending')::text"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WeComSuccession.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("WeComSuccession.sln not found above " + AppContext.BaseDirectory);
    }
}
