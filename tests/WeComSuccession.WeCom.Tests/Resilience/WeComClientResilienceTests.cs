using WeComSuccession.WeCom.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WireMock;
using WireMock.Matchers;
using WireMock.ResponseBuilders;
using static WeComSuccession.WeCom.Tests.TestSupport.WeComMock;

namespace WeComSuccession.WeCom.Tests.Resilience;

public sealed class WeComClientResilienceTests
{
    private const string UserGet = "/cgi-bin/user/get";
    private const string DepartmentList = "/cgi-bin/department/simplelist";
    private const string GroupChatList = "/cgi-bin/externalcontact/groupchat/list";
    private const string ResignedTransfer = "/cgi-bin/externalcontact/resigned/transfer_customer";
    private const string ResignedTransferResult = "/cgi-bin/externalcontact/resigned/transfer_result";
    private const string GroupChatTransfer = "/cgi-bin/externalcontact/groupchat/transfer";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExternalContactResignedTransferCustomerRequest Transfer => new()
    {
        HandoverUserId = "h",
        TakeoverUserId = "t",
        ExternalUserId = ["wm1"],
    };

    private static JsonPartialMatcher TransferBody => new("""{"handover_userid":"h","takeover_userid":"t"}""");

    private static double MsBetween(IRequestMessage earlier, IRequestMessage later) => (later.DateTime - earlier.DateTime).TotalMilliseconds;

    [Fact]
    public async Task Throttled45009_PausesThatApiOnly_ResumesAfterPause()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("throttle").WillSetStateTo("open").RespondWith(Json(Error(45009)));
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("throttle").WhenStateIs("open").WillSetStateTo("open").RespondWith(Json(Ok("\"userid\":\"u\"")));
        wecom.Server.Given(Call(DepartmentList).UsingGet()).RespondWith(Json(Ok("\"department_id\":[{\"id\":1,\"parentid\":0,\"order\":1}]")));
        using var client = new TestClient(wecom); // ThrottlePause 300 ms, MaxPauseWait 2 s

