using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using WeComSuccession.Simulator;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Benchmarks;

/// <summary>
/// One <c>resigned/transfer_customer</c> call of 100 customers, over real loopback HTTP, against a
/// 200,000-customer simulated corp (2,000 members × 100). Every invocation moves 100 customers that have
/// not been moved before: each iteration deletes 50 fresh members first (5,000 customers for 50 calls).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(50)]
[WarmupCount(3)]
[IterationCount(15)]
public class SimulatorTransferBenchmarks
{
    private RunningSimulator _sim = null!;
    private HttpClient _http = null!;
    private string _token = "";
    private int _nextMember = 1;
    private readonly Queue<(string Handover, string[] Customers)> _batches = new();

    // Synchronous: the in-process toolchain does not await an async GlobalSetup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var options = new SimulatorOptions { Generator = { Members = 2000, CustomersPerMember = 100, GroupsPerMember = 10, SharedCustomerRate = 0 }, Callback = { Url = "" } };
        _sim = await SimulatorHost.StartAsync(options);
        _http = new HttpClient { BaseAddress = _sim.BaseUrl };
        var token = await _http.GetFromJsonAsync(new Uri("/cgi-bin/gettoken?corpid=wwdemo0000000000&corpsecret=demo-secret", UriKind.Relative), WeComJsonContext.Default.CgibinGetTokenResponse);
        _token = token!.AccessToken!;
    }

    [IterationSetup]
    public void DeleteFreshMembers()
    {
        _batches.Clear();
        for (var i = 0; i < 50; i++, _nextMember++)
        {
            var handover = $"u{_nextMember:D5}";
            var customers = _sim.Simulator.CustomersOf(handover).ToArray();
            _sim.Simulator.DeleteMember(handover, silent: true);
            _batches.Enqueue((handover, customers));
        }
    }

    [Benchmark]
    public async Task<int> ResignedTransfer100Customers()
    {
        var (handover, customers) = _batches.Dequeue();
        var request = new ExternalContactResignedTransferCustomerRequest { HandoverUserId = handover, TakeoverUserId = "u01999", ExternalUserId = customers };
        using var response = await _http.PostAsJsonAsync(new Uri("/cgi-bin/externalcontact/resigned/transfer_customer?access_token=" + _token, UriKind.Relative), request, WeComJsonContext.Default.ExternalContactResignedTransferCustomerRequest);
        var body = await response.Content.ReadFromJsonAsync(WeComJsonContext.Default.ExternalContactResignedTransferCustomerResponse);
        return body!.ErrCode == 0 && body.Customer.Count(c => c.ErrCode == 0) == 100 ? 100 : throw new InvalidOperationException("transfer failed: " + body.ErrCode);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _sim.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
