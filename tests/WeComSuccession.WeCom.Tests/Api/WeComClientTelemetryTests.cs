using WeComSuccession.WeCom.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using static WeComSuccession.WeCom.Tests.TestSupport.WeComMock;

namespace WeComSuccession.WeCom.Tests.Api;

/// <summary>Retries and timeouts are reported by Polly's telemetry (Polly.Extensions), keyed by the API path.</summary>
public sealed class WeComClientTelemetryTests
{
    private const string UserGet = "/cgi-bin/user/get";
    private const string GroupChatList = "/cgi-bin/externalcontact/groupchat/list";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SystemBusyRetries_Logged_WithApiPathAndErrcodeOnly()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("busy").WillSetStateTo("recovered", 2).RespondWith(Json(Error(-1)));
        // The answer carries the token: a log of responses would leak it.
        wecom.Server.Given(Call(UserGet).UsingGet()).InScenario("busy").WhenStateIs("recovered").WillSetStateTo("recovered")
            .RespondWith(Json(r => Ok($$"""
                "userid":"u","name":"{{r.AccessToken()}}"
                """)));
        var logs = new CapturingLoggerFactory();
        using var client = new TestClient(wecom, loggerFactory: logs);

        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, Ct);

        var retries = logs.Entries.Where(e => e.State.GetValueOrDefault("EventName") as string == "OnRetry").ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, e =>
        {
            Assert.Equal(LogLevel.Warning, e.Level);
            Assert.Equal(UserGet, e.State["OperationKey"]);
            Assert.Equal("wecom-busy", e.State["StrategyName"]);
            Assert.Equal("errcode -1", e.State["Result"]?.ToString());
        });
        // Calls that needed no retry are Debug: Polly would report each at Information once per strategy.
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Polly", StringComparison.Ordinal) && e.Level == LogLevel.Information);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("TOKEN-1", StringComparison.Ordinal) || e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttemptTimeout_Logged_WithApiPath()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(GroupChatList).UsingPost()).RespondWith(Json(Ok()).WithDelay(TimeSpan.FromSeconds(2)));
        var logs = new CapturingLoggerFactory();
        using var client = new TestClient(wecom, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(500), TransportRetryCount = 0 }, loggerFactory: logs);

        await Assert.ThrowsAsync<WeComTransportException>(() =>
            client.Client.ExecuteExternalContactGroupChatListAsync(new ExternalContactGroupChatListRequest(), Ct));

        var timeout = Assert.Single(logs.Entries, e => e.State.GetValueOrDefault("EventName") as string == "OnTimeout");
        Assert.Equal(GroupChatList, timeout.State["OperationKey"]);
        Assert.Equal("wecom-attempt-timeout", timeout.State["PipelineName"]);
    }
}
