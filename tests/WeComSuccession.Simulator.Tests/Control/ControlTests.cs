using System.Net.Http.Json;
using System.Text.Json;
using WeComSuccession.Simulator.Tests.TestSupport;

namespace WeComSuccession.Simulator.Tests.Control;

public sealed class ControlTests
{
    [Fact]
    public async Task ControlApi_DeleteTransferAdvanceAndLedger_OverHttp()
    {
        await using var c = await SimClient.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var customer = c.Sim.CustomersOf("zhangsan")[0];

        using (var deleted = await c.Http.PostAsync(new Uri("/_sim/members/zhangsan/delete", UriKind.Relative), null, ct))
        {
            Assert.True((await deleted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("deleted").GetBoolean());
        }

        await c.ResignedTransferAsync("zhangsan", "lisi", customer);
        using (var advanced = await c.Http.PostAsJsonAsync(new Uri("/_sim/clock/advance", UriKind.Relative), new { hours = 24 }, ct))
        {
            advanced.EnsureSuccessStatusCode();
        }

        var ledger = await c.Http.GetFromJsonAsync<JsonElement>(new Uri("/_sim/ledger/transfers?external_userid=" + customer, UriKind.Relative), ct);
        var entry = Assert.Single(ledger.EnumerateArray());
        Assert.Equal(("zhangsan", "lisi", 0, 1), (entry.GetProperty("handover").GetString(), entry.GetProperty("takeover").GetString(), entry.GetProperty("errCode").GetInt32(), entry.GetProperty("status").GetInt32()));
        var summary = await c.Http.GetFromJsonAsync<JsonElement>(new Uri("/_sim/ledger/summary", UriKind.Relative), ct);
        Assert.Contains(summary.EnumerateArray(), x => x.GetProperty("path").GetString() == "/cgi-bin/externalcontact/resigned/transfer_customer" && x.GetProperty("count").GetInt64() == 1);
    }

    [Fact]
    public async Task ControlApi_ScriptedFaultAndLimits_TakeEffect()
    {
        await using var c = await SimClient.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using (var r = await c.Http.PostAsJsonAsync(new Uri("/_sim/faults/script", UriKind.Relative), new { path = "/cgi-bin/user/get", errCode = 45009, count = 2 }, ct))
        {
            r.EnsureSuccessStatusCode();
        }

        var codes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add((await c.GetAsync<WeCom.Api.Models.CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi")).ErrCode);
        }

        Assert.Equal([45009, 45009, 0], codes);
    }

    [Fact]
    public async Task ControlPage_ChineseByDefault_EnglishWithLang()
    {
        await using var c = await SimClient.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        var zh = await c.Http.GetStringAsync(new Uri("/_sim", UriKind.Relative), ct);
        var en = await c.Http.GetStringAsync(new Uri("/_sim?lang=en", UriKind.Relative), ct);

        Assert.Contains("企业微信模拟器", zh, StringComparison.Ordinal);
        Assert.Contains("禁用", zh, StringComparison.Ordinal);
        Assert.Contains("WeCom simulator", en, StringComparison.Ordinal);
        Assert.Contains("Disable", en, StringComparison.Ordinal);
        Assert.DoesNotContain("demotoken", zh, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-secret", zh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlPage_DeleteButton_DeletesTheMember()
    {
        await using var c = await SimClient.StartAsync();

        using var response = await c.Http.PostAsync(new Uri("/_sim/ui/members/zhaolei/delete?lang=en", UriKind.Relative), null, TestContext.Current.CancellationToken);

        Assert.True(c.Sim.Member("zhaolei")!.Deleted);
    }
}
