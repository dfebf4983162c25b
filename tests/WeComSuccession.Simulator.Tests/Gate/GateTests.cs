using System.Net;
using WeComSuccession.Simulator.Gate;
using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Gate;

public sealed class GateTests
{
    private const string UserGet = "/cgi-bin/user/get";

    [Fact]
    public async Task RateLimit_AfterConfiguredCallsPerMinute_Answers45009()
    {
        await using var c = await SimClient.StartAsync(o => o.RateLimits.PerApi[UserGet] = 5);

        var codes = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            codes.Add((await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi")).ErrCode);
        }

        Assert.Equal([0, 0, 0, 0, 0, 45009, 45009], codes);
        Assert.Equal(0, (await c.GetAsync<ExternalContactListResponse>("/cgi-bin/externalcontact/list?userid=lisi")).ErrCode);
        Assert.Equal(2, c.Sim.ApiCallCounts().Single(x => x.Path == UserGet && x.ErrCode == 45009).Count);
    }

    [Fact]
    public async Task Concurrency_AboveTheCap_Answers45033()
    {
        await using var c = await SimClient.StartAsync(o =>
        {
            o.RateLimits.ConcurrencyPerApi[UserGet] = 1;
            o.Faults.LatencyMs = 300;
            o.Faults.Paths.Add(UserGet);
        });
        await c.TokenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi")));

        Assert.Equal(1, results.Count(r => r.ErrCode == 0));
        Assert.Equal(2, results.Count(r => r.ErrCode == 45033));
    }

    [Fact]
    public async Task ScriptedFaults_ErrcodeHttp5xxDropAndDropAfter_AreAnsweredAndLedgered()
    {
        await using var c = await SimClient.StartAsync();
        await c.TokenAsync();
        c.Sim.ScriptFault(new ScriptedFault(UserGet, ErrCode: -1));
        c.Sim.ScriptFault(new ScriptedFault(UserGet, HttpStatus: 503));
        c.Sim.ScriptFault(new ScriptedFault(UserGet, Drop: true));
        c.Sim.ScriptFault(new ScriptedFault(UserGet, DropAfter: true));

        Assert.Equal(-1, (await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi")).ErrCode);
        using (var response = await c.Http.GetAsync(new Uri($"/cgi-bin/user/get?userid=lisi&access_token={await c.TokenAsync()}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi"));
        await Assert.ThrowsAsync<HttpRequestException>(() => c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi"));
        Assert.Equal(0, (await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi")).ErrCode);

        var faults = c.Sim.ApiCalls(UserGet).Select(x => (x.ErrCode, x.HttpStatus, x.Fault)).ToList();
        Assert.Equal([(-1, 200, "script"), (null, 503, "script"), (null, 0, "script"), (0, 0, "script"), (0, 200, null)], faults);
    }

    [Fact]
    public async Task DropAfter_OnATransfer_ExecutesItThoughTheCallerSeesNoAnswer()
    {
        await using var c = await SimClient.StartAsync();
        var customer = c.Sim.CustomersOf("zhangsan")[0];
        c.Sim.DeleteMember("zhangsan");
        c.Sim.ScriptFault(new ScriptedFault("/cgi-bin/externalcontact/resigned/transfer_customer", DropAfter: true));
        await c.TokenAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => c.ResignedTransferAsync("zhangsan", "lisi", customer));

        Assert.Equal(ExternalContactTransferStatus.Waiting, Assert.Single((await c.ResignedResultAsync("zhangsan", "lisi")).Customer).Status);
        Assert.Equal(40100, Assert.Single((await c.ResignedTransferAsync("zhangsan", "lisi", customer)).Customer).ErrCode);
    }

    [Fact]
    public async Task RandomFaults_SameSeed_SameSequence()
    {
        async Task<List<int?>> RunAsync()
        {
            await using var c = await SimClient.StartAsync(o => { o.Faults.ErrorRate = 0.3; o.Faults.ServerErrorRate = 0.2; o.Faults.Paths.Add(UserGet); });
            await c.TokenAsync();
            for (var i = 0; i < 40; i++)
            {
                using var _ = await c.Http.GetAsync(new Uri($"/cgi-bin/user/get?userid=lisi&access_token={await c.TokenAsync()}", UriKind.Relative), TestContext.Current.CancellationToken);
            }

            return [.. c.Sim.ApiCalls(UserGet).Select(x => x.ErrCode)];
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.InRange(first.Count(x => x == -1), 4, 20);
        Assert.InRange(first.Count(x => x is null), 2, 16);
    }
}
