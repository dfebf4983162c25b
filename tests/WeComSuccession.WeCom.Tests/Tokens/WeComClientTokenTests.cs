using WeComSuccession.WeCom.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WireMock.Matchers;
using static WeComSuccession.WeCom.Tests.TestSupport.WeComMock;

namespace WeComSuccession.WeCom.Tests.Tokens;

public sealed class WeComClientTokenTests
{
    private const string UserGet = "/cgi-bin/user/get";
    private const string ResignedTransfer = "/cgi-bin/externalcontact/resigned/transfer_customer";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExternalContactResignedTransferCustomerRequest Transfer => new()
    {
        HandoverUserId = "h",
        TakeoverUserId = "t",
        ExternalUserId = ["wm1"],
    };

    // The transfer body as WeCom must receive it; a stub with this matcher answers nothing else.
    private static JsonMatcher TransferBody => new("""{"handover_userid":"h","takeover_userid":"t","external_userid":["wm1"]}""");

    [Fact]
    public async Task AccessToken_FiftyConcurrentCallers_ShareOneGetToken()
    {
        // gettoken slow enough that all fifty callers arrive while the first fetch is in flight.
        using var wecom = Start(tokenDelay: TimeSpan.FromMilliseconds(200));
        wecom.Server.Given(Call(UserGet).UsingGet().WithParam("access_token", "TOKEN-1"))
            .RespondWith(Json(r => Ok($$"""
                "userid":"{{r.Param("userid")}}","status":1
                """)));
        using var client = new TestClient(wecom);

        var users = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = $"u{i}" }, Ct)));

        Assert.Equal(1, wecom.Count(GetToken));
        Assert.Equal(50, wecom.Count(UserGet));
        Assert.All(wecom.Requests(UserGet), r => Assert.Equal("TOKEN-1", r.AccessToken()));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"u{i}"), users.Select(u => u.UserId));
    }

    [Fact]
    public async Task AccessToken_ExpiredMidRun_RefreshesExactlyOnceThenSucceeds()
    {
        using var wecom = Start();
        var rejected = 0;
        var allRejectedInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Scenario: TOKEN-1 works once, then WeCom calls it expired (42001); TOKEN-2 always works.
        wecom.Server.Given(Call(UserGet).UsingGet().WithParam("access_token", "TOKEN-1"))
            .InScenario("token expiry").WillSetStateTo("expired")
            .RespondWith(Json(Ok("\"userid\":\"u\"")));
        wecom.Server.Given(Call(UserGet).UsingGet().WithParam("access_token", "TOKEN-1"))
            .InScenario("token expiry").WhenStateIs("expired").WillSetStateTo("expired")
            .RespondWith(Json(async _ =>
            {
                // Hold every 42001 until all twenty callers have sent the old token, so that twenty rejections race.
                if (Interlocked.Increment(ref rejected) == 20)
                {
                    allRejectedInFlight.SetResult();
                }

                await allRejectedInFlight.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
                return Error(42001);
            }));
        wecom.Server.Given(Call(UserGet).UsingGet().WithParam("access_token", "TOKEN-2"))
            .RespondWith(Json(Ok("\"userid\":\"u\"")));
        using var client = new TestClient(wecom);
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct)));

        Assert.Equal(2, wecom.Count(GetToken));
        Assert.Equal(21, wecom.Requests(UserGet).Count(r => r.AccessToken() == "TOKEN-1"));
        Assert.Equal(20, wecom.Requests(UserGet).Count(r => r.AccessToken() == "TOKEN-2"));
    }

    [Fact]
    public async Task AccessToken_RejectedTwice_ThrowsInvalidTokenAfterOneRetry()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).RespondWith(Json(Error(40014)));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));

        Assert.Equal(WeComErrorClass.InvalidToken, ex.Class);
        Assert.Equal(2, wecom.Count(UserGet));
        Assert.Equal(2, wecom.Count(GetToken));
    }

    [Fact]
    public async Task TransferCustomer_TokenExpired_IsResentOnceWithFreshToken()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithParam("access_token", "TOKEN-1").WithBody(TransferBody))
            .RespondWith(Json(Error(42001)));
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithParam("access_token", "TOKEN-2").WithBody(TransferBody))
            .RespondWith(Json(Ok("""
                "customer":[{"external_userid":"wm1","errcode":0}]
                """)));
        using var client = new TestClient(wecom);

        var response = await client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct);

        Assert.Equal(["TOKEN-1", "TOKEN-2"], wecom.Requests(ResignedTransfer).Select(r => r.AccessToken()));
        Assert.Equal(0, Assert.Single(response.Customer).ErrCode);
    }

    [Fact]
    public async Task AccessToken_InQueryOnly_NeverInBodyOrExceptionMessage()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(ResignedTransfer).UsingPost().WithBody(TransferBody))
            .RespondWith(Json(r => $$"""
                {"errcode":40096,"errmsg":"invalid external userid, token {{r.AccessToken()}}"}
                """));
        using var client = new TestClient(wecom);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() => client.Client.ExecuteExternalContactResignedTransferCustomerAsync(Transfer, Ct));

        var request = Assert.Single(wecom.Requests(ResignedTransfer));
        Assert.Equal("TOKEN-1", request.AccessToken());
        Assert.DoesNotContain("TOKEN-1", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN-1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN-1", ex.ErrMsg, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Options.Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(40096, ex.ErrCode);
        Assert.Equal(WeComErrorClass.TerminalForItem, ex.Class);
    }

    [Fact]
    public async Task GetToken_WrongSecret_ThrowsConfigurationError()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(GetToken).UsingGet().WithParam("corpid", CorpId).WithParam("corpsecret", "wrong-secret"))
            .RespondWith(Json(Error(40001)));
        using var client = new TestClient(wecom, o => o with { Secret = "wrong-secret" });

        var ex = await Assert.ThrowsAsync<WeComApiException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct));

        Assert.Equal(WeComErrorClass.Configuration, ex.Class);
        Assert.Equal(GetToken, ex.Api);
        Assert.Equal(1, wecom.Count(GetToken));
        Assert.Equal(0, wecom.Count(UserGet));
        Assert.DoesNotContain("wrong-secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessToken_InsideRefreshMargin_RefreshedInBackgroundBeforeExpiry()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).RespondWith(Json(Ok("\"userid\":\"u\"")));
        var clock = new ManualTimeProvider();
        using var client = new TestClient(wecom, o => o with { TokenRefreshMargin = TimeSpan.FromMinutes(5) }, clock);
        var get = () => client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        await get();
        clock.Advance(TimeSpan.FromSeconds(7200 - 301));
        await get();
        Assert.Equal(1, wecom.Count(GetToken));

        clock.Advance(TimeSpan.FromSeconds(2)); // inside the margin, still valid
        await get();
        await wecom.WaitForCountAsync(GetToken, 2); // refreshed while TOKEN-1 was still valid
        clock.Advance(TimeSpan.FromSeconds(600)); // TOKEN-1 has expired now
        await get();

        Assert.Equal(["TOKEN-1", "TOKEN-1", "TOKEN-1", "TOKEN-2"], wecom.Requests(UserGet).Select(r => r.AccessToken()));
        Assert.Equal(2, wecom.Count(GetToken));
    }
}
