using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Issue 9: the admin dashboard over 10,000 departures and 1,000,000 items. The dataset (<see cref="DashboardData"/>)
/// is filled once and, with <c>--keep</c>, kept in <c>--database</c> (wcs_measure_dashboard) for the next run. The service
/// runs in this process on Kestrel against it, on a clock that starts at the fill's "now" (so a kept dataset gives the
/// same pages on every run), with the simulator as WeCom. A super admin (by <c>Admin:SuperAdmins</c>) and a scoped admin
/// (granted 华东事业部 through AdminRoles) sign in through the real WeCom login flow. Each page is requested
/// <c>--warmup</c> (5) times, then <c>--requests</c> (50) times one after the other; the client's time (request sent →
/// body read, loopback) and the server's (first middleware in → last out, recorded in-process) are reported. Then the
/// checklist CSV export of departures of 1,000, 10,000 and 100,000 items: time to first byte and total, and the
/// process's memory while it streams.
/// </summary>
internal static class DashboardMeasure
{
    /// <summary>The service's log event at the end of a directory sync.</summary>
    private const int DirectorySynced = 300;

    public static async Task RunAsync(MeasureArgs args)
    {
        var shape = new DashboardShape(
            args.Int("members", 5_000), args.Int("departures", 10_000), args.Int("items", 1_000_000), args.Int("big", 10_000), args.Int("small", 1_000),
            args.Int("huge", 100_000), args.Int("seed", 9));
        var requests = args.Int("requests", 50);
        var warmup = args.Int("warmup", 5);
        var keep = args.Flag("keep");
        var name = args.Text("database", "wcs_measure_dashboard");

        var (database, dataset) = await PrepareAsync(shape, keep, name, args.Flag("refill"));
        await using var _ = database;
        await DescribeAsync(database, dataset);
        if (args.Flag("fill-only"))
        {
            return;
        }

        // The directory sync reads members with customer contact and their leaders only; the two admins have neither,
        // so they are in the directory as a sign-in would find them (their department and name), written here.
        await database.ScalarAsync<int>(
            """
            INSERT INTO members (userid, name, status, departments, leader_of, main_department, direct_leaders, customer_contact, updated_at)
            VALUES (@SuperAdmin, '性能超管', 1, ARRAY[@Hr]::bigint[], '{}', @Hr, '{}', false, @at), (@ScopedAdmin, '华东管理员', 1, ARRAY[@Unit]::bigint[], '{}', @Unit, '{}', false, @at)
            ON CONFLICT DO NOTHING;
            SELECT 1
            """, new { dataset.SuperAdmin, dataset.ScopedAdmin, Hr = DashboardData.HrDepartment, Unit = dataset.ScopeDepartment, at = dataset.FilledAt.UtcDateTime });
        var timings = new ServerTimings();
        await using var system = await DashboardSystem.StartAsync(database, dataset, timings);
        await Wait.UntilAsync(() => Task.FromResult(system.Service.Logs.Count(DirectorySynced) > 0), TimeSpan.FromMinutes(2), "the service's directory sync at start");
        await system.WeCom.Simulator.WaitForQuietAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(2));

        var roles = system.Service.Services.GetRequiredService<AdminRoles>();
        var grant = await roles.GrantAsync(dataset.ScopedAdmin, AdminRights.Admin, [dataset.ScopeDepartment], new Actor(dataset.SuperAdmin, "measure", AdminRights.Everything), CancellationToken.None);
        if (!grant.IsDone)
        {
            throw new InvalidOperationException("granting the scoped admin failed: " + grant.Detail);
        }

        var baseUrl = system.ServiceUrl;
        using var super = await Browser.SignInAsync(baseUrl, dataset.SuperAdmin);
        using var scoped = await Browser.SignInAsync(baseUrl, dataset.ScopedAdmin);

