using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class ResignedTransferTests
{
    [Fact]
    public async Task ResignedTransfer_HandoverNotResigned_AnswersCallLevel40097()
    {
        await using var c = await SimClient.StartAsync();
        var customer = c.Sim.CustomersOf("zhangsan")[0];

        Assert.Equal(40097, (await c.ResignedTransferAsync("zhangsan", "lisi", customer)).ErrCode);
        c.Sim.DisableMember("zhangsan");
        Assert.Equal(40097, (await c.ResignedTransferAsync("zhangsan", "lisi", customer)).ErrCode);
    }

    [Fact]
    public async Task ResignedTransfer_NotResignedPerItemSwitch_Answers40097PerCustomer()
    {
        await using var c = await SimClient.StartAsync(o => o.Switches.NotResignedPerItem = true);
        var customer = c.Sim.CustomersOf("zhangsan")[0];

        var response = await c.ResignedTransferAsync("zhangsan", "lisi", customer);

        Assert.Equal(0, response.ErrCode);
        Assert.Equal(40097, Assert.Single(response.Customer).ErrCode);
    }

    [Fact]
    public async Task ResignedTransfer_MoreThan100Ids_AnswersCallLevel40058()
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 3, 150, 0));
        c.Sim.DeleteMember("u00001");
        var customers = c.Sim.CustomersOf("u00001");

        Assert.Equal(40058, (await c.ResignedTransferAsync("u00001", "u00002", [.. customers.Take(101)])).ErrCode);
        var ok = await c.ResignedTransferAsync("u00001", "u00002", [.. customers.Take(100)]);
        Assert.Equal(0, ok.ErrCode);
        Assert.Equal(100, ok.Customer.Count(x => x.ErrCode == 0));
    }

    [Fact]
    public async Task ResignedTransfer_EachBadCustomer_GetsWeComsPerCustomerCode()
    {
        await using var c = await SimClient.StartAsync();
        var mine = c.Sim.CustomersOf("zhangsan");
        var ended = c.Sim.Customer(await FindEndedAsync(c, "zhangsan"))!;
        var notMine = c.Sim.CustomersOf("chenjie")[0];
        c.Sim.DeleteMember("zhangsan");

        var first = await c.ResignedTransferAsync("zhangsan", "lisi", mine[10], mine[10], "wm-does-not-exist", notMine, ended.ExternalUserId);
        var second = await c.ResignedTransferAsync("zhangsan", "zhaolei", mine[10]);

        Assert.Equal([0, 40100, 40096, 40131, 84061], first.Customer.Select(x => x.ErrCode));
        Assert.Equal(40100, Assert.Single(second.Customer).ErrCode);
    }

    [Fact]
    public async Task ResignedTransfer_CustomerInFlightFromAnotherFollower_Answers40129()
    {
        await using var c = await SimClient.StartAsync();

        // The demo corp's first customers are followed by zhangsan and his leader lina.
        var shared = c.Sim.CustomersOf("zhangsan").First(id => c.Sim.Customer(id)!.Followers.Count(f => !f.Ended) == 2);
        c.Sim.DeleteMember("zhangsan");
        c.Sim.DeleteMember("lina");
        Assert.Equal(0, Assert.Single((await c.ResignedTransferAsync("zhangsan", "lisi", shared)).Customer).ErrCode);

        Assert.Equal(40129, Assert.Single((await c.ResignedTransferAsync("lina", "zhaolei", shared)).Customer).ErrCode);
    }

    [Fact]
    public async Task ResignedTransfer_HandoverEqualsTakeover_Answers40130PerCustomer()
    {
        await using var c = await SimClient.StartAsync();
        var customer = c.Sim.CustomersOf("zhangsan")[0];
        c.Sim.DeleteMember("zhangsan");

        var response = await c.ResignedTransferAsync("zhangsan", "zhangsan", customer);

        Assert.Equal(0, response.ErrCode);
        Assert.Equal(40130, Assert.Single(response.Customer).ErrCode);
    }

    [Fact]
    public async Task ResignedTransfer_TakeoverAtCustomerLimit_Answers40099()
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.UpdateMember("wufang", new() { CustomerLimit = 5 });
        var customer = c.Sim.CustomersOf("zhangsan")[0];
        c.Sim.DeleteMember("zhangsan");

        Assert.Equal(40099, Assert.Single((await c.ResignedTransferAsync("zhangsan", "wufang", customer)).Customer).ErrCode);
    }

    [Theory]
    [InlineData("sunli", 84074)]
    [InlineData("nobody", 40003)]
    [InlineData("disabled", 60111)]
    [InlineData("unverified", 40098)]
    public async Task ResignedTransfer_TakeoverNotEligible_AnswersCallLevelCode(string takeover, int expected)
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.DisableMember("yangfan");
        c.Sim.UpdateMember("huangmin", new() { RealNameVerified = false });
        var customer = c.Sim.CustomersOf("zhangsan")[0];
        c.Sim.DeleteMember("zhangsan");
        var target = takeover switch { "disabled" => "yangfan", "unverified" => "huangmin", _ => takeover };

        var response = await c.ResignedTransferAsync("zhangsan", target, customer);

        Assert.Equal(expected, response.ErrCode);
        Assert.True(response.Customer is null or { Count: 0 });
    }

    [Fact]
    public async Task ResignedTransfer_After24SimulatedHours_CompletesAndMovesTheCustomer()
    {
        await using var c = await SimClient.StartAsync();
        var customers = c.Sim.CustomersOf("zhangsan").Take(3).ToArray();
        c.Sim.DeleteMember("zhangsan");
        var startedAt = c.Sim.Now;

        Assert.All((await c.ResignedTransferAsync("zhangsan", "lisi", customers)).Customer, x => Assert.Equal(0, x.ErrCode));
        var waiting = await c.ResignedResultAsync("zhangsan", "lisi");
        Assert.All(waiting.Customer, x => Assert.Equal(ExternalContactTransferStatus.Waiting, x.Status));
        Assert.All(waiting.Customer, x => Assert.InRange(x.TakeoverTime, startedAt + 86_400 - 5, startedAt + 86_400 + 5));

        c.Sim.AdvanceClock(TimeSpan.FromHours(23));
        Assert.All((await c.ResignedResultAsync("zhangsan", "lisi")).Customer, x => Assert.Equal(ExternalContactTransferStatus.Waiting, x.Status));
        c.Sim.AdvanceClock(TimeSpan.FromHours(1.1));

        var done = await c.ResignedResultAsync("zhangsan", "lisi");
        Assert.Equal(3, done.Customer.Count);
        Assert.All(done.Customer, x => Assert.Equal(ExternalContactTransferStatus.Completed, x.Status));
        Assert.All(customers, id => Assert.Contains(id, c.Sim.CustomersOf("lisi")));
        Assert.All(customers, id => Assert.DoesNotContain(id, c.Sim.CustomersOf("zhangsan")));
    }

    [Fact]
    public async Task ResignedTransfer_CustomerRefuses_Status3AndCustomerIsLost()
    {
        await using var c = await SimClient.StartAsync();
        var customers = c.Sim.CustomersOf("zhangsan").Take(2).ToArray();
        c.Sim.SetRefusal(customers[1], true);
        c.Sim.DeleteMember("zhangsan");
        await c.ResignedTransferAsync("zhangsan", "lisi", customers);

        c.Sim.AdvanceClock(TimeSpan.FromHours(25));

        var result = (await c.ResignedResultAsync("zhangsan", "lisi")).Customer.ToDictionary(x => x.ExternalUserId);
        Assert.Equal(ExternalContactTransferStatus.Completed, result[customers[0]].Status);
        Assert.Equal(ExternalContactTransferStatus.CustomerRefused, result[customers[1]].Status);
        Assert.Equal(0, result[customers[1]].TakeoverTime);
        Assert.DoesNotContain(customers[1], c.Sim.CustomersOf("lisi"));
        Assert.Equal(84061, Assert.Single((await c.ResignedTransferAsync("zhangsan", "zhaolei", customers[1])).Customer).ErrCode);
    }

    [Fact]
    public async Task ResignedTransfer_RefusalRate_IsDeterministicWithTheSeed()
    {
        async Task<int[]> RunAsync()
        {
            await using var c = await SimClient.StartAsync(o => { SimClient.Generated(o, 3, 100, 0); o.RefusalRate = 0.3; });
            c.Sim.DeleteMember("u00001");
            await c.ResignedTransferAsync("u00001", "u00002", [.. c.Sim.CustomersOf("u00001")]);
            c.Sim.AdvanceClock(TimeSpan.FromDays(2));
            return [.. (await c.ResignedResultAsync("u00001", "u00002")).Customer.Select(x => (int)x.Status)];
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.InRange(first.Count(s => s == 3), 15, 45);
        Assert.Equal(100, first.Count(s => s is 1 or 3));
    }

    [Fact]
    public async Task ResignedTransfer_TakeoverReachesLimitBeforeCompletion_Status4()
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.UpdateMember("wufang", new() { CustomerLimit = 6 });
        var customers = c.Sim.CustomersOf("zhangsan").Take(2).ToArray();
        c.Sim.DeleteMember("zhangsan");

        // wufang has 5 of 6: both are accepted, only the first fits when the takeovers complete.
        Assert.All((await c.ResignedTransferAsync("zhangsan", "wufang", customers)).Customer, x => Assert.Equal(0, x.ErrCode));
        c.Sim.AdvanceClock(TimeSpan.FromHours(24));

        var statuses = (await c.ResignedResultAsync("zhangsan", "wufang")).Customer.Select(x => x.Status).Order().ToArray();
        Assert.Equal([ExternalContactTransferStatus.Completed, ExternalContactTransferStatus.TakeoverLimitReached], statuses);

        // The customer that did not fit is unassigned again and can go to someone else.
        var unassigned = await c.PostAsync<ExternalContactGetUnassignedListRequest, ExternalContactGetUnassignedListResponse>("/cgi-bin/externalcontact/get_unassigned_list", new());
        Assert.Single(unassigned.Info, x => customers.Contains(x.ExternalUserId));
    }

    [Fact]
    public async Task TransferResult_2500Customers_PagesReturnEachCustomerOnce()
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 3, 2500, 0));
        c.Sim.DeleteMember("u00001");
        var customers = c.Sim.CustomersOf("u00001");
        foreach (var batch in customers.Chunk(100))
        {
            Assert.Equal(0, (await c.ResignedTransferAsync("u00001", "u00002", batch)).ErrCode);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await c.ResignedResultAsync("u00001", "u00002", cursor);
            Assert.InRange(page.Customer.Count, 1, 1000);
            seen.AddRange(page.Customer.Select(x => x.ExternalUserId));
            cursor = page.NextCursor;
            pages++;
        }
        while (!string.IsNullOrEmpty(cursor));

        Assert.Equal(3, pages);
        Assert.Equal(customers.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ledger_RepeatedAttempts_ShowOneStartedTransferPerCustomer()
    {
        await using var c = await SimClient.StartAsync();
        var customers = c.Sim.CustomersOf("zhangsan").Take(5).ToArray();
        c.Sim.DeleteMember("zhangsan");

        await c.ResignedTransferAsync("zhangsan", "lisi", customers);
        await c.ResignedTransferAsync("zhangsan", "lisi", customers);
        c.Sim.AdvanceClock(TimeSpan.FromHours(24));

        var ledger = c.Sim.CustomerTransfers();
        Assert.Equal(10, ledger.Count);
        Assert.All(customers, id => Assert.Single(ledger, e => e.ExternalUserId == id && e.ErrCode == 0 && e.Status == 1));
        Assert.Equal(5, ledger.Count(e => e.ErrCode == 40100));
    }

    private static Task<string> FindEndedAsync(SimClient c, string userId) =>
        Task.FromResult(c.Sim.AllCustomerIds().Select(id => c.Sim.Customer(id)!).First(info => info.Followers.Any(f => f.UserId == userId && f.Ended)).ExternalUserId);
}
