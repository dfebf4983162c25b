using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WeComSuccession.WeCom.Tests.TestSupport;

namespace WeComSuccession.WeCom.Tests.Tokens;

public sealed class WeComClientTokenTests
{
    private const string UserGet = "/cgi-bin/user/get";
    private const string ResignedTransfer = "/cgi-bin/externalcontact/resigned/transfer_customer";

    [Fact]
    public async Task AccessToken_FiftyConcurrentCallers_ShareOneGetToken()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var issued = 0;
        server.On(FakeWeComServer.GetToken, async (_, ct) =>
        {
            // Slow enough that all fifty callers arrive while the first fetch is in flight.
            await Task.Delay(200, ct);
            return FakeResponse.Ok($$"""
                "access_token":"TOKEN-{{Interlocked.Increment(ref issued)}}","expires_in":7200
                """);
        });
        server.On(UserGet, r => FakeResponse.Ok($$"""
            "userid":"{{r.Query["userid"]}}","status":1
            """));
        using var client = new TestClient(server);

        var users = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = $"u{i}" }, TestContext.Current.CancellationToken)));

        Assert.Equal(1, server.Count(FakeWeComServer.GetToken));
        Assert.Equal(50, server.Count(UserGet));
        Assert.All(server.Requests(UserGet), r => Assert.Equal("TOKEN-1", r.AccessToken));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"u{i}"), users.Select(u => u.UserId));
    }

    [Fact]
    public async Task AccessToken_ExpiredMidRun_RefreshesExactlyOnceThenSucceeds()
    {
        await using var server = await FakeWeComServer.StartAsync();
        var expired = 0;
        var rejected = 0;
        var allRejectedInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On(UserGet, async (r, ct) =>
        {
            if (Volatile.Read(ref expired) == 0 || r.AccessToken != "TOKEN-1")
            {
                return FakeResponse.Ok("\"userid\":\"u\"");
            }

            // Hold every 42001 until all twenty callers have sent the old token, so that twenty rejections race.
            if (Interlocked.Increment(ref rejected) == 20)
            {
                allRejectedInFlight.SetResult();
            }

            await allRejectedInFlight.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
            return FakeResponse.Error(42001);
        });
        using var client = new TestClient(server);
        var ct = TestContext.Current.CancellationToken;
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, ct);

        Volatile.Write(ref expired, 1);
        await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, ct)));

        Assert.Equal(2, server.Count(FakeWeComServer.GetToken));
        Assert.Equal(21, server.Requests(UserGet).Count(r => r.AccessToken == "TOKEN-1"));
        Assert.Equal(20, server.Requests(UserGet).Count(r => r.AccessToken == "TOKEN-2"));
    }

    [Fact]
    public async Task AccessToken_RejectedTwice_ThrowsInvalidTokenAfterOneRetry()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(UserGet, _ => FakeResponse.Error(40014));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, TestContext.Current.CancellationToken));

        Assert.Equal(WeComErrorClass.InvalidToken, ex.Class);
        Assert.Equal(2, server.Count(UserGet));
        Assert.Equal(2, server.Count(FakeWeComServer.GetToken));
    }

    [Fact]
    public async Task TransferCustomer_TokenExpired_IsResentOnceWithFreshToken()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(ResignedTransfer, r => r.AccessToken == "TOKEN-1"
            ? FakeResponse.Error(42001)
            : FakeResponse.Ok("""
                "customer":[{"external_userid":"wm1","errcode":0}]
                """));
        using var client = new TestClient(server);

        var response = await client.Client.ExecuteExternalContactResignedTransferCustomerAsync(
            new ExternalContactResignedTransferCustomerRequest { HandoverUserId = "h", TakeoverUserId = "t", ExternalUserId = ["wm1"] },
            TestContext.Current.CancellationToken);

        Assert.Equal(["TOKEN-1", "TOKEN-2"], server.Requests(ResignedTransfer).Select(r => r.AccessToken));
        Assert.Equal(0, Assert.Single(response.Customer).ErrCode);
    }

    [Fact]
    public async Task AccessToken_InQueryOnly_NeverInBodyOrExceptionMessage()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(ResignedTransfer, r => FakeResponse.Json($$"""
            {"errcode":40096,"errmsg":"invalid external userid, token {{r.AccessToken}}"}
            """));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() => client.Client.ExecuteExternalContactResignedTransferCustomerAsync(
            new ExternalContactResignedTransferCustomerRequest { HandoverUserId = "h", TakeoverUserId = "t", ExternalUserId = ["wm1"] },
            TestContext.Current.CancellationToken));

        var request = Assert.Single(server.Requests(ResignedTransfer));
        Assert.Equal("TOKEN-1", request.AccessToken);
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
        await using var server = await FakeWeComServer.StartAsync();
        server.On(FakeWeComServer.GetToken, _ => FakeResponse.Error(40001));
        using var client = new TestClient(server);

        var ex = await Assert.ThrowsAsync<WeComApiException>(() =>
            client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, TestContext.Current.CancellationToken));

        Assert.Equal(WeComErrorClass.Configuration, ex.Class);
        Assert.Equal(FakeWeComServer.GetToken, ex.Api);
        Assert.Equal(0, server.Count(UserGet));
        Assert.DoesNotContain(client.Options.Secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessToken_InsideRefreshMargin_RefreshedInBackgroundBeforeExpiry()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(UserGet, _ => FakeResponse.Ok("\"userid\":\"u\""));
        var clock = new ManualTimeProvider();
        using var client = new TestClient(server, o => o with { TokenRefreshMargin = TimeSpan.FromMinutes(5) }, clock);
        var ct = TestContext.Current.CancellationToken;
        var get = () => client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, ct);

        await get();
        clock.Advance(TimeSpan.FromSeconds(7200 - 301));
        await get();
        Assert.Equal(1, server.Count(FakeWeComServer.GetToken));

        clock.Advance(TimeSpan.FromSeconds(2)); // inside the margin, still valid
        await get();
        await server.WaitForCountAsync(FakeWeComServer.GetToken, 2); // refreshed while TOKEN-1 was still valid
        clock.Advance(TimeSpan.FromSeconds(600)); // TOKEN-1 has expired now
        await get();

        Assert.Equal(["TOKEN-1", "TOKEN-1", "TOKEN-1", "TOKEN-2"], server.Requests(UserGet).Select(r => r.AccessToken));
        Assert.Equal(2, server.Count(FakeWeComServer.GetToken));
    }
}
