using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/WeComSuccession.Benchmarks -- simulator-measure</c>: the memory of
/// a 200,000-customer corp after generation and a full GC, and the latency distribution of transfer calls
/// over real loopback HTTP (1,000 calls of 100 customers, 1,000 calls of 1 customer).
/// </summary>
internal static class SimulatorMeasure
{
    public static async Task RunAsync()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.StartNew();
        var options = new SimulatorOptions { Generator = { Members = 2000, CustomersPerMember = 100, GroupsPerMember = 10, SharedCustomerRate = 0 }, Callback = { Url = "" } };
        await using var sim = await SimulatorHost.StartAsync(options);
        var generated = started.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var summary = sim.Simulator.Summary();
        Console.WriteLine(Invariant($"corp: {summary.Members} members, {summary.Customers} customers, {summary.Follows} follow relations, {summary.Groups} groups; generated and started in {generated.TotalSeconds:F2} s"));
        Console.WriteLine(Invariant($"managed heap after full GC: {(after - before) / 1048576.0:F1} MB (corp + host); working set: {process.WorkingSet64 / 1048576.0:F1} MB"));

        using var http = new HttpClient { BaseAddress = sim.BaseUrl };
        var token = (await http.GetFromJsonAsync(new Uri("/cgi-bin/gettoken?corpid=wwdemo0000000000&corpsecret=demo-secret", UriKind.Relative), WeComJsonContext.Default.CgibinGetTokenResponse))!.AccessToken;
        var url = new Uri("/cgi-bin/externalcontact/resigned/transfer_customer?access_token=" + token, UriKind.Relative);

        async Task<double[]> MeasureAsync(WeComSimulator s, int firstMember, int members, int perCall)
        {
            var latencies = new List<double>();
            for (var m = firstMember; m < firstMember + members; m++)
            {
                var handover = Invariant($"u{m:D5}");
                var customers = s.CustomersOf(handover).ToArray();
                s.DeleteMember(handover, silent: true);
                foreach (var batch in customers.Chunk(perCall))
                {
                    var request = new ExternalContactResignedTransferCustomerRequest { HandoverUserId = handover, TakeoverUserId = Invariant($"u{1900 + (m % 100):D5}"), ExternalUserId = batch };
                    var t = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsJsonAsync(url, request, WeComJsonContext.Default.ExternalContactResignedTransferCustomerRequest);
                    var body = await response.Content.ReadFromJsonAsync(WeComJsonContext.Default.ExternalContactResignedTransferCustomerResponse);
                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    if (body!.ErrCode != 0 || body.Customer.Any(c => c.ErrCode != 0))
                    {
                        throw new InvalidOperationException("transfer failed");
                    }
                }
            }

            latencies.Sort();
            return [.. latencies];
        }

        // Warm-up: JIT and connection.
        await MeasureAsync(sim.Simulator, 1, 20, 100);
        var batch100 = await MeasureAsync(sim.Simulator, 21, 1000, 100);
        var single = await MeasureAsync(sim.Simulator, 1021, 10, 1);
        Report("transfer_customer, 100 customers per call", batch100);
        Report("transfer_customer, 1 customer per call", single);
    }

    private static void Report(string name, double[] sorted)
    {
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        Console.WriteLine(Invariant($"{name}: n={sorted.Length}, median {P(0.5):F2} ms, p95 {P(0.95):F2} ms, p99 {P(0.99):F2} ms, max {sorted[^1]:F2} ms"));
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
