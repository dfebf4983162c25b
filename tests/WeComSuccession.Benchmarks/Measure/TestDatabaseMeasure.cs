using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Measurement 5: what a test pays for its database before the service answers. Before the template, a test's
/// database was created empty (<c>CREATE DATABASE x</c>, the server's default copy of template1) and the service
/// applied every migration when it started; now it is a copy of a migrated template and the service's migrator finds
/// nothing to do. Each of <c>--runs</c> (20) rounds times, in turn: the old way; a copy of the template with the
/// server's default strategy (WAL_LOG since PostgreSQL 15); a copy with FILE_COPY (what <see cref="TestDatabase"/>
/// does). Each is CREATE DATABASE on a fresh connection, then the migrator as the service runs it at start; the
/// database is dropped outside the timing. The one-time build of the template is timed on its own.
/// </summary>
internal static class TestDatabaseMeasure
{
    public static async Task RunAsync(MeasureArgs args)
    {
        var runs = args.Int("runs", 20);
        var migrations = SchemaMigrator.EmbeddedMigrations(typeof(SchemaMigrator).Assembly);

        var watch = Stopwatch.StartNew();
        var template = await TestDatabase.TemplateAsync();
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"template {template} ready in {watch.Elapsed.TotalMilliseconds:F0} ms ({migrations.Count} migrations)"));

        var variants = new (string What, string Clause, int Applied)[]
        {
            ("before: empty database (server default) + every migration", "", migrations.Count),
            ("copy of the template (server default strategy) + migrator finding nothing", $" TEMPLATE {template}", 0),
            ("copy of the template (STRATEGY FILE_COPY) + migrator finding nothing", $" TEMPLATE {template} STRATEGY FILE_COPY", 0),
        };
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (var run = 0; run < runs; run++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                times[v].Add(await TimeAsync(variants[v].Clause, variants[v].Applied));
            }
        }

        for (var v = 0; v < variants.Length; v++)
        {
            Line(variants[v].What, times[v]);
        }

        async Task<double> TimeAsync(string clause, int expectApplied)
        {
            var name = "wcs_measure_" + Guid.NewGuid().ToString("N")[..12];
            var start = Stopwatch.GetTimestamp();
            await using (var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString))
            {
                await admin.OpenAsync();
                await admin.ExecuteAsync($"CREATE DATABASE {name}{clause}");
            }

            var connectionString = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Database = name }.ConnectionString;
            IReadOnlyList<int> applied;
            await using (var db = NpgsqlDataSource.Create(connectionString))
            {
                applied = await new SchemaMigrator(db, migrations, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
            }

            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await using (var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString))
            {
                await admin.OpenAsync();
                await admin.ExecuteAsync($"DROP DATABASE {name} WITH (FORCE)");
            }

            if (applied.Count != expectApplied)
            {
                throw new InvalidOperationException($"the migrator applied {applied.Count} migrations, not {expectApplied}");
            }

            return elapsed;
        }
    }

    private static void Line(string what, List<double> values)
    {
        var sorted = values.Order().ToArray();
        Report.Line(string.Create(CultureInfo.InvariantCulture,
            $"{what}: n={sorted.Length}, median {Report.Percentile(sorted, 0.5):F0} ms, p90 {Report.Percentile(sorted, 0.9):F0} ms, min {sorted[0]:F0} ms, max {sorted[^1]:F0} ms"));
    }
}
