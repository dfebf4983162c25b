using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Simulator.Tests.Callbacks;

public sealed class CallbackTests
{
    [Fact]
    public async Task DeleteMember_PushesDeleteUser_ThatVerifiesDecryptsAndParses()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());

        c.Sim.DeleteMember("zhangsan");
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        var received = Assert.Single(receiver.Received);
        var decrypted = received.Decrypt();
        Assert.True(decrypted.IsSuccess, decrypted.Failure.ToString());
        Assert.Contains("<AgentID><![CDATA[1000002]]></AgentID>", received.Body, StringComparison.Ordinal);
        var e = Assert.IsType<UserDeletedEvent>(CallbackEventParser.Parse(decrypted.Plaintext).Event);
        Assert.Equal(("zhangsan", "sys", "wwdemo0000000000", c.Sim.Member("zhangsan")!.DimissionTime), (e.UserId, e.Header.FromUserName, e.Header.CorpId, e.Header.CreateTime));
        Assert.DoesNotContain("<Name>", decrypted.Plaintext, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableMember_PushesUpdateUserWithStatus2()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());

        c.Sim.DisableMember("lisi");
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        var received = Assert.Single(receiver.Received);
        var plaintext = received.Decrypt().Plaintext;
        var e = Assert.IsType<UserUpdatedEvent>(CallbackEventParser.Parse(plaintext).Event);
        Assert.Equal(("lisi", 2), (e.User.UserId, e.User.Status));
    }

    [Fact]
    public async Task RefusedTransfer_PushesTransferFailWithTheTakeoverAsUserId()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        var customer = c.Sim.CustomersOf("zhangsan")[3];
        c.Sim.SetRefusal(customer, true);
        c.Sim.DeleteMember("zhangsan", silent: true);
        await c.ResignedTransferAsync("zhangsan", "lisi", customer);

        c.Sim.AdvanceClock(TimeSpan.FromHours(2));
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        var received = Assert.Single(receiver.Received);
        var plaintext = received.Decrypt().Plaintext;
        var e = Assert.IsType<TransferFailedEvent>(CallbackEventParser.Parse(plaintext).Event);
        Assert.Equal(("lisi", customer, "customer_refused"), (e.UserId, e.ExternalUserId, e.FailReason));
    }

    [Fact]
    public async Task TakeoverLimitAtCompletion_PushesTransferFailCustomerLimitExceed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        c.Sim.UpdateMember("wufang", new() { CustomerLimit = 5 }, silent: true);
        var customer = c.Sim.CustomersOf("zhangsan")[3];
        c.Sim.DeleteMember("zhangsan", silent: true);
        c.Sim.UpdateMember("wufang", new() { CustomerLimit = 6 }, silent: true);
        await c.ResignedTransferAsync("zhangsan", "wufang", customer);
        c.Sim.UpdateMember("wufang", new() { CustomerLimit = 5 }, silent: true);

        c.Sim.AdvanceClock(TimeSpan.FromHours(24));
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        var received = Assert.Single(receiver.Received);
        var plaintext = received.Decrypt().Plaintext;
        Assert.Equal("customer_limit_exceed", Assert.IsType<TransferFailedEvent>(CallbackEventParser.Parse(plaintext).Event).FailReason);
    }

    [Theory]
    [InlineData(new[] { 500, 500, 500, 500 }, 4, "failed")]
    [InlineData(new[] { 503, 404, 200 }, 3, "delivered")]
    [InlineData(new[] { 200 }, 1, "delivered")]
    public async Task Callback_AnswerNot200_IsRetriedUpTo3Times(int[] statuses, int attempts, string state)
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.PostStatus = n => n <= statuses.Length ? statuses[n - 1] : 200;
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());

        c.Sim.DeleteMember("zhangsan");
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        var delivery = Assert.Single(c.Sim.CallbackDeliveries());
        Assert.Equal((attempts, state), (delivery.Attempts.Count, delivery.State));
        Assert.Equal(attempts, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Decrypt().Plaintext).Distinct());
    }

    [Fact]
    public async Task Callback_DropSwitch_RecordsTheEventWithoutSendingIt()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => { o.Callback.Url = receiver.Url.ToString(); o.Callback.Drop = true; });

        c.Sim.DeleteMember("zhangsan");
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        Assert.Equal("dropped", Assert.Single(c.Sim.CallbackDeliveries()).State);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task VerifyUrl_ReceiverEchoesDecryptedEchostr_Matched()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.GetReply = r => ReceivedCallback.Crypto.VerifyUrl(r.MsgSignature, r.Timestamp, r.Nonce, r.EchoStr).Plaintext ?? "bad";
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());

        var good = await c.Sim.VerifyCallbackUrlAsync(TestContext.Current.CancellationToken);
        receiver.GetReply = _ => "\"" + good.Expected + "\"";
        var bad = await c.Sim.VerifyCallbackUrlAsync(TestContext.Current.CancellationToken);

        Assert.True(good.Matched, good.Body);
        Assert.False(bad.Matched);
    }
}
