using System.Net;
using System.Text;
using WeComSuccession.Infrastructure.Web;
using WeComSuccession.Tests.Api;

namespace WeComSuccession.Tests.Infrastructure.Web;

/// <summary>Control characters are refused at the door with a 400 naming the field; every response carries the security headers.</summary>
public sealed class WebHardeningTests : ApiTestHost
{
    [Fact]
    public async Task Nul_InABodyString_Returns400NamingTheFieldAndChangesNothing()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");

        var response = await Client.PostAsync(new Uri($"/api/v1/departures/{id}/reject", UriKind.Relative),
            new StringContent("""{"approver":"leader1","reason":"bad\u0000reason"}""", Encoding.UTF8, "application/json"), Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "reason");
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Nul_InTheStartedUserId_Returns400NamingUserIdInsteadOf500()
    {
        var response = await Client.PostAsync(new Uri("/api/v1/departures", UriKind.Relative),
            new StringContent("""{"userId":"zhang\u0000san"}""", Encoding.UTF8, "application/json"), Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "userId");
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM members WHERE userid LIKE 'zhang%'"));
    }

    [Theory]
    [InlineData("/api/v1/successors/zhang%01san", "path")]
    [InlineData("/api/v1/departures?state=%01", "state")]
    [InlineData("/api/v1/departures/1/items?reason=a%7Fb", "reason")]
    public async Task ControlCharacter_InPathOrQuery_Returns400NamingIt(string url, string field)
    {
        var response = await Client.GetAsync(new Uri(url, UriKind.Relative), Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task ControlCharacter_InAnArrayOfANestedObject_IsNamedByItsPath()
    {
        var body = """{"outer":{"names":["ok","b\u0002ad"]}}"""u8;

        Assert.Equal("outer.names", ControlCharacterGuard.FindInJson(body));
        Assert.Null(ControlCharacterGuard.FindInJson("""{"reason":"line one\nline two\ttabbed"}"""u8));
        Assert.Null(ControlCharacterGuard.FindInJson("""{"broken": """u8));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/api/v1/departures")]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/wecom/callback?msg_signature=x&timestamp=1&nonce=2&echostr=3")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string url)
    {
        var response = await Client.GetAsync(new Uri(url, UriKind.Relative), Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        if (url.StartsWith("/api", StringComparison.Ordinal))
        {
            Assert.True(response.Headers.CacheControl?.NoStore, "the admin API is never cached");
        }
    }

    [Fact]
    public async Task Kestrel_SendsNoServerBannerAndRefusesNulInAPath()
    {
        var port = LoopbackPorts.Free();
        await using var database = new TestDatabase();
        await database.InitializeAsync();
        await using var factory = new ServiceFactory(database.ConnectionString);
        factory.UseKestrel(port);
        factory.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.False(response.Headers.Contains("Server"), "Server: " + string.Join(",", response.Headers.Server));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        // Kestrel itself refuses U+0000 in a path (400) before any middleware; the guard covers the rest.
        var nul = await client.GetAsync(new Uri("/api/v1/successors/zhang%00san", UriKind.Relative), Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, nul);
    }

    [Fact]
    public async Task BadApiKeys_ABurstOf10000_WritesABoundedNumberOfLogLines()
    {
        using var bad = Factory.CreateClient();
        bad.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key-0123456789abcdefghij");

        for (var i = 0; i < 10_000; i++)
        {
            using var response = await bad.GetAsync(new Uri("/api/v1/departures", UriKind.Relative), Ct);
            await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, response);
        }

        var lines = Factory.Logs.Entries.Count(e => e.Contains("unknown API key", StringComparison.Ordinal));
        Assert.InRange(lines, 1, 12);
    }
}
