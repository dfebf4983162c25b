using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WeComSuccession.Successions;


namespace WeComSuccession.Tests.Api;

public sealed class ItemCommandsApiTests : ApiTestHost
{
    [Fact]
    public async Task Retry_FailedItem_QueuedWithItsErrorClearedAuditedAndWoken()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var item = await InsertItemAsync(id, "failed", reason: "successor at limit", errcode: 40099);

        var report = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/retry", new { itemIds = new[] { item } });

        Assert.Equal([item], report.Changed);
        Assert.Empty(report.Skipped);
        Assert.Equal(("queued", "successor", "registered", null, null), await ItemAsync(item));
        Assert.Null(await ScalarAsync<DateTime?>("SELECT not_before FROM succession_items WHERE id = @item", new { item }));
        var entry = Assert.Single(await AuditOfAsync("succession_item", item));
        Assert.Equal(("api-key:tests", "item.retry"), (entry.Actor, entry.Action));
        Assert.Equal(("failed", 40099, "successor at limit"), Fields(entry.Before));
        Assert.Equal(("queued", null, null), Fields(entry.After));
        Assert.Equal("successor", JsonNode.Parse(entry.After!)!["takeover_userid"]!.GetValue<string>());
        await AssertWokenAsync(id);
        await AssertChainValidAsync();
    }

    [Fact]
    public async Task Retry_WaitingItem_ReportedAsNotRetriedAndNothingChanges()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var item = await InsertItemAsync(id, "waiting");

        var report = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/retry", new { itemIds = new[] { item } });

        Assert.Empty(report.Changed);
        var skipped = Assert.Single(report.Skipped);
        Assert.Equal((item, "waiting"), (skipped.Id, skipped.State));
        Assert.Equal("waiting", (await ItemAsync(item)).State);
        Assert.Equal(0, await AuditCountAsync());
        Assert.False(await ScalarAsync<bool>("SELECT next_run_at IS NOT NULL FROM successions WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Retry_ManualItemWithoutSuccessor_StaysManualAndIsReported()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var orphan = await InsertItemAsync(id, "manual", takeover: null, rule: null, reason: "no eligible successor");
        var manual = await InsertItemAsync(id, "manual", reason: "40128");

        var report = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/retry", new { itemIds = new[] { orphan, manual } });

        Assert.Equal([manual], report.Changed);
        Assert.Contains("re-assign", Assert.Single(report.Skipped, s => s.Id == orphan).Reason, StringComparison.Ordinal);
        Assert.Equal(("manual", null, null, "no eligible successor", null), await ItemAsync(orphan));
        Assert.Empty(await AuditOfAsync("succession_item", orphan));
    }

    [Fact]
    public async Task Retry_ItemOfCompletedDeparture_ReopensTheDeparture()
    {
        var id = await InsertSuccessionAsync("zhangsan", "completed");
        var item = await InsertItemAsync(id, "failed", errcode: 40099);

        var report = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/retry", new { itemIds = new[] { item } });

        Assert.Equal("transferring", report.SuccessionState);
        // Reopened; the woken engine may already have parked it until the (never-sent) deletion.
        Assert.Matches("^(transferring|awaiting_deletion)$", await SuccessionStateAsync(id));
        Assert.Null(await ScalarAsync<DateTime?>("SELECT completed_at FROM successions WHERE id = @id", new { id }));
        var reopened = Assert.Single(await AuditOfAsync("succession", id));
        Assert.Equal("succession.reopen", reopened.Action);
        Assert.Single(await AuditOfAsync("succession_item", item));
        await AssertChainValidAsync();
    }

    [Fact]
    public async Task Retry_WhileAwaitingApproval_ItemGoesBackToPlanned()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var item = await InsertItemAsync(id, "manual", reason: "successor left");

        await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/retry", new { itemIds = new[] { item } });

        Assert.Equal("planned", (await ItemAsync(item)).State);
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("ignored")]
    [InlineData("planning")]
    public async Task Retry_DepartureNotOpenForChanges_Returns409AndNothingChanges(string state)
    {
        var id = await InsertSuccessionAsync("zhangsan", state);
        var item = await InsertItemAsync(id, "failed");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/items/retry", new { itemIds = new[] { item } }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("failed", (await ItemAsync(item)).State);
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Retry_UnknownDeparture_Returns404()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/departures/404/items/retry", new { itemIds = new List<long> { 1 } }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"itemIds\": []}")]
    [InlineData("{\"itemIds\": [0]}")]
    public async Task Retry_NoUsableItemIds_Returns400NamingItemIds(string body)
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");

        var response = await Client.PostAsync(new Uri($"/api/v1/departures/{id}/items/retry", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "itemIds");
    }

    [Fact]
    public async Task Retry_ItemOfAnotherDeparture_ReportedAndLeftAlone()
    {
        var mine = await InsertSuccessionAsync("zhangsan", "transferring");
        var other = await InsertSuccessionAsync("lisi", "transferring");
        var foreign = await InsertItemAsync(other, "failed");

        var report = await PostAsync<ItemChangeReport>($"/api/v1/departures/{mine}/items/retry", new { itemIds = new[] { foreign } });

        Assert.Equal((foreign, null), (Assert.Single(report.Skipped).Id, report.Skipped[0].State));
        Assert.Equal("failed", (await ItemAsync(foreign)).State);
    }

    [Theory]
    [InlineData("nobody", "is not a known member")]
    [InlineData("disabled", "is not active (status 2)")]
    [InlineData("no-permission", "customer-contact")]
    [InlineData("zhangsan", "cannot be the departing member")]
    public async Task Reassign_IneligibleSuccessor_Returns400NamingTakeoverAndChangesNothing(string takeover, string why)
    {
        await InsertMemberAsync("disabled", status: 2);
        await InsertMemberAsync("no-permission", customerContact: false);
        await InsertMemberAsync("zhangsan");
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var item = await InsertItemAsync(id, "failed", errcode: 40099);

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/items/reassign", new { itemIds = new[] { item }, takeoverUserId = takeover }, Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "takeoverUserId");
        Assert.Contains(why, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(("failed", "successor", "registered", null, 40099), await ItemAsync(item));
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Reassign_ItemsNothingIsInFlightFor_TakeTheNewSuccessorWithRuleManual()
    {
        await InsertMemberAsync("wangwu");
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var failed = await InsertItemAsync(id, "failed", errcode: 40099, reason: "at limit");
        var manual = await InsertItemAsync(id, "manual", takeover: null, rule: null, kind: "group");
        var waiting = await InsertItemAsync(id, "waiting");
        await ExecuteAsync("UPDATE succession_items SET reroutes = 2 WHERE id = @failed", new { failed });

        var report = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/reassign", new { itemIds = new[] { failed, manual, waiting }, takeoverUserId = "wangwu" });

        Assert.Equal([failed, manual], report.Changed);
        Assert.Equal((waiting, "waiting"), (Assert.Single(report.Skipped).Id, report.Skipped[0].State));
        Assert.Equal(("queued", "wangwu", "manual", null, null), await ItemAsync(failed));
        Assert.Equal(("queued", "wangwu", "manual", null, null), await ItemAsync(manual));
        Assert.Equal(("waiting", "successor", "registered", null, null), await ItemAsync(waiting));
        Assert.Equal(2, await ScalarAsync<short>("SELECT reroutes FROM succession_items WHERE id = @failed", new { failed }));
        var entry = Assert.Single(await AuditOfAsync("succession_item", failed));
        Assert.Equal("item.reassign", entry.Action);
        Assert.Equal("successor", JsonNode.Parse(entry.Before!)!["takeover_userid"]!.GetValue<string>());
        Assert.Equal("wangwu", JsonNode.Parse(entry.After!)!["takeover_userid"]!.GetValue<string>());
        Assert.Single(await AuditOfAsync("succession_item", manual));
        await AssertChainValidAsync();

        await AssertWokenAsync(id);
    }

    [Fact]
    public async Task Reassign_WhileAwaitingApproval_ItemStaysPlanned()
    {
        await InsertMemberAsync("wangwu");
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var item = await InsertItemAsync(id, "planned", rule: "pool");

        await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/reassign", new { itemIds = new[] { item }, takeoverUserId = "wangwu" });

        Assert.Equal(("planned", "wangwu", "manual", null, null), await ItemAsync(item));
    }

    [Fact]
    public async Task Changes_ManyItems_ExactlyOneAuditEntryPerChangedItemAndTheChainVerifies()
    {
        await InsertMemberAsync("wangwu");
        var id = await InsertSuccessionAsync("zhangsan", "transferring");
        var failed = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            failed.Add(await InsertItemAsync(id, "failed", kind: i % 2 == 0 ? "customer" : "group", errcode: 40099));
        }

        var waiting = await InsertItemAsync(id, "waiting");

        var retried = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/retry", new { itemIds = failed.Take(30).Append(waiting) });
        var reassigned = await PostAsync<ItemChangeReport>($"/api/v1/departures/{id}/items/reassign", new { itemIds = failed.Skip(20), takeoverUserId = "wangwu" });

        Assert.Equal(30, retried.Changed.Count);
        Assert.Equal(20, reassigned.Changed.Count);
        var perItem = await QueryAsync<(string EntityId, string Action, long Count)>(
            "SELECT entity_id, action, count(*) FROM audit_log WHERE entity_type = 'succession_item' GROUP BY entity_id, action");
        Assert.Equal(50, perItem.Count);
        Assert.All(perItem, row => Assert.Equal(1, row.Count));
        Assert.Equal(50, await AuditCountAsync());
        await AssertChainValidAsync();
    }

    private async Task<T> PostAsync<T>(string url, object body)
    {
        var response = await Client.PostAsJsonAsync(url, body, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<T>(Ct))!;
    }

    private static (string? State, int? Errcode, string? Reason) Fields(string? json)
    {
        var node = JsonNode.Parse(json!)!;
        return (node["state"]?.GetValue<string>(), node["errcode"]?.GetValue<int>(), node["reason"]?.GetValue<string>());
    }

    /// <summary>Woken: the engine looks at the succession at once; its member was never deleted, so it parks it
    /// until the deletion (the observable effect of a wake-up on a resigned succession).</summary>
    private async Task AssertWokenAsync(long id) =>
        await Wait.UntilAsync(
            async () => await ScalarAsync<string>("SELECT state FROM successions WHERE id = @id", new { id }) == "awaiting_deletion",
            TimeSpan.FromSeconds(20),
            "the woken engine to park the succession until the member's deletion");
}
