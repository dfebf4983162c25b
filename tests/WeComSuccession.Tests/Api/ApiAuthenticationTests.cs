using System.Net;
using System.Text;
using System.Text.Json;

namespace WeComSuccession.Tests.Api;

public sealed class ApiAuthenticationTests : ApiTestHost
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("test-key-0123456789abcdefghiJ")]
    [InlineData("test-key")]
    public async Task Api_MissingOrWrongKey_Returns401ProblemWithoutTheKey(string? key)
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/departures");
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        var response = await client.SendAsync(request, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("X-Api-Key", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_NoKeyWithBadBody_Returns401NotA400()
    {
        using var client = Factory.CreateClient();
        var response = await client.PostAsync(new Uri("/api/v1/departures/1/items/retry", UriKind.Relative), new StringContent("{not json", Encoding.UTF8, "application/json"), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Api_EitherConfiguredKey_IsAccepted()
    {
        using var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "other-key-0123456789abcdefghij");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/departures", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(new Uri("/api/v1/departures", UriKind.Relative), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("{not json", "$")]
    [InlineData("{\"itemIds\": \"seven\"}", "$.itemIds")]
    public async Task Api_UnreadableJsonBody_Returns400ProblemWithThePath(string body, string path)
    {
        var response = await Client.PostAsync(new Uri("/api/v1/departures/1/items/retry", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"(at {path}", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_UnknownRoute_Returns404Problem()
    {
        var response = await Client.GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_NonNumericQuery_Returns400Problem()
    {
        var response = await Client.GetAsync(new Uri("/api/v1/departures?page=abc", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("page", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Document_ListsEveryAdminRouteAndTheKeyScheme()
    {
        using var client = Factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct));

        var paths = document.RootElement.GetProperty("paths");
        string[] expected =
        [
            "/api/v1/departures", "/api/v1/departures/{id}", "/api/v1/departures/{id}/items", "/api/v1/departures/{id}/items/retry",
            "/api/v1/departures/{id}/items/reassign", "/api/v1/departures/{id}/approve", "/api/v1/departures/{id}/reject",
            "/api/v1/successors", "/api/v1/successors/{handoverUserId}", "/api/v1/audit", "/api/v1/audit/verify",
        ];
        Assert.All(expected, path => Assert.True(paths.TryGetProperty(path, out _), path + " is not in the document"));
        Assert.False(paths.TryGetProperty("/wecom/callback", out _));
        var successor = paths.GetProperty("/api/v1/successors/{handoverUserId}");
        Assert.True(successor.TryGetProperty("get", out _) && successor.TryGetProperty("put", out _) && successor.TryGetProperty("delete", out _));
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
    }
}
