using WeComSuccession.WeCom.Api.Models;

[assembly: AssemblyFixture(typeof(WeComSuccession.WeCom.Tests.TestSupport.WeComMockWarmUp))]

namespace WeComSuccession.WeCom.Tests.TestSupport;

/// <summary>
/// Pays the process's first WireMock start and first request (seconds on a busy machine: JIT of Kestrel, the
/// matchers, the JSON stack) and the client's first call once, before any test, so that no test's
/// timeout measures a cold start instead of the behaviour it is about.
/// </summary>
public sealed class WeComMockWarmUp : IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        using var wecom = WeComMock.Start();
        wecom.Server.Given(WeComMock.Call("/cgi-bin/user/get").UsingGet()).RespondWith(WeComMock.Json(WeComMock.Ok("\"userid\":\"u\"")));
        using var client = new TestClient(wecom, o => o with { RequestTimeout = TimeSpan.FromMinutes(1) });
        await client.Client.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u" }, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
