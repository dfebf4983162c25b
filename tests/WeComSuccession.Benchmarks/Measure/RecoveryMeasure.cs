using WeComSuccession.Simulator;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Measurement 5: recovery of a killed node's work. Two nodes (the service's Release build, two processes, production
/// defaults, each naming itself in <c>Application Name</c>) on one database; WeCom's transfer answers take
/// <c>--latency</c> ms (300), so that a departure's step runs for a while. Each of <c>--rounds</c> (3) rounds deletes a
/// member with <c>--customers</c> (3,000) customers, waits until a node holds that succession's run lock and has made a
/// few transfer calls, and SIGKILLs that node. Measured from the kill: the other node holding the run lock (the step
/// running again elsewhere), and the first transfer_customer call for that member after that (a call the killed node
/// had on its way still reaches the simulator after the kill, so calls in between are not counted). The killed node
/// is then started again for the next round.
/// </summary>
internal static class RecoveryMeasure
{
    private const string TransferPath = "/cgi-bin/externalcontact/resigned/transfer_customer";

    public static async Task RunAsync(MeasureArgs args)
    {
        var rounds = args.Int("rounds", 3);
        var customers = args.Int("customers", 3_000);
        var latency = args.Int("latency", 300);
        var members = Enumerable.Range(1, rounds).Select(i => $"m{i:D3}").ToList();
        var corp = MeasureCorps.Build(members, _ => customers, _ => 0);
        SimulatorOptions? simulatorOptions = null;
        await using var system = await MeasureSystem.StartAsync(corp, startService: false, simulator: sim =>
        {
            simulatorOptions = sim;
            sim.Faults.LatencyMs = latency;
            sim.Faults.Paths.Add(TransferPath);
            sim.TakeoverDelay = TimeSpan.FromSeconds(1);
        });
        var db = system.Database;
        var nodes = new[] { new Node("A", system.ServicePort), new Node("B", LoopbackPorts.Free()) };
        try
        {
            foreach (var node in nodes)
            {
                await node.StartAsync(system);
            }

            await Wait.UntilAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM members") >= corp.Members.Count, TimeSpan.FromMinutes(2), "directory sync at start");
            Report.Line($"{rounds} rounds, {customers} customers per departure, transfer answers {latency} ms; seconds after the SIGKILL:");
            Report.Line("| round | killed | run lock held by the other node | its first transfer call | customers sent before the kill |");
            Report.Line("|---|---|---:|---:|---:|");
            foreach (var member in members)
            {
                simulatorOptions!.Callback.Url = $"http://127.0.0.1:{nodes[0].Port}/wecom/callback";
                system.Sim.DeleteMember(member);
                var id = 0L;
                await Wait.UntilAsync(async () => (id = await db.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM successions WHERE handover_userid = @member", new { member })) > 0,
                    TimeSpan.FromMinutes(2), "the succession");
                string? holder = null;
                await Wait.UntilAsync(async () => (holder = await HolderAsync(db.DataSource, id)) is not null
                    && system.Sim.CustomerTransfers().Count(t => t.Handover == member) >= 300, TimeSpan.FromMinutes(2), "a node running the step");

                var victim = nodes.Single(n => n.Name == holder);
                var sent = system.Sim.CustomerTransfers().Count(t => t.Handover == member);
                var killedAt = system.Sim.Clock.GetUtcNow();
                var watch = Stopwatch.StartNew();
                await victim.KillAsync();
                await Wait.UntilAsync(async () => await HolderAsync(db.DataSource, id) is { } h && h != victim.Name, TimeSpan.FromMinutes(5), "the step on the other node");
                var locked = watch.Elapsed;
                var movedAt = killedAt + locked;
                await Wait.UntilAsync(() => Task.FromResult(system.Sim.CustomerTransfers().Any(t => t.Handover == member && t.Time > movedAt)), TimeSpan.FromMinutes(5), "a transfer call after the step moved");
                var called = system.Sim.CustomerTransfers().Where(t => t.Handover == member && t.Time > movedAt).Min(t => t.Time) - killedAt;
                Report.Line(string.Create(CultureInfo.InvariantCulture, $"| {member} | {victim.Name} | {locked.TotalSeconds:F1} | {called.TotalSeconds:F1} | {sent} |"));

                await victim.StartAsync(system);
                // The callbacks go to the first node; keep it the one that is up longest.
                Array.Sort(nodes, (a, b) => a.Started.CompareTo(b.Started));
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.KillAsync();
            }
        }
    }

    /// <summary>The node whose connection holds the run lock of the succession's step job, or null.</summary>
    private static async Task<string?> HolderAsync(NpgsqlDataSource db, long successionId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('SuccessionStepJob:' || @id, 0)
            """, connection);
        command.Parameters.AddWithValue("id", successionId.ToString(CultureInfo.InvariantCulture));
        return await command.ExecuteScalarAsync() as string;
    }

    private sealed class Node(string name, int port)
    {
        private ServiceProcess? _process;

        public string Name => name;

        public int Port => port;

        public long Started { get; private set; }

        public async Task StartAsync(SuccessionHarness system)
        {
            var connectionString = new NpgsqlConnectionStringBuilder(system.Database.ConnectionString) { ApplicationName = name }.ConnectionString;
            var log = Path.Combine(Path.GetTempPath(), $"measure-recovery-{system.Database.Name}-{name}.log");
            _process = await CallbackThroughputMeasure.StartServiceProcessAsync(system, port, connectionString, log);
            Started = Stopwatch.GetTimestamp();
        }

        public async Task KillAsync()
        {
            if (_process is { } process)
            {
                _process = null;
                await process.KillAsync();
                await process.DisposeAsync();
            }
        }
    }
}
