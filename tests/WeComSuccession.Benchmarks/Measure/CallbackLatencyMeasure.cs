using System.Globalization;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Measurement 3: how long after WeCom posts a delete_user callback the first transfer_customer call for that
/// member leaves. Small members (5 customers, 1 group) are deleted one at a time, <c>--spacing</c> seconds
/// apart, on a service with the production defaults of every Jobs and Succession setting. Both ends are read
/// from the simulator in simulated time (ClockFactor 1, never advanced): the start of the callback delivery's
/// first attempt → the first transfer_customer ledger entry whose handover is the member. The service's own
/// timestamps (inbox received and processed, succession opened) split the path.
/// </summary>
internal static class CallbackLatencyMeasure
{
    public static async Task RunAsync(MeasureArgs args)
    {
        var count = args.Int("departures", 30);
        var spacing = TimeSpan.FromSeconds(args.Double("spacing", 2));
        var members = Enumerable.Range(1, count).Select(i => $"m{i:D3}").ToList();
        var corp = MeasureCorps.Build(members, _ => 5, _ => 1);
        await using var system = await MeasureSystem.StartAsync(corp);
        var db = system.Database;
        await Wait.UntilAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM members") >= corp.Members.Count, TimeSpan.FromMinutes(2), "directory sync at start");
        await system.WaitForQuietAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));

        foreach (var member in members)
        {
            system.Sim.DeleteMember(member);
            await Task.Delay(spacing);
        }

        await Wait.UntilAsync(
            () => Task.FromResult(system.Sim.CustomerTransfers().Select(t => t.Handover).Distinct().Count() >= count),
            TimeSpan.FromMinutes(10), "a transfer_customer call for every departed member");

        var deliveries = system.Sim.CallbackDeliveries().Where(d => d.ChangeType == "delete_user").ToDictionary(d => d.UserId);
        var firstTransfer = system.Sim.CustomerTransfers().GroupBy(t => t.Handover).ToDictionary(g => g.Key, g => g.Min(t => t.Time));
        var inbox = (await db.QueryAsync<(string Payload, DateTime ReceivedAt, DateTime? ProcessedAt)>(
            "SELECT payload, received_at, processed_at FROM callback_inbox WHERE change_type = 'delete_user'")).ToList();
        var opened = (await db.QueryAsync<(string Handover, DateTime CreatedAt)>("SELECT handover_userid, created_at FROM successions")).ToDictionary(r => r.Handover, r => r.CreatedAt);

        var rows = new List<(string Member, double Total, double Received, double Processed, double Opened)>();
        foreach (var member in members)
        {
            // An attempt's SimTime is taken when its answer came; it was posted ElapsedMs (real = simulated) before.
            var first = deliveries[member].Attempts[0];
            var posted = first.SimTime - TimeSpan.FromMilliseconds(first.ElapsedMs);
            var row = inbox.Single(r => r.Payload.Contains($"<![CDATA[{member}]]>", StringComparison.Ordinal));
            rows.Add((member,
                (firstTransfer[member] - posted).TotalMilliseconds,
                (Utc(row.ReceivedAt) - posted).TotalMilliseconds,
                (Utc(row.ProcessedAt!.Value) - posted).TotalMilliseconds,
                (Utc(opened[member]) - posted).TotalMilliseconds));
        }

        Report.Line($"{count} departures, {spacing.TotalSeconds} s apart; milliseconds after the simulator posted the delete_user callback:");
        Report.Line("| stage | p50 | p95 | max |");
        Report.Line("|---|---:|---:|---:|");
        Line("inbox row stored (received_at)", rows.Select(r => r.Received));
        Line("succession opened (created_at)", rows.Select(r => r.Opened));
        Line("inbox row processed (processed_at)", rows.Select(r => r.Processed));
        Line("**first transfer_customer call**", rows.Select(r => r.Total));
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static void Line(string stage, IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        Report.Line(string.Create(CultureInfo.InvariantCulture,
            $"| {stage} | {Report.Percentile(sorted, 0.5):F0} | {Report.Percentile(sorted, 0.95):F0} | {sorted[^1]:F0} |"));
    }
}
