using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Tests.Api;

public sealed class DecisionsApiTests : ApiTestHost
{
    [Fact]
    public async Task Approve_AwaitingApproval_TransfersReleasesPlannedItemsAuditsAndWakes()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        long[] planned = [await InsertItemAsync(id, "planned"), await InsertItemAsync(id, "planned", kind: "group"), await InsertItemAsync(id, "planned")];
        var manual = await InsertItemAsync(id, "manual", takeover: null, rule: null);

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var decision = (await response.Content.ReadFromJsonAsync<Decision>(Ct))!;
        Assert.Equal(("transferring", "resigned", "leader1"), (decision.State, decision.Api, decision.DecidedBy));
        Assert.Equal(planned, decision.Items);
        var row = (await QueryAsync<(string State, string DecidedBy, DateTime? DecidedAt, bool Woken)>(
            "SELECT state, decided_by, decided_at, next_run_at IS NOT NULL FROM successions WHERE id = @id", new { id })).Single();
        // Woken: still due, or the engine has run already and parked the plan (the member was never deleted, so
        // resigned transfers wait for that).
        Assert.Equal("leader1", row.DecidedBy);
        Assert.True(row is { State: "transferring", Woken: true } or { State: "awaiting_deletion" }, $"{row.State}, woken {row.Woken}");
        Assert.Equal(decision.DecidedAt, row.DecidedAt);
        foreach (var item in planned)
        {
            Assert.Equal("queued", (await ItemAsync(item)).State);
            Assert.Equal("succession.approve", Assert.Single(await AuditOfAsync("succession_item", item)).Action);
        }

