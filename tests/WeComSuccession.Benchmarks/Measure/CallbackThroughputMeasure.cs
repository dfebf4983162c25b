using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using WeComSuccession.Simulator.Callbacks;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// Measurement 2: <c>POST /wecom/callback</c> under load. The service is the built <c>WeComSuccession.dll</c>
/// of this configuration, run as its own process (Production, its appsettings.json, its server GC, logs
/// written to a temporary file) so that the load generator does not share its process; it points at the
/// simulator in this process, which answers the calls of the background jobs the callbacks start. Every
/// request is a distinct, pre-signed event (delete_user of an unknown member and update_user of a corp
/// member, alternately, each with its own CreateTime), so each is a real insert into the inbox and a real
/// job enqueue. <c>--connections</c> (4) workers on as many keep-alive loopback connections send back to
/// back: <c>--warmup</c> requests (2,000) first, then <c>--requests</c> (20,000) that are timed.
/// </summary>
internal static class CallbackThroughputMeasure
{
    public static async Task RunAsync(MeasureArgs args)
    {
        var connections = args.Int("connections", 4);
        var warmup = args.Int("warmup", 2_000);
        var requests = args.Int("requests", 20_000);
        var corpMembers = Enumerable.Range(1, 200).Select(i => $"u{i:D4}").ToList();
        var corp = MeasureCorps.Build(corpMembers, _ => 0, _ => 0);
        await using var system = await MeasureSystem.StartAsync(corp, startService: false);
        var logFile = Path.Combine(Path.GetTempPath(), $"measure-service-{system.Database.Name}.log");
        await using var service = await StartServiceProcessAsync(system, logFile);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = service.BaseUrl };
        var signed = Sign(new CallbackSender(http), warmup + requests, corpMembers);

        await SendAsync(http, signed[..warmup], connections);
        var before = await system.Database.TransactionsAsync();
        var watch = Stopwatch.StartNew();
        var (latencies, failures) = await SendAsync(http, signed[warmup..], connections);
        var elapsed = watch.Elapsed.TotalSeconds;
        var after = await system.Database.TransactionsAsync();
        var stored = await system.Database.ScalarAsync<long>("SELECT count(*) FROM callback_inbox");

        Array.Sort(latencies);
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"{requests} requests on {connections} connections in {elapsed:F2} s (after {warmup} warm-up requests); non-200 answers: {failures}"));
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"throughput {requests / elapsed:F0} requests/s; latency ms: p50 {Report.Percentile(latencies, 0.5):F2}, p95 {Report.Percentile(latencies, 0.95):F2}, p99 {Report.Percentile(latencies, 0.99):F2}, max {latencies[^1]:F2}"));
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"inbox rows: {stored} (of {warmup + requests} distinct events); database transactions during the timed run: {after - before} ({(after - before) / elapsed:F0} /s, background jobs included)"));
        Report.Line($"service log: {logFile}");
    }

    /// <summary>Each request is pre-signed, so the load generator only sends bytes while it is timed.</summary>
    private static (string Query, byte[] Body)[] Sign(CallbackSender sender, int count, List<string> corpMembers)
    {
        var signed = new (string, byte[])[count];
        const long BaseTime = 1_763_700_000;
        for (var i = 0; i < count; i++)
        {
            var createTime = BaseTime + i;
            var xml = i % 2 == 0
                ? CallbackXml.ContactUser(TestCredentials.CorpId, createTime, "delete_user", string.Create(CultureInfo.InvariantCulture, $"gone{i:D6}"), [])
                : CallbackXml.ContactUser(TestCredentials.CorpId, createTime, "update_user", corpMembers[i % corpMembers.Count], [new("Status", "1")]);
            var (query, body) = sender.Sign(xml, createTime.ToString(CultureInfo.InvariantCulture), (1_000_000 + i).ToString(CultureInfo.InvariantCulture));
            signed[i] = ("/wecom/callback" + query, Encoding.UTF8.GetBytes(body));
        }

        return signed;
    }

    private static async Task<(double[] Latencies, int Failures)> SendAsync(HttpClient http, (string Query, byte[] Body)[] signed, int connections)
    {
        var latencies = new double[signed.Length];
        var next = -1;
        var failures = 0;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < signed.Length)
            {
                using var content = new ByteArrayContent(signed[i].Body);
                content.Headers.ContentType = new("text/xml");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri(signed[i].Query, UriKind.Relative), content);
                await response.Content.LoadIntoBufferAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.WhenAll(workers);
        return (latencies, failures);
    }

    /// <summary>Runs the service's own build output (same configuration as this program) with production settings and its appsettings.json.</summary>
    private static Task<ServiceProcess> StartServiceProcessAsync(SuccessionHarness system, string logFile) =>
        StartServiceProcessAsync(system, system.ServicePort, system.Database.ConnectionString, logFile);

    /// <summary>The same on <paramref name="port"/> with <paramref name="connectionString"/>: another node of one system.</summary>
    public static async Task<ServiceProcess> StartServiceProcessAsync(SuccessionHarness system, int port, string connectionString, string logFile)
    {
        var configuration = typeof(CallbackThroughputMeasure).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var settings = TestCredentials.ServiceSettings(system.WeCom.BaseUrl);
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["ConnectionStrings:Postgres"] = connectionString;
        var service = new ServiceProcess(settings, port, RepositoryPaths.Under("src", "WeComSuccession", "bin", configuration, "net10.0"), logFile);
        try
        {
            await service.StartAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
            using var probe = new HttpClient { BaseAddress = service.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
            await Wait.UntilAsync(async () =>
            {
                try
                {
                    using var ready = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                    return ready.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromMinutes(1), $"the service's /readyz (log: {logFile})");
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }
}
