using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WeComSuccession.WeCom.Tests.TestSupport;

namespace WeComSuccession.WeCom.Tests.Resilience;

public sealed class WeComClientResilienceTests
{
    private const string UserGet = "/cgi-bin/user/get";
    private const string DepartmentList = "/cgi-bin/department/simplelist";
    private const string GroupChatList = "/cgi-bin/externalcontact/groupchat/list";
    private const string ResignedTransfer = "/cgi-bin/externalcontact/resigned/transfer_customer";
    private const string GroupChatTransfer = "/cgi-bin/externalcontact/groupchat/transfer";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExternalContactResignedTransferCustomerRequest Transfer => new()
    {
        HandoverUserId = "h",
        TakeoverUserId = "t",
        ExternalUserId = ["wm1"],
    };

    [Fact]
    public async Task Throttled45009_PausesThatApiOnly_ResumesAfterPause()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var calls = 0;
        server.On(UserGet, _ => Interlocked.Increment(ref calls) == 1 ? FakeResponse.Error(45009) : FakeResponse.Ok("\"userid\":\"u\""));
        server.On(DepartmentList, _ => FakeResponse.Ok("\"department_id\":[{\"id\":1,\"parentid\":0,\"order\":1}]"));
        using var client = new TestClient(server); // ThrottlePause 300 ms, MaxPauseWait 2 s

