using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WeComSuccession.Api;

namespace WeComSuccession.Tests.Api;

public sealed class DeparturesApiTests : ApiTestHost
{
    [Fact]
    public async Task List_TwoDepartures_NewestFirstWithCountsPerKindAndState()
    {
        await InsertMemberAsync("zhangsan");
        var older = await InsertSuccessionAsync("zhangsan", "transferring", createdAt: new DateTime(2025, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        var newer = await InsertSuccessionAsync("lisi", "awaiting_approval", createdAt: new DateTime(2025, 11, 2, 0, 0, 0, DateTimeKind.Utc));
        foreach (var state in new[] { "failed", "failed", "transferred", "waiting" })
        {
            await InsertItemAsync(older, state);
        }

        await InsertItemAsync(older, "queued", kind: "group");
        await InsertItemAsync(newer, "planned");

        var page = await Client.GetFromJsonAsync<PageDto<DepartureDto>>("/api/v1/departures", Ct);

        Assert.NotNull(page);
        Assert.Equal(2, page.Total);
        Assert.Equal([newer, older], page.Items.Select(d => d.Id));
        var first = page.Items[1];
        Assert.Equal("zhangsan", first.HandoverName);
        Assert.Equal(new ItemCounts(Total: 4, Planned: 0, Queued: 0, Submitting: 0, Waiting: 1, Transferred: 1, Refused: 0, Failed: 2, Manual: 0), first.Customers);
        Assert.Equal(new ItemCounts(Total: 1, Planned: 0, Queued: 1, Submitting: 0, Waiting: 0, Transferred: 0, Refused: 0, Failed: 0, Manual: 0), first.Groups);
        Assert.Equal(1, page.Items[0].Customers.Planned);
        Assert.Equal(0, page.Items[0].Groups.Total);
    }

    [Fact]
    public async Task List_StateFilterAndPaging_ReturnsThatPageOfThatState()
    {
        for (var day = 1; day <= 3; day++)
        {
            await InsertSuccessionAsync($"member{day}", "transferring", createdAt: new DateTime(2025, 11, day, 0, 0, 0, DateTimeKind.Utc));
        }

        await InsertSuccessionAsync("member4", "completed");

        var page = await Client.GetFromJsonAsync<PageDto<DepartureDto>>("/api/v1/departures?state=transferring&page=2&pageSize=2", Ct);

        Assert.NotNull(page);
        Assert.Equal((3L, 2, 2), (page.Total, page.Page, page.PageSize));
        Assert.Equal("member1", Assert.Single(page.Items).HandoverUserId);
    }

    [Theory]
    [InlineData("/api/v1/departures?state=done", "state")]
    [InlineData("/api/v1/departures?page=0", "page")]
    [InlineData("/api/v1/departures?pageSize=201", "pageSize")]
    public async Task List_BadQuery_Returns400NamingTheField(string url, string field)
    {
        var response = await Client.GetAsync(new Uri(url, UriKind.Relative), Ct);

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Get_OneDeparture_ReturnsItWithItsCounts()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        await InsertItemAsync(id, "manual", kind: "group");

        var departure = await Client.GetFromJsonAsync<DepartureDto>($"/api/v1/departures/{id}", Ct);

        Assert.NotNull(departure);
        Assert.Equal(("zhangsan", "transferring", "resigned"), (departure.HandoverUserId, departure.State, departure.Api));
        Assert.Equal(1, departure.Groups.Manual);
    }

    [Fact]
    public async Task Get_UnknownDeparture_Returns404Problem()
    {
        var response = await Client.GetAsync(new Uri("/api/v1/departures/404", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Items_MixedStates_FailedAndManualFirstThenWaitingThenTheRest()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var transferred = await InsertItemAsync(id, "transferred");
        var waiting1 = await InsertItemAsync(id, "waiting");
        var queued = await InsertItemAsync(id, "queued", kind: "group");
        var failed = await InsertItemAsync(id, "failed", reason: "successor at limit", errcode: 40099);
        var manual = await InsertItemAsync(id, "manual", takeover: null, rule: null, reason: "no eligible successor");
        var waiting2 = await InsertItemAsync(id, "waiting");

        var page = await Client.GetFromJsonAsync<PageDto<ItemDto>>($"/api/v1/departures/{id}/items", Ct);

        Assert.NotNull(page);
        Assert.Equal([failed, manual, waiting1, waiting2, transferred, queued], page.Items.Select(i => i.Id));
        var first = page.Items[0];
        Assert.Equal(("customer", "failed", "successor", "registered", 40099), (first.Kind, first.State, first.TakeoverUserId, first.Rule, first.Errcode));
        Assert.Equal("40099 外部联系人的数量已达到上限 / successor's customer limit reached", first.ErrcodeDescription);
        Assert.Null(page.Items[1].ErrcodeDescription);
    }

    [Fact]
    public async Task Items_Filters_MatchStateKindAndReason()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var wanted = await InsertItemAsync(id, "failed", kind: "group", reason: "quota");
        await InsertItemAsync(id, "failed", kind: "customer", reason: "quota");
        await InsertItemAsync(id, "failed", kind: "group", reason: "other");
        await InsertItemAsync(id, "manual", kind: "group", reason: "quota");

        var page = await Client.GetFromJsonAsync<PageDto<ItemDto>>($"/api/v1/departures/{id}/items?state=failed&kind=group&reason=quota", Ct);

        Assert.NotNull(page);
        Assert.Equal(wanted, Assert.Single(page.Items).Id);
        Assert.Equal(1, page.Total);
    }

    [Theory]
    [InlineData("kind=person", "kind")]
    [InlineData("state=lost", "state")]
    [InlineData("pageSize=0", "pageSize")]
    public async Task Items_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");

        var response = await Client.GetAsync(new Uri($"/api/v1/departures/{id}/items?{query}", UriKind.Relative), Ct);

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Items_UnknownDeparture_Returns404()
    {
        var response = await Client.GetAsync(new Uri("/api/v1/departures/404/items", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
    }

    internal static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"the problem does not name {field}: {problem.RootElement}");
    }
}