        Assert.Equal("manual", (await ItemAsync(manual)).State);
        // The deciding member is the actor; the API key that carried the decision is recorded beside them.
        var entry = Assert.Single(await AuditOfAsync("succession", id));
        Assert.Equal("leader1", entry.Actor);
        Assert.Equal("awaiting_approval", JsonNode.Parse(entry.Before!)!["state"]!.GetValue<string>());
        Assert.Equal("leader1", JsonNode.Parse(entry.After!)!["decided_by"]!.GetValue<string>());
        Assert.Equal("api-key:tests", JsonNode.Parse(entry.After!)!["via"]!.GetValue<string>());
        Assert.Equal(4, await AuditCountAsync());
        await AssertChainValidAsync();
    }

    [Fact]
    public async Task Approve_Twice_SecondIs409AndAddsNothing()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        await InsertItemAsync(id, "planned");
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1" }, Ct)).StatusCode);
        var entries = await AuditCountAsync();

        var second = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader2" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, second);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        // The 409 names the state the first approval left (the engine may already have parked it: the member
        // was never deleted, so resigned transfers wait for that).
        Assert.Matches("transferring|awaiting_deletion", await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal("leader1", await ScalarAsync<string>("SELECT decided_by FROM successions WHERE id = @id", new { id }));
        Assert.Equal(entries, await AuditCountAsync());
    }

    [Fact]
    public async Task Approve_TwoAtOnce_OneWinsTheOtherGets409()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        await InsertItemAsync(id, "planned");

        var responses = await Task.WhenAll(
            Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1" }, Ct),
            Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader2" }, Ct));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(2, await AuditCountAsync());
    }

    [Fact]
    public async Task Approve_AwaitingDeletionWithoutTransferNow_Returns409AndChangesNothing()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_deletion");
        var item = await InsertItemAsync(id, "planned");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, response);
        Assert.Equal("awaiting_deletion", await SuccessionStateAsync(id));
        Assert.Equal("planned", (await ItemAsync(item)).State);
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Approve_AwaitingDeletionWithTransferNow_TransfersOnTheOnJobApi()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_deletion");
        var item = await InsertItemAsync(id, "planned");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1", transferNow = true }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal([item], (await response.Content.ReadFromJsonAsync<Decision>(Ct))!.Items);
        Assert.Equal(("transferring", "on_job"), (await QueryAsync<(string, string)>("SELECT state, api FROM successions WHERE id = @id", new { id })).Single());

        // Released: the approval queued the item, and the woken engine may be sending it already.
        var released = Assert.Single(await AuditOfAsync("succession_item", item));
        Assert.Equal(("succession.approve", "queued"), (released.Action, JsonNode.Parse(released.After!)!["state"]!.GetValue<string>()));
        Assert.NotEqual("planned", (await ItemAsync(item)).State);
        var entry = Assert.Single(await AuditOfAsync("succession", id));
        Assert.Equal("on_job", JsonNode.Parse(entry.After!)!["api"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"approver\": \"  \"}")]
    public async Task Approve_WithoutApprover_Returns400NamingApprover(string body)
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");

        var response = await Client.PostAsync(new Uri($"/api/v1/departures/{id}/approve", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "approver");
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
    }

    [Fact]
    public async Task Approve_UnknownDeparture_Returns404()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/departures/404/approve", new { approver = "leader1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
    }

    [Fact]
    public async Task Reject_AwaitingApproval_RejectsAndHandsPlannedItemsToManual()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var planned = await InsertItemAsync(id, "planned");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/reject", new { approver = "leader1", reason = "customers stay with the team" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var row = (await QueryAsync<(string State, string Reason, string DecidedBy)>("SELECT state, reason, decided_by FROM successions WHERE id = @id", new { id })).Single();
        Assert.Equal(("rejected", "customers stay with the team", "leader1"), row);
        Assert.Equal(("manual", "successor", "registered", "plan rejected", null), await ItemAsync(planned));
        Assert.Equal("succession.reject", Assert.Single(await AuditOfAsync("succession_item", planned)).Action);
        Assert.Single(await AuditOfAsync("succession", id));
        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsJsonAsync($"/api/v1/departures/{id}/reject", new { approver = "leader1" }, Ct)).StatusCode);
        await AssertChainValidAsync();
    }

    [Fact]
    public async Task Reject_Transferring_Returns409()
    {
        var id = await InsertSuccessionAsync("zhangsan", "transferring");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/reject", new { approver = "leader1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, response);
        Assert.Equal("transferring", await SuccessionStateAsync(id));
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    public async Task Decide_ByMemberNotOnTheApproverList_Returns403AndChangesNothing(string decision)
    {
        await InsertMemberAsync("outsider");
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var item = await InsertItemAsync(id, "planned");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/{decision}", new { approver = "outsider" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not an approver", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
        Assert.Equal("planned", (await ItemAsync(item)).State);
        Assert.Null(await ScalarAsync<string?>("SELECT decided_by FROM successions WHERE id = @id", new { id }));
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Approve_ByListedApproverWhoHasLeft_Returns403()
    {
        await ExecuteAsync("UPDATE members SET status = 5, departed_at = now() WHERE userid = 'leader1'");
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "leader1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
    }

    [Fact]
    public async Task Reject_ByListedApproverSpelledInOtherCase_IsDoneAndAuditedWithThatMember()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var item = await InsertItemAsync(id, "planned");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/reject", new { approver = "Leader2", reason = "keep them" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("leader2", (await response.Content.ReadFromJsonAsync<Decision>(Ct))!.DecidedBy);
        var entries = (await AuditOfAsync("succession", id)).Concat(await AuditOfAsync("succession_item", item)).ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(("leader2", "succession.reject"), (e.Actor, e.Action)));
        Assert.All(entries, e => Assert.Equal("api-key:tests", JsonNode.Parse(e.After!)!["via"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ChangeSuccessor_ByApprover_GivesPlannedAndManualItemsToTheMemberAndKeepsThemPlanned()
    {
        await InsertMemberAsync("wangwu");
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var planned = await InsertItemAsync(id, "planned");
        var manual = await InsertItemAsync(id, "manual", takeover: null, rule: null, reason: "no eligible successor");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/items/change-successor",
            new { approver = "leader1", itemIds = new[] { planned, manual }, takeoverUserId = "wangwu" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal([planned, manual], (await response.Content.ReadFromJsonAsync<ItemChangeReport>(Ct))!.Changed.Order());
        Assert.Equal(("planned", "wangwu", "manual", null, null), await ItemAsync(planned));
        Assert.Equal(("planned", "wangwu", "manual", null, null), await ItemAsync(manual));
        Assert.Equal(("leader1", "item.change_successor"), (await AuditOfAsync("succession_item", planned)).Select(e => (e.Actor, e.Action)).Single());
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
    }

    [Fact]
    public async Task ChangeSuccessor_ByMemberNotOnTheList_Returns403AndChangesNothing()
    {
        await InsertMemberAsync("wangwu");
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        var planned = await InsertItemAsync(id, "planned");

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/items/change-successor",
            new { approver = "wangwu", itemIds = new[] { planned }, takeoverUserId = "wangwu" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal(("planned", "successor", "registered", null, null), await ItemAsync(planned));
        Assert.Equal(0, await AuditCountAsync());
    }
}