        // The audit page is for super admins and auditors only; the scoped admin asks for every other page.
        var from = dataset.FilledAt.AddDays(-90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (string Page, bool Scoped)[] pages =
        [
            ("/admin", true),
            ("/admin/departures", true),
            ($"/admin/departures?state=completed&department={dataset.ScopeDepartment}&from={from}", true),
            ("/admin/departures?state=open&trigger=callback", true),
            ($"/admin/departures/{dataset.BigDeparture}", true),
            ("/admin/failures", true),
            ("/admin/audit", false),
            ("/admin/analytics", true),
        ];
        var only = args.Text("pages", "");
        var extra = args.Text("extra", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => (p, true));
        Report.Line("");
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"pages: {warmup} warm-up + {requests} timed requests each, one at a time; ms; client = request sent → body read on loopback, server = in-process middleware"));
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"{"who",-7} {"page",-70} {"bytes",8}  {"client p50",10} {"p95",7} {"max",7}  {"server p50",10} {"p95",7} {"max",7}  load"));
        foreach (var (page, forScoped) in pages.Concat(extra).Where(p => only.Length == 0 || p.Item1.Contains(only, StringComparison.Ordinal)))
        {
            await MeasurePageAsync("super", super, page, warmup, requests, timings);
            if (forScoped)
            {
                await MeasurePageAsync("scoped", scoped, page, warmup, requests, timings);
            }
        }

        if (!args.Flag("no-export"))
        {
            foreach (var format in args.Text("formats", "csv,xlsx").Split(','))
            {
                await MeasureExportAsync(super, database, dataset, format, args.Int("exports", 3), timings);
            }
        }
    }

    private static async Task<(DatasetDatabase Database, DashboardDataset Dataset)> PrepareAsync(DashboardShape shape, bool keep, string name, bool refill)
    {
        if (!keep)
        {
            var fresh = await DatasetDatabase.CreateAsync();
            Report.Line($"database {fresh.Name} (dropped at the end; --keep keeps a filled one)");
            return (fresh, await DashboardData.FillAsync(fresh.DataSource, shape));
        }

        var (database, existed) = await DatasetDatabase.OpenAsync(name, keep: true);
        if (existed && !refill && await DashboardData.ReadAsync(database.DataSource, shape) is { } kept)
        {
            Report.Line(string.Create(CultureInfo.InvariantCulture, $"database {name}: kept dataset of {kept.FilledAt:yyyy-MM-dd HH:mm} UTC (filled in {kept.FillSeconds:F0} s), reused"));
            return (database, kept);
        }

        if (existed)
        {
            await database.DisposeAsync();
            await DatasetDatabase.DropAsync(name);
            (database, _) = await DatasetDatabase.OpenAsync(name, keep: true);
        }

        Report.Line($"database {name}: filling (kept at the end)");
        return (database, await DashboardData.FillAsync(database.DataSource, shape));
    }

    /// <summary>What the dataset holds, as the database counts it.</summary>
    private static async Task DescribeAsync(DatasetDatabase db, DashboardDataset dataset)
    {
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"dataset \"now\" {dataset.FilledAt:yyyy-MM-dd HH:mm:ss} UTC; big departure {dataset.BigDeparture}, small {dataset.SmallDeparture}, huge {dataset.HugeDeparture}"));
        var members = await db.QueryAsync<(short Status, long Count)>("SELECT status, count(*) FROM members GROUP BY 1 ORDER BY 1");
        var departments = await db.ScalarAsync<long>("SELECT count(*) FROM departments");
        Report.Line("  members: " + string.Join(", ", members.Select(m => string.Create(CultureInfo.InvariantCulture, $"status {m.Status}: {m.Count:N0}"))) +
            string.Create(CultureInfo.InvariantCulture, $"; departments: {departments:N0}"));
        var successions = await db.QueryAsync<(string State, long Count)>("SELECT state, count(*) FROM successions GROUP BY 1 ORDER BY 2 DESC");
        Report.Line("  successions: " + string.Join(", ", successions.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.State} {s.Count:N0}"))));
        var items = await db.QueryAsync<(string State, long Count)>("SELECT state, count(*) FROM succession_items GROUP BY 1 ORDER BY 2 DESC");
        var total = items.Sum(i => i.Count);
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"  items: {total:N0}: ") + string.Join(", ", items.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.State} {i.Count:N0} ({100.0 * i.Count / total:F1} %)"))));
        var attention = await db.ScalarAsync<long>("SELECT count(*) FROM succession_items WHERE state IN ('failed', 'refused', 'manual') AND handled_at IS NULL");
        var handled = await db.ScalarAsync<long>("SELECT count(*) FROM succession_items WHERE handled_at IS NOT NULL");
        var sizes = await db.QueryAsync<(double P50, double P90, double P99, long Max)>(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n), percentile_cont(0.9) WITHIN GROUP (ORDER BY n), percentile_cont(0.99) WITHIN GROUP (ORDER BY n), max(n) FROM (SELECT count(*) n FROM succession_items GROUP BY succession_id) x");
        var size = sizes.Single();
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"  items needing a person (not handled): {attention:N0}; handled by a person: {handled:N0}; items per departure p50 {size.P50:F0}, p90 {size.P90:F0}, p99 {size.P99:F0}, max {size.Max:N0}"));
        var audit = await db.QueryAsync<(string Actor, long Count)>("SELECT CASE WHEN actor = 'system' THEN 'system' ELSE 'people' END, count(*) FROM audit_log GROUP BY 1 ORDER BY 1");
        var batches = await db.ScalarAsync<long>("SELECT count(*) FROM transfer_batches");
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"  transfer batches: {batches:N0}; audit log: ") +
            string.Join(", ", audit.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Actor} {a.Count:N0}"))));
        var sizesOnDisk = await db.QueryAsync<(string Table, long Bytes)>(
            """
            SELECT relname::text, pg_total_relation_size(oid) FROM pg_class
            WHERE relname IN ('succession_items', 'successions', 'members', 'transfer_batches', 'audit_log') ORDER BY 2 DESC
            """);
        Report.Line("  on disk (with indexes): " + string.Join(", ", sizesOnDisk.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Table} {t.Bytes / 1048576.0:F0} MB"))));
    }

    private static async Task MeasurePageAsync(string who, Browser browser, string page, int warmup, int requests, ServerTimings timings)
    {
        var client = new double[requests];
        var server = new double[requests];
        long bytes = 0;
        for (var i = -warmup; i < requests; i++)
        {
            var id = timings.NextId();
            var started = Stopwatch.GetTimestamp();
            using var response = await browser.GetAsync(page, id);
            var body = await response.Content.ReadAsByteArrayAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{who} GET {page}: {(int)response.StatusCode}");
            }

            if (i >= 0)
            {
                client[i] = elapsed;
                server[i] = (await timings.TakeAsync(id)).Total;
                bytes = body.Length;
            }
        }

        Array.Sort(client);
        Array.Sort(server);
        Report.Line(string.Create(CultureInfo.InvariantCulture,
            $"{who,-7} {page,-70} {bytes,8}  {Report.Percentile(client, 0.5),10:F1} {Report.Percentile(client, 0.95),7:F1} {client[^1],7:F1}  {Report.Percentile(server, 0.5),10:F1} {Report.Percentile(server, 0.95),7:F1} {server[^1],7:F1}  {Report.LoadAverage()}"));
    }

    /// <summary>
    /// Each export is preceded by a full GC (so each starts from the same heap), and a sampler reads the managed heap
    /// (GC.GetTotalMemory without collecting: live and not yet collected objects) and the process's resident set every
    /// 2 ms while it runs. The client reads the body in 64 KB reads and keeps nothing, so the figures are the service's
    /// (the client, the simulator and the service share this process; the simulator is idle).
    /// </summary>
    private static async Task MeasureExportAsync(Browser browser, DatasetDatabase db, DashboardDataset dataset, string format, int rounds, ServerTimings timings)
    {
        var departures = new List<(long Id, string Label)> { (dataset.SmallDeparture, "small"), (dataset.BigDeparture, "big") };
        if (dataset.HugeDeparture is { } huge)
        {
            departures.Add((huge, "huge"));
        }

        Report.Line("");
        var sizes = (await db.QueryAsync<(long Id, long Count)>(
            "SELECT succession_id, count(*) FROM succession_items WHERE succession_id = ANY(@ids) GROUP BY 1", new { ids = departures.Select(d => d.Id).ToArray() }))
            .ToDictionary(r => r.Id, r => r.Count);
        Report.Line($"checklist export (GET /admin/departures/{{id}}/checklist.{format} as the super admin), {rounds} rounds, smallest first in each round");
        using (var probe = await browser.GetAsync($"/admin/departures/{dataset.SmallDeparture}/checklist.{format}", timings.NextId()))
        {
            if (probe.StatusCode != HttpStatusCode.OK)
            {
                Report.Line($"  not measured: the export answered {(int)probe.StatusCode} (is it on this branch yet?)");
                return;
            }

            await probe.Content.ReadAsByteArrayAsync();
        }

        Report.Line(string.Create(CultureInfo.InvariantCulture,
            $"  {"departure",-16} {"rows",8} {"bytes",11}  {"headers ms",10} {"1st byte",8} {"total ms",9}  {"allocated MB",12} {"B/row",6}  {"heap peak MB",12} {"above base",10}  {"RSS peak MB",11} {"grew",6}  gen0/1/2"));
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (id, label) in departures)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var baseHeap = GC.GetTotalMemory(false);
                var baseRss = Environment.WorkingSet;
                var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                using var sampling = new CancellationTokenSource();
                long peakHeap = baseHeap, peakRss = baseRss;
                var sampler = Task.Run(async () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                        peakRss = Math.Max(peakRss, Environment.WorkingSet);
                        try
                        {
                            await Task.Delay(2, sampling.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }
                });

                var started = Stopwatch.GetTimestamp();
                using var response = await browser.GetAsync($"/admin/departures/{id}/checklist.{format}", timings.NextId(), HttpCompletionOption.ResponseHeadersRead);
                var headers = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                await using var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[65_536];
                long bytes = 0;
                double firstByte = double.NaN;
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    if (bytes == 0)
                    {
                        firstByte = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    bytes += read;
                }

                var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                await sampling.CancelAsync();
                await sampler;
                var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0;
                var rows = sizes[id];
                Report.Line(string.Create(CultureInfo.InvariantCulture,
                    $"  {label + " " + id,-16} {rows,8:N0} {bytes,11:N0}  {headers,10:F1} {firstByte,8:F1} {total,9:F1}  {allocatedMb,12:F1} {allocatedMb * 1048576 / rows,6:F0}  {peakHeap / 1048576.0,12:F1} {(peakHeap - baseHeap) / 1048576.0,10:F1}  {peakRss / 1048576.0,11:F1} {(peakRss - baseRss) / 1048576.0,6:F1}  {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}"));
            }
        }
    }

    /// <summary>Cookies across the service and the simulator; redirects followed by hand, as a browser signs in.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly HttpClient _http;

        private Browser(Uri service) =>
            _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
            {
                BaseAddress = service,
                Timeout = TimeSpan.FromMinutes(5),
            };

        /// <summary>/admin/signin → the simulator's WeCom login page (as <paramref name="userid"/>) → back with the code → the people cookie.</summary>
        public static async Task<Browser> SignInAsync(Uri service, string userid)
        {
            var browser = new Browser(service);
            using var toWeCom = await browser._http.GetAsync(new Uri("/admin/signin?returnUrl=/admin", UriKind.Relative));
            var login = Expect(toWeCom, "/admin/signin");
            using var back = await browser._http.GetAsync(new Uri(login + "&sim_userid=" + userid));
            var callback = Expect(back, "the WeCom login page");
            using var signedIn = await browser._http.GetAsync(callback);
            if (Expect(signedIn, "the sign-in callback").OriginalString != "/admin")
            {
                throw new InvalidOperationException($"{userid} was not signed in: {signedIn.Headers.Location}");
            }

            return browser;
        }

        private static Uri Expect(HttpResponseMessage response, string what) =>
            response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
                ? location
                : throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}, not a redirect");

        public Task<HttpResponseMessage> GetAsync(string path, string measureId, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Add(ServerTimings.Header, measureId);
            return _http.SendAsync(request, completion);
        }

        public void Dispose() => _http.Dispose();
    }
}

