using System.Net;

namespace WeComSuccession.Tests.Callbacks;

/// <summary>
/// WeCom retries a callback it thinks was lost, with the same plaintext and CreateTime: however often and in
/// whatever phase of the succession a copy arrives, the member gets one succession and each customer one transfer.
/// </summary>
public sealed class DuplicateCallbackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SuccessionHarness> StartAsync(params string[] departing) => SuccessionHarness.StartAsync(Corps.Build(
        [Corps.Member("boss", isDeptLeader: true), .. departing.Select(d => Corps.Member(d, leader: "boss"))],
        departing.SelectMany(d => Corps.Customers(d, 3))));

    [Fact]
    public async Task DeleteUser_SameCallbackPostedFourTimesInSequence_OneSuccessionAndOneTransferPerCustomer()
    {
        await using var h = await StartAsync("sales1");
        h.Sim.DeleteMember("sales1", silent: true);
        using var client = h.CreateClient();
        var sender = new CallbackSender(client);
        var xml = CallbackSender.DeleteUserXml("sales1", h.Sim.Now);

        // Two copies back to back, one while the transfers wait, one after the succession completed (when no
        // open succession would stop a second one from being opened any more).
        await PostAsync(sender, xml);
        await PostAsync(sender, xml);
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3, Deadline, "3 customers waiting", () => h.DescribeAsync("sales1"));
        await PostAsync(sender, xml);
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        await PostAsync(sender, xml);

        await AssertOneEventOneSuccessionAsync(h, deliveries: 4);
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = 3 }, await h.ItemStatesAsync("sales1"));
        AssertEachCustomerSentOnce(h);
    }

    [Fact]
    public async Task DeleteUser_TenCopiesAtOnce_OneSuccessionAndOneTransferPerCustomer()
    {
        await using var h = await StartAsync("sales1");
        h.Sim.DeleteMember("sales1", silent: true);
        using var client = h.CreateClient();
        var sender = new CallbackSender(client);
        var xml = CallbackSender.DeleteUserXml("sales1", h.Sim.Now);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sender.PostAsync(xml, Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3, Deadline, "3 customers waiting", () => h.DescribeAsync("sales1"));
        await AssertOneEventOneSuccessionAsync(h, deliveries: 10);
        AssertEachCustomerSentOnce(h);
    }

    [Fact]
    public async Task DeleteUser_TwoMembersDeletedInTheSameSecond_TwoSuccessions()
    {
        await using var h = await StartAsync("sales1", "sales2");
        h.Sim.DeleteMember("sales1", silent: true);
        h.Sim.DeleteMember("sales2", silent: true);
        using var client = h.CreateClient();
        var sender = new CallbackSender(client);
        var second = h.Sim.Now;

        var responses = await Task.WhenAll(
            sender.PostAsync(CallbackSender.DeleteUserXml("sales1", second), Ct),
            sender.PostAsync(CallbackSender.DeleteUserXml("sales2", second), Ct));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var member in new[] { "sales1", "sales2" })
        {
            await Wait.UntilAsync(async () => (await h.ItemStatesAsync(member)).GetValueOrDefault("waiting") == 3, Deadline, $"3 customers of {member} waiting", () => h.DescribeAsync(member));
            Assert.Equal(1, await h.SuccessionCountAsync(member));
        }

        Assert.Equal(2, await h.ScalarAsync<long>("SELECT count(*) FROM callback_inbox"));
        Assert.Equal(6, h.Sim.CustomerTransfers().Count);
    }

    /// <summary>
    /// Each copy was counted as a delivery of the one stored event before its 200 was sent; whatever a copy could
    /// have started has run once a later callback is processed and the engine has nothing running or due for sales1.
    /// </summary>
    private static async Task AssertOneEventOneSuccessionAsync(SuccessionHarness h, int deliveries)
    {
        Assert.Equal(deliveries, await h.ScalarAsync<int>("SELECT deliveries FROM callback_inbox WHERE change_type = 'delete_user'"));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT count(*) FROM callback_inbox"));
        await h.FlushCallbacksAsync(Deadline);
        await h.WaitUntilSettledAsync("sales1", Deadline);
        Assert.Equal(1, await h.SuccessionCountAsync("sales1"));
    }

    private static void AssertEachCustomerSentOnce(SuccessionHarness h)
    {
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(3, transfers.Count);
        Assert.All(transfers.GroupBy(t => t.ExternalUserId), g => Assert.Single(g));
    }

    private static async Task PostAsync(CallbackSender sender, string xml)
    {
        using var response = await sender.PostAsync(xml, Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }
}
