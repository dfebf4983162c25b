using System.Diagnostics;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Measurement 1: the WeCom calls one departure costs. One member with 10,000 customers and 20 groups is
/// deleted; their direct leader inherits everything. Simulated time is moved on to each due check: the first
/// transfer_result check soon after submission (FirstResultCheck, 1 min), then past every takeover_time (24 h).
/// Only calls after a ledger mark taken just before the deletion are counted (start-up directory sync and
/// first reconciliation sweep excluded), and the run waits a due-poll interval after completion for stragglers.
/// </summary>
internal static class DepartureCallsMeasure
{
    private const string Handover = "sales01";

    public static async Task RunAsync(MeasureArgs args)
    {
        var customers = args.Int("customers", 10_000);
        var groups = args.Int("groups", 20);
        string[] peers = ["peer01", "peer02", "peer03", "peer04"];
        var corp = MeasureCorps.Build([Handover, .. peers], m => m == Handover ? customers : 50, m => m == Handover ? groups : 2);

        // Production defaults, except that the periodic reconciliation sweep, a background cost that does not
        // depend on this departure, is kept out of the window (its first run at start-up is excluded by the mark).
        await using var system = await MeasureSystem.StartAsync(corp, new Dictionary<string, string?> { ["Succession:ReconcileInterval"] = "1.00:00:00" });
        var db = system.Database;
        await Wait.UntilAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM members") >= corp.Members.Count, TimeSpan.FromMinutes(2), "directory sync at start");
        await system.WaitForQuietAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
        var mark = system.LedgerMark();
        var watch = Stopwatch.StartNew();

        system.Sim.DeleteMember(Handover);
        var total = customers + groups;
        await Wait.UntilAsync(
            async () => await db.ScalarAsync<long>(
                "SELECT count(*) FROM succession_items i JOIN successions s ON s.id = i.succession_id WHERE s.handover_userid = @Handover AND i.state NOT IN ('planned', 'queued', 'submitting')",
                new { Handover }) >= total,
            TimeSpan.FromMinutes(15), "every item sent");
        Report.Line($"planned and sent {total} items in {watch.Elapsed.TotalSeconds:F1} s");

        // The check soon after submission: FirstResultCheck (1 min) later, picked up by the due-work poll.
        // --advance 0 waits for it in real time instead of moving simulated time on.
        var advance = args.Int("advance", 90);
        if (advance > 0)
        {
            system.Sim.AdvanceClock(TimeSpan.FromSeconds(advance));
        }

        await Wait.UntilAsync(
            async () => await db.ScalarAsync<long>(
                "SELECT count(*) FROM succession_items WHERE kind = 'customer' AND state = 'waiting' AND takeover_time IS NULL") == 0,
            TimeSpan.FromMinutes(5), "the first transfer_result check");
        Report.Line($"first result check done at {watch.Elapsed.TotalSeconds:F1} s");

        // Past every takeover_time (24 h after each call) and the check after it.
        system.Sim.AdvanceClock(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5));
        await Wait.UntilAsync(
            async () => await db.ScalarAsync<string>("SELECT state FROM successions WHERE handover_userid = @Handover", new { Handover }) == "completed",
            TimeSpan.FromMinutes(10), "the succession completed");
        Report.Line($"completed at {watch.Elapsed.TotalSeconds:F1} s; waiting 40 s (> one due-work poll) for any further call");
        await Task.Delay(TimeSpan.FromSeconds(40));

        var states = await db.QueryAsync<(string Kind, string State, long Count)>(
            "SELECT kind, state, count(*) FROM succession_items GROUP BY kind, state ORDER BY 1, 2");
        Report.Line("items: " + string.Join(", ", states.Select(s => $"{s.Kind} {s.State} {s.Count}")));

        var calls = system.Sim.ApiCalls().Where(c => c.Seq > mark).ToList();
        Report.Line("");
        Report.Line("| API | calls | errcodes |");
        Report.Line("|---|---:|---|");
        foreach (var api in calls.GroupBy(c => c.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var codes = string.Join(", ", api.GroupBy(c => c.ErrCode).Select(g => $"{g.Key?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}×{g.Count()}"));
            Report.Line($"| `{api.Key}` | {api.Count()} | {codes} |");
        }

        Report.Line($"| total | {calls.Count} | |");

        // The minimum: every customer and group sent once in full batches, each listing read once, and
        // transfer_result read twice per (handover, takeover) pair (soon after submission, after takeover_time).
        var transfers = Ceiling(customers, 100);
        var groupTransfers = Ceiling(groups, 100);
        var resultPages = 2 * Ceiling(customers, 1000);
        var listingPages = Ceiling(customers, 1000) + Math.Max(1, Ceiling(groups, 1000));
        var groupConfirmPages = groups > 0 ? 1 : 0;
        var customerMinimum = transfers + resultPages + listingPages;
        var minimum = customerMinimum + groupTransfers + groupConfirmPages;
        var customerCalls = calls.Count(c => c.Path is "/cgi-bin/externalcontact/resigned/transfer_customer" or "/cgi-bin/externalcontact/resigned/transfer_result"
            or "/cgi-bin/externalcontact/get_unassigned_list")
            + calls.Count(c => c.Path == "/cgi-bin/externalcontact/groupchat/list" && c.Seq < FirstGroupTransfer(calls));
        Report.Line("");
        Report.Line($"minimum (customers): {transfers} transfer_customer + {resultPages} transfer_result pages + {listingPages} listing pages = {customerMinimum}");
        Report.Line($"minimum (with groups): + {groupTransfers} groupchat/transfer + {groupConfirmPages} groupchat/list by new owner = {minimum}");
        Report.Line($"calls (customer transfer, result and listing APIs): {customerCalls} = {(double)customerCalls / customerMinimum:F3}× the customer minimum");
        Report.Line($"calls (all): {calls.Count} = {(double)calls.Count / minimum:F3}× the minimum with groups");
    }

    private static long FirstGroupTransfer(List<WeComSuccession.Simulator.Ledger.ApiCallRecord> calls) =>
        calls.FirstOrDefault(c => c.Path == "/cgi-bin/externalcontact/groupchat/transfer")?.Seq ?? long.MaxValue;

    private static int Ceiling(int n, int per) => (n + per - 1) / per;
}
