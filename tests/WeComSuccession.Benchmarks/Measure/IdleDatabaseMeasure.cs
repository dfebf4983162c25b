using System.Diagnostics;
using System.Globalization;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Measurement 4: what idle nodes cost the database. <c>--nodes</c> (1 or 2) service instances start on one database
/// with the production defaults of every Jobs and Succession setting against a small corp, finish their start-up
/// work (directory sync, first reconciliation sweep), and are then left alone for <c>--seconds</c> (120). Counted
/// over that window: the server's <c>xact_commit + xact_rollback</c> for the service's database
/// (<c>pg_stat_database</c>), and every command the services' Npgsql data sources sent (the "Npgsql" ActivitySource,
/// which the job scheduler's connections share), so statements inside a transaction count one by one.
/// </summary>
internal static class IdleDatabaseMeasure
{
    public static async Task RunAsync(MeasureArgs args)
    {
        var seconds = args.Int("seconds", 120);
        var nodes = args.Int("nodes", 1);
        var members = Enumerable.Range(1, 10).Select(i => $"m{i:D3}").ToList();
        var corp = MeasureCorps.Build(members, _ => 5, _ => 1);
        await using var system = await MeasureSystem.StartAsync(corp);
        var db = system.Database;
        await using var second = nodes > 1 ? new ServiceFactory(db.ConnectionString, TestCredentials.ServiceSettings(system.WeCom.BaseUrl), system.Sim.Clock, profile: ServiceProfile.Production) : null;
        second?.UseKestrel(LoopbackPorts.Free());
        second?.StartServer();
        await Wait.UntilAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM members") >= corp.Members.Count, TimeSpan.FromMinutes(2), "directory sync at start");
        await system.WaitForQuietAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2));

        var commands = new Dictionary<string, int>(StringComparer.Ordinal);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                // Only the service's database: the measurement's own reading goes to the maintenance database.
                if (activity.Tags.Any(t => t.Value == db.Name))
                {
                    lock (commands)
                    {
                        var key = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
                        commands[key] = commands.GetValueOrDefault(key) + 1;
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        // Stats reach pg_stat_database when a backend flushes them (within about 10 s of going idle in
        // PostgreSQL 15): settle first, so that the start-up's transactions are not counted in the window; in
        // the steady state that follows, the flush lag is the same at both readings.
        await Task.Delay(TimeSpan.FromSeconds(15));
        lock (commands)
        {
            commands.Clear();
        }

        var calls = system.LedgerMark();
        var before = await db.TransactionsAsync();
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = watch.Elapsed.TotalSeconds;
        Dictionary<string, int> counted;
        lock (commands)
        {
            counted = new(commands, StringComparer.Ordinal);
        }

        var after = await db.TransactionsAsync();
        var wecomCalls = system.Sim.ApiCalls().Count(c => c.Seq > calls);

        Report.Line(string.Create(CultureInfo.InvariantCulture, $"{nodes} node(s), idle window {elapsed:F0} s (production defaults of every Jobs and Succession setting)"));
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"server transactions (xact_commit + xact_rollback): {after - before} = {(after - before) / elapsed:F2} /s, {(after - before) / elapsed / nodes:F2} /s per node"));
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"Npgsql commands sent by the service: {counted.Values.Sum()} = {counted.Values.Sum() / elapsed:F2} /s, {counted.Values.Sum() / elapsed / nodes:F2} /s per node"));
        Report.Line($"WeCom calls in the window: {wecomCalls}");
        foreach (var (command, n) in counted.OrderByDescending(c => c.Value).Take(15))
        {
            var text = command.Length > 110 ? command[..110] + "…" : command;
            Report.Line(string.Create(CultureInfo.InvariantCulture, $"  {n,5}  {text.ReplaceLineEndings(" ")}"));
        }
    }
}