        var first = client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "a" }, Ct);
        await server.WaitForCountAsync(UserGet, 1);
        var throttledAt = server.Requests(UserGet)[0].AtMs;
        await Task.Delay(50, Ct);
        var second = client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "b" }, Ct);
        await client.Client.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest(), Ct);
        var departmentAt = Assert.Single(server.Requests(DepartmentList)).AtMs;
        await Task.WhenAll(first, second);

        Assert.True(departmentAt < throttledAt + 300, "another API must not wait for the pause");
        var userGets = server.Requests(UserGet);
        Assert.Equal(3, userGets.Count);
        // 20 ms of slack for timer granularity; without the pause the retry would follow at once.
        Assert.All(userGets.Skip(1), r => Assert.True(r.AtMs >= throttledAt + 280, $"request at +{r.AtMs - throttledAt} ms fell inside the pause"));
    }

    [Fact]
    public async Task Throttled45009_PauseLongerThanMaxWait_ThrowsRetryAfterWithoutCalling()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var calls = 0;
        server.On(UserGet, _ => Interlocked.Increment(ref calls) == 1 ? FakeResponse.Error(45009) : FakeResponse.Ok("\"userid\":\"u\""));
        using var client = new TestClient(server, o => o with { MaxPauseWait = TimeSpan.FromMilliseconds(50) });

        var first = await Assert.ThrowsAsync<WeComThrottledException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "a" }, Ct));
        var second = await Assert.ThrowsAsync<WeComThrottledException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "b" }, Ct));

        Assert.Equal(45009, first.ErrCode);
        Assert.Equal(UserGet, first.Api);
        Assert.InRange(first.RetryAfter, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300));
        Assert.InRange(second.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, server.Count(UserGet));

        await Task.Delay(second.RetryAfter + TimeSpan.FromMilliseconds(20), Ct);
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "c" }, Ct);
        Assert.Equal(2, server.Count(UserGet));
    }

    [Fact]
    public async Task Throttled45033_OnTransfer_IsResentAfterConcurrencyPause()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var calls = 0;
        server.On(ResignedTransfer, _ => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Error(45033)
            : FakeResponse.Ok("\"customer\":[{\"external_userid\":\"wm1\",\"errcode\":0}]"));
        using var client = new TestClient(server); // ConcurrencyPause 100 ms

        await client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct);

        var requests = server.Requests(ResignedTransfer);
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].AtMs - requests[0].AtMs >= 80, "the re-send must wait out the 45033 pause");
    }

    [Fact]
    public async Task SystemBusy_Always_RetriesThreeTimesThenThrowsBusy()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(UserGet, _ => FakeResponse.Error(-1));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));

        Assert.Equal(-1, ex.ErrCode);
        Assert.Equal(WeComErrorClass.Busy, ex.Class);
        Assert.Equal(4, server.Count(UserGet));
    }

    [Fact]
    public async Task SystemBusy_TwiceThenOk_SucceedsOnThirdAttempt()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var calls = 0;
        server.On(UserGet, _ => Interlocked.Increment(ref calls) <= 2 ? FakeResponse.Error(-1) : FakeResponse.Ok("\"userid\":\"u\""));
        using var client = new TestClient(server);

        var user = await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        Assert.Equal("u", user.UserId);
        Assert.Equal(3, server.Count(UserGet));
    }

    [Fact]
    public async Task SystemBusy_OnTransfer_NotResentAndOutcomeUnknown()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(ResignedTransfer, _ => FakeResponse.Error(-1));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));

        Assert.Equal(ResignedTransfer, ex.Api);
        Assert.Equal(1, server.Count(ResignedTransfer));
    }

    [Fact]
    public async Task MalformedJson_OnRead_ThrowsMalformedResponse()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(UserGet, _ => FakeResponse.Json("""{"errcode":0,"errmsg":"ok","userid":"""));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComMalformedResponseException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));

        Assert.Equal(200, ex.HttpStatus);
        Assert.Equal(1, server.Count(UserGet));
    }

    [Fact]
    public async Task NonJsonBody_OnRead_ThrowsMalformedResponse()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(UserGet, _ => new FakeResponse(200, "<html><body>gateway says hi</body></html>", "text/html"));
        using var client = new TestClient(server);

        await Assert.ThrowsAsync<WeComMalformedResponseException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));
    }

    [Fact]
    public async Task MalformedJson_OnTransfer_OutcomeUnknown()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(GroupChatTransfer, _ => FakeResponse.Json("not json"));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() => client.Client.ExecuteExternalContactGroupChatTransferAsync(
            new ExternalContactGroupChatTransferRequest { ChatIdList = ["wr1"], NewOwner = "t" }, Ct));

        Assert.IsType<WeComMalformedResponseException>(ex.InnerException);
        Assert.Equal(1, server.Count(GroupChatTransfer));
    }

    [Fact]
    public async Task TransferCustomer_TimesOut_SentOnceAndOutcomeUnknown()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(ResignedTransfer, async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            return FakeResponse.Ok("\"customer\":[]");
        });
        using var client = new TestClient(server, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(200) });

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));

        // The call has given up, which is the signal: a retry happens inside the call, so a blind one would have
        // reached the fake and timed out itself (200 ms) before the call threw.
        Assert.Equal("timeout", ex.Reason);
        Assert.Equal(1, server.Count(ResignedTransfer));
    }

    [Fact]
    public async Task ServerError_OnTransfer_SentOnceAndOutcomeUnknown()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(ResignedTransfer, _ => new FakeResponse(502, "<html>bad gateway</html>", "text/html"));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));

        Assert.Equal("HTTP 502", ex.Reason);
        Assert.Equal(1, server.Count(ResignedTransfer));
    }

    [Fact]
    public async Task Read_TimesOut_RetriedBoundedThenTransportError()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(GroupChatList, async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            return FakeResponse.Ok();
        });
        using var client = new TestClient(server, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(100) });

        var ex = await Assert.ThrowsAsync<WeComTransportException>(() =>
            client.Client.ExecuteExternalContactGroupChatListAsync(new ExternalContactGroupChatListRequest(), Ct));

        Assert.Equal("timeout", ex.Reason);
        Assert.Equal(1 + client.Options.TransportRetryCount, server.Count(GroupChatList));
    }

    [Fact]
    public async Task Read_ServerErrorOnce_RetriedAndSucceeds()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var calls = 0;
        server.On(UserGet, _ => Interlocked.Increment(ref calls) == 1 ? new FakeResponse(503, "busy", "text/plain") : FakeResponse.Ok("\"userid\":\"u\""));
        using var client = new TestClient(server);

        var user = await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        Assert.Equal("u", user.UserId);
        Assert.Equal(2, server.Count(UserGet));
    }

    [Fact]
    public async Task PerItemErrcodes_InTransferResponse_ReturnedAsData()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(ResignedTransfer, _ => FakeResponse.Ok("""
            "customer":[{"external_userid":"wm1","errcode":0},{"external_userid":"wm2","errcode":40099}]
            """));
        using var client = new TestClient(server);

        var response = await client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer with { ExternalUserId = ["wm1", "wm2"] }, Ct);

        Assert.Equal([0, 40099], response.Customer.Select(c => c.ErrCode));
        Assert.Equal(WeComErrorClass.ReRoute, WeComErrorCodes.Classify(response.Customer[1].ErrCode));
    }

    [Fact]
    public async Task TransferCustomer_MoreThan100Customers_RejectedBeforeSending()
    {
        await using var server = await FakeWeComServer.StartAsync();
        using var client = new TestClient(server);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.Client.ExecuteExternalContactResignedTransferCustomerAsync(
            Transfer with { ExternalUserId = [.. Enumerable.Range(0, 101).Select(i => $"wm{i}")] }, Ct));

        Assert.Equal(0, server.Count(ResignedTransfer));
    }

    [Fact]
    public async Task RateLimit_PermitsPerMinuteUsed_ThrowsThrottledWithoutCalling()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(UserGet, _ => FakeResponse.Ok("\"userid\":\"u\""));
        server.On(DepartmentList, _ => FakeResponse.Ok("\"department_id\":[]"));
        using var client = new TestClient(server, o => o with { PermitsPerMinute = 2, MaxPauseWait = TimeSpan.FromMilliseconds(50) });

        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "a" }, Ct);
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "b" }, Ct);
        var ex = await Assert.ThrowsAsync<WeComThrottledException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "c" }, Ct));
        await client.Client.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest(), Ct);

        Assert.Equal(0, ex.ErrCode);
        Assert.True(ex.RetryAfter > TimeSpan.Zero);
        Assert.Equal(2, server.Count(UserGet));
        Assert.Equal(1, server.Count(DepartmentList));
    }
}