        var first = client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "a" }, Ct);
        await wecom.WaitForCountAsync(UserGet, 1);
        var throttled = wecom.Requests(UserGet)[0];
        await Task.Delay(50, Ct);
        var second = client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "b" }, Ct);
        await client.Client.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest(), Ct);
        var department = Assert.Single(wecom.Requests(DepartmentList));
        await Task.WhenAll(first, second);

        Assert.True(MsBetween(throttled, department) < 300, "another API must not wait for the pause");
        var userGets = wecom.Requests(UserGet);
        Assert.Equal(3, userGets.Count);
        // 20 ms of slack for timer granularity; without the pause the retry would follow at once.
        Assert.All(userGets.Skip(1), r => Assert.True(
            MsBetween(throttled, r) >= 280, $"request at +{MsBetween(throttled, r):0} ms fell inside the pause"));
    }

    [Fact]
    public async Task Throttled45009_PauseLongerThanMaxWait_ThrowsRetryAfterWithoutCalling()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("throttle").WillSetStateTo("open").RespondWith(Json(Error(45009)));
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("throttle").WhenStateIs("open").WillSetStateTo("open").RespondWith(Json(Ok("\"userid\":\"u\"")));
        using var client = new TestClient(wecom, o => o with { MaxPauseWait = TimeSpan.FromMilliseconds(50) });

        var first = await Assert.ThrowsAsync<WeComThrottledException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "a" }, Ct));
        var second = await Assert.ThrowsAsync<WeComThrottledException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "b" }, Ct));

        Assert.Equal(45009, first.ErrCode);
        Assert.Equal(UserGet, first.Api);
        Assert.InRange(first.RetryAfter, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300));
        Assert.InRange(second.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, wecom.Count(UserGet));

        await Task.Delay(second.RetryAfter + TimeSpan.FromMilliseconds(20), Ct);
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "c" }, Ct);
        Assert.Equal(2, wecom.Count(UserGet));
    }

    [Fact]
    public async Task Throttled45033_OnTransfer_IsResentAfterConcurrencyPause()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(TransferBody))
            .InScenario("concurrency").WillSetStateTo("open").RespondWith(Json(Error(45033)));
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(TransferBody))
            .InScenario("concurrency").WhenStateIs("open").WillSetStateTo("open").RespondWith(Json(Ok("\"customer\":[{\"external_userid\":\"wm1\",\"errcode\":0}]")));
        using var client = new TestClient(wecom); // ConcurrencyPause 100 ms

        await client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct);

        var requests = wecom.Requests(ResignedTransfer);
        Assert.Equal(2, requests.Count);
        Assert.True(MsBetween(requests[0], requests[1]) >= 80, "the re-send must wait out the 45033 pause");
    }

    [Fact]
    public async Task SystemBusy_Always_RetriesThreeTimesThenThrowsBusy()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).RespondWith(Json(Error(-1)));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));

        Assert.Equal(-1, ex.ErrCode);
        Assert.Equal(WeComErrorClass.Busy, ex.Class);
        Assert.Equal(4, wecom.Count(UserGet));
    }

    [Fact]
    public async Task SystemBusy_TwiceThenOk_SucceedsOnThirdAttempt()
    {
        using var wecom = Start();
        // A burst of two -1 answers, then WeCom recovers.
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("busy").WillSetStateTo("recovered", 2).RespondWith(Json(Error(-1)));
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("busy").WhenStateIs("recovered").WillSetStateTo("recovered").RespondWith(Json(Ok("\"userid\":\"u\"")));
        using var client = new TestClient(wecom);

        var user = await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        Assert.Equal("u", user.UserId);
        Assert.Equal(3, wecom.Count(UserGet));
    }

    [Fact]
    public async Task SystemBusy_OnTransfer_NotResentAndOutcomeUnknown()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(TransferBody)).RespondWith(Json(Error(-1)));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));

        Assert.Equal(ResignedTransfer, ex.Api);
        Assert.Equal(1, wecom.Count(ResignedTransfer));
    }

    [Fact]
    public async Task MalformedJson_OnRead_ThrowsMalformedResponse()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).RespondWith(Json("""{"errcode":0,"errmsg":"ok","userid":"""));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComMalformedResponseException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));

        Assert.Equal(200, ex.HttpStatus);
        Assert.Equal(1, wecom.Count(UserGet));
        Assert.DoesNotContain("TOKEN-1", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonJsonBody_OnRead_ThrowsMalformedResponse()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet())
            .RespondWith(Response.Create().WithBody("<html><body>gateway says hi</body></html>", "text/html"));
        using var client = new TestClient(wecom);

        await Assert.ThrowsAsync<WeComMalformedResponseException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));
    }

    [Fact]
    public async Task MalformedJson_OnTransfer_OutcomeUnknown()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(GroupChatTransfer).UsingPost()).RespondWith(Json("not json"));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() => client.Client.ExecuteExternalContactGroupChatTransferAsync(
            new ExternalContactGroupChatTransferRequest { ChatIdList = ["wr1"], NewOwner = "t" }, Ct));

        Assert.IsType<WeComMalformedResponseException>(ex.InnerException);
        Assert.Equal(1, wecom.Count(GroupChatTransfer));
    }

    [Fact]
    public async Task TransferCustomer_TimesOut_SentOnceAndOutcomeUnknown()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(TransferBody))
            .RespondWith(Json(Ok("\"customer\":[]")).WithDelay(TimeSpan.FromSeconds(2)));
        using var client = new TestClient(wecom, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(500) });

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));
        await wecom.DrainAsync(); // every request the server received is logged now, a blind re-send included

        Assert.Equal("timeout", ex.Reason);
        Assert.Equal(1, wecom.Count(ResignedTransfer));
    }

    [Fact]
    public async Task TransferCustomer_AnswerLost_SentOnceAndTransferResultShowsTheTransfer()
    {
        using var wecom = Start();
        // WeCom accepts the transfer (the scenario moves on as the request arrives), but its answer never
        // reaches the client in time; transfer_result then shows the customer waiting for the takeover.
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(TransferBody))
            .InScenario("lost answer").WillSetStateTo("accepted")
            .RespondWith(Json(Ok("\"customer\":[{\"external_userid\":\"wm1\",\"errcode\":0}]")).WithDelay(TimeSpan.FromSeconds(2)));
        wecom.Server.Given(Call(ResignedTransferResult).UsingPost().WithBody(TransferBody))
            .InScenario("lost answer").WhenStateIs("accepted").WillSetStateTo("accepted")
            .RespondWith(Json(Ok("\"customer\":[{\"external_userid\":\"wm1\",\"status\":2,\"takeover_time\":1588262400}],\"next_cursor\":\"\"")));
        using var client = new TestClient(wecom, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(500) });

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));
        var results = new List<ExternalContactTransferResultItem>();
        await foreach (var item in client.Client.StreamExternalContactResignedTransferResultAsync(
            new ExternalContactResignedTransferResultRequest { HandoverUserId = "h", TakeoverUserId = "t" }, Ct))
        {
            results.Add(item);
        }

        await wecom.DrainAsync();

        Assert.Equal("timeout", ex.Reason);
        var result = Assert.Single(results);
        Assert.Equal("wm1", result.ExternalUserId);
        Assert.Equal(ExternalContactTransferStatus.Waiting, result.Status);
        Assert.Equal(1, wecom.Count(ResignedTransfer));
    }

    [Fact]
    public async Task ServerError_OnTransfer_SentOnceAndOutcomeUnknown()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(502).WithBody("<html>bad gateway</html>", "text/html"));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComOutcomeUnknownException>(() =>
            client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));

        Assert.Equal("HTTP 502", ex.Reason);
        Assert.Equal(1, wecom.Count(ResignedTransfer));
    }

    [Fact]
    public async Task Read_TimesOut_RetriedBoundedThenTransportError()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(GroupChatList).UsingPost()).RespondWith(Json(Ok()).WithDelay(TimeSpan.FromSeconds(2)));
        using var client = new TestClient(wecom, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(500) });

        var ex = await Assert.ThrowsAsync<WeComTransportException>(() =>
            client.Client.ExecuteExternalContactGroupChatListAsync(new ExternalContactGroupChatListRequest(), Ct));
        await wecom.DrainAsync();

        Assert.Equal("timeout", ex.Reason);
        Assert.Equal(1 + client.Options.TransportRetryCount, wecom.Count(GroupChatList));
    }

    [Fact]
    public async Task Read_ServerErrorOnce_RetriedAndSucceeds()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("gateway").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("busy", "text/plain"));
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("gateway").WhenStateIs("up").WillSetStateTo("up").RespondWith(Json(Ok("\"userid\":\"u\"")));
        using var client = new TestClient(wecom);

        var user = await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        Assert.Equal("u", user.UserId);
        Assert.Equal(2, wecom.Count(UserGet));
    }

    [Fact]
    public async Task PerItemErrcodes_InTransferResponse_ReturnedAsData()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(new JsonPartialMatcher("""{"external_userid":["wm1","wm2"]}""")))
            .RespondWith(Json(Ok("""
                "customer":[{"external_userid":"wm1","errcode":0},{"external_userid":"wm2","errcode":40099}]
                """)));
        using var client = new TestClient(wecom);

        var response = await client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer with { ExternalUserId = ["wm1", "wm2"] }, Ct);

        Assert.Equal([0, 40099], response.Customer.Select(c => c.ErrCode));
        Assert.Equal(WeComErrorClass.ReRoute, WeComErrorCodes.Classify(response.Customer[1].ErrCode));
    }

    [Fact]
    public async Task TransferCustomer_MoreThan100Customers_RejectedBeforeSending()
    {
        using var wecom = Start();
        using var client = new TestClient(wecom);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.Client.ExecuteExternalContactResignedTransferCustomerAsync(
            Transfer with { ExternalUserId = [.. Enumerable.Range(0, 101).Select(i => $"wm{i}")] }, Ct));

        Assert.Equal(0, wecom.Count(ResignedTransfer));
    }

    [Fact]
    public async Task RateLimit_PermitsPerMinuteUsed_ThrowsThrottledWithoutCalling()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).RespondWith(Json(Ok("\"userid\":\"u\"")));
        wecom.Server.Given(Call(DepartmentList).UsingGet()).RespondWith(Json(Ok("\"department_id\":[]")));
        using var client = new TestClient(wecom, o => o with { PermitsPerMinute = 2, MaxPauseWait = TimeSpan.FromMilliseconds(50) });

        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "a" }, Ct);
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "b" }, Ct);
        var ex = await Assert.ThrowsAsync<WeComThrottledException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "c" }, Ct));
        await client.Client.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest(), Ct);

        Assert.Equal(0, ex.ErrCode);
        Assert.True(ex.RetryAfter > TimeSpan.Zero);
        Assert.Equal(2, wecom.Count(UserGet));
        Assert.Equal(1, wecom.Count(DepartmentList));
    }
}