/// <summary>What the measuring middleware saw of each request the measurement tagged.</summary>
internal sealed class ServerTimings
{
    public const string Header = "X-Measure-Id";

    private readonly ConcurrentDictionary<string, (double Total, double FirstByte)> _seen = new(StringComparer.Ordinal);
    private long _next;

    public string NextId() => Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

    public void Record(string id, double total, double firstByte) => _seen[id] = (total, firstByte);

    /// <summary>
    /// The request's figures. The middleware records them when the pipeline returns, which may be a moment after the
    /// client has read the last byte: wait for them (after the client's clock has stopped).
    /// </summary>
    public async Task<(double Total, double FirstByte)> TakeAsync(string id)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        (double Total, double FirstByte) seen;
        while (!_seen.TryRemove(id, out seen))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"no server timing for request {id}");
            }

            await Task.Delay(1);
        }

        return seen;
    }
}

/// <summary>
/// The first middleware of the service's pipeline (the measurement's, not the service's): the server's time of each
/// request from its first middleware in to its last out (the body handed to Kestrel), and the time until the response
/// started, also sent as <c>Server-Timing: app;dur=…</c>.
/// </summary>
internal sealed class TimingStartupFilter(ServerTimings timings) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, RequestDelegate inner) =>
        {
            var started = Stopwatch.GetTimestamp();
            var firstByte = double.NaN;
            context.Response.OnStarting(() =>
            {
                firstByte = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={firstByte:F1}");
                return Task.CompletedTask;
            });
            await inner(context);
            if (context.Request.Headers.TryGetValue(ServerTimings.Header, out var id))
            {
                timings.Record(id.ToString(), Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstByte);
            }
        });
        next(app);
    };
}
