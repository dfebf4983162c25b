using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.Tests.Api;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>
/// 双人复核: two distinct approvers must both approve. The first approval is recorded and the plan waits (nothing is
/// released); the same member twice does not count; a second member's approval releases it; one rejection rejects.
/// </summary>
public sealed class TwoPersonReviewTests : ApiTestHost
{
    private async Task<(long Id, long Item)> TwoPersonPlanAsync()
    {
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");
        await ExecuteAsync("UPDATE successions SET approval_route = 'two_person', approvals_needed = 2, approval_round = 1, approval_rule = '双人复核' WHERE id = @id", new { id });
        return (id, await InsertItemAsync(id, "planned"));
    }

    private Task<HttpResponseMessage> ApproveAsync(long id, string approver) => Client.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver }, Ct);

    [Fact]
    public async Task Approve_FirstOfTwo_RecordedOneAuditEntryNothingReleased()
    {
        var (id, item) = await TwoPersonPlanAsync();

        var response = await ApproveAsync(id, "leader1");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var decision = (await response.Content.ReadFromJsonAsync<Decision>(Ct))!;
        Assert.Equal(("awaiting_approval", 2), (decision.State, decision.ApprovalsNeeded));
        Assert.Equal(["leader1"], decision.Approvals);
        Assert.Empty(decision.Items);
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
        Assert.Equal("planned", (await ItemAsync(item)).State);
        Assert.Null(await ScalarAsync<string?>("SELECT decided_by FROM successions WHERE id = @id", new { id }));
        var entry = Assert.Single(await AuditOfAsync("succession", id));
        Assert.Equal(("leader1", "succession.approve"), (entry.Actor, entry.Action));
        Assert.Equal("leader1", JsonNode.Parse(entry.After!)!["approvals"]![0]!.GetValue<string>());
        Assert.Equal(1, await AuditCountAsync());
    }

    [Fact]
    public async Task Approve_SameApproverTwice_SecondIs409AndDoesNotCount()
    {
        var (id, item) = await TwoPersonPlanAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(id, "leader1")).StatusCode);

        var again = await ApproveAsync(id, "LEADER1");

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, again);
        Assert.Contains("decided this plan already", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("awaiting_approval", await SuccessionStateAsync(id));
        Assert.Equal("planned", (await ItemAsync(item)).State);
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM approval_decisions WHERE succession_id = @id", new { id }));
        Assert.Equal(1, await AuditCountAsync());
    }

    [Fact]
    public async Task Approve_SecondDistinctApprover_ReleasesThePlan()
    {
        var (id, item) = await TwoPersonPlanAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(id, "leader1")).StatusCode);

        var response = await ApproveAsync(id, "leader2");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var decision = (await response.Content.ReadFromJsonAsync<Decision>(Ct))!;
        Assert.Equal(["leader1", "leader2"], decision.Approvals);
        Assert.Equal([item], decision.Items);
        Assert.Equal("queued", (await ItemAsync(item)).State);
        var row = (await QueryAsync<(string DecidedBy, string Outcome)>("SELECT decided_by, approval_outcome FROM successions WHERE id = @id", new { id })).Single();
        Assert.Equal(("leader2", "approved"), row);
        Assert.Equal(["leader1", "leader2"], (await AuditOfAsync("succession", id)).Select(e => e.Actor));
        await AssertChainValidAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reject_ByEitherApprover_RejectsThePlan(bool afterAnApproval)
    {
        var (id, item) = await TwoPersonPlanAsync();
        if (afterAnApproval)
        {
            Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(id, "leader1")).StatusCode);
        }

        var response = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/reject", new { approver = "leader2", reason = "重要客户留在本部门" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("rejected", await SuccessionStateAsync(id));
        Assert.Equal(("manual", "plan rejected"), ((await ItemAsync(item)).State, (await ItemAsync(item)).Reason));
        Assert.Equal(HttpStatusCode.Conflict, (await ApproveAsync(id, "leader1")).StatusCode);
    }

    [Fact]
    public async Task ChangeSuccessor_AfterOneApproval_StartsANewRoundSoThatApprovalNoLongerCounts()
    {
        await InsertMemberAsync("wangwu");
        var (id, item) = await TwoPersonPlanAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(id, "leader1")).StatusCode);

        var change = await Client.PostAsJsonAsync($"/api/v1/departures/{id}/items/change-successor", new { approver = "leader2", itemIds = new[] { item }, takeoverUserId = "wangwu" }, Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, change);
        Assert.Equal(2, await ScalarAsync<short>("SELECT approval_round FROM successions WHERE id = @id", new { id }));

        // leader2's approval alone is one of two in the new round: leader1 approved a plan that no longer exists.
        var decision = (await (await ApproveAsync(id, "leader2")).Content.ReadFromJsonAsync<Decision>(Ct))!;
        Assert.Equal(("awaiting_approval", 1), (decision.State, decision.Approvals.Count));
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(id, "leader1")).StatusCode);
        Assert.Equal(("queued", "wangwu"), ((await ItemAsync(item)).State, (await ItemAsync(item)).Takeover));
    }

    [Fact]
    public async Task Approve_AdminOverTheLeaversDepartment_MayDecideAdminElsewhereMayNot()
    {
        await ExecuteAsync("INSERT INTO departments (id, parent_id, name, updated_at) VALUES (1, 0, '公司', now()), (2, 1, '销售部', now()), (3, 1, '客服部', now())");
        await ExecuteAsync("INSERT INTO members (userid, name, status, departments, customer_contact, updated_at) VALUES ('zhangsan', '张三', 5, '{2}', true, now())");
        await InsertMemberAsync("salesadmin");
        await InsertMemberAsync("serviceadmin");
        await ExecuteAsync(
            "INSERT INTO admin_roles (userid, role, departments, granted_by, granted_at) VALUES ('salesadmin', 'admin', '{1}', 't', now()), ('serviceadmin', 'admin', '{3}', 't', now())");
        var id = await InsertSuccessionAsync("zhangsan", "awaiting_approval");

        Assert.Equal(HttpStatusCode.Forbidden, (await ApproveAsync(id, "serviceadmin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(id, "salesadmin")).StatusCode);
        Assert.Equal("salesadmin", await ScalarAsync<string>("SELECT decided_by FROM successions WHERE id = @id", new { id }));
    }
}
