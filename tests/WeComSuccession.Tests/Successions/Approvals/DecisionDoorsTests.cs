using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using WeComSuccession.Tests.Dashboard;
using WeComSuccession.Tests.Workbench;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>
/// Every decision, whichever door it came through (approval card, workbench, dashboard, REST API), is one audit entry
/// with the deciding member as actor and the door beside them: the doors hold no rules, the approval commands do.
/// </summary>
public sealed class DecisionDoorsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Decide_ThroughEachDoor_OneAuditEntryWithTheMemberAsActor()
    {
        string[] leavers = ["sales1", "sales2", "sales3", "sales4"];
        await using var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build(
                [ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, isDeptLeader: true), .. leavers.Select(l => ApprovalCorp.Member(l, ApprovalCorp.SalesOne, leader: "boss"))],
                leavers.SelectMany(l => ApprovalCorp.Customers(l, 2))),
            settings: new Dictionary<string, string?>(SuccessionHarness.AdminKeySettings) { ["Succession:Approval:Mode"] = "Always", ["Admin:SuperAdmins:0"] = "boss" });
        var ids = new Dictionary<string, long>();
        foreach (var leaver in leavers)
        {
            h.Sim.DeleteMember(leaver);
            ids[leaver] = await h.WaitForStateAsync(leaver, "awaiting_approval");
        }

        // An approval card: boss presses 通过.
        var card = Assert.Single(await h.WaitForCardsAsync(ids["sales1"], 1));
        h.Sim.ClickCard(card.TaskId, "boss", "approve");

        // The workbench: boss signs in inside WeCom and approves on the plan's page.
        using (var workbench = await WorkbenchSession.SignInAsync(h, "boss"))
        {
            var plan = $"/workbench/plans/{ids["sales2"]}";
            using var posted = await workbench.PostAsync(plan, plan + "?handler=Decide", [new("decision", "approve"), new("reason", "")]);
            Assert.Equal((HttpStatusCode.Redirect, plan), (posted.StatusCode, posted.Headers.Location?.OriginalString));
        }

        // The dashboard: boss (a super admin too) signs in and presses 通过 on the departure's page.
        using (var dashboard = new DashboardHost.Browser(h))
        {
            await dashboard.SignInAsync("boss");
            var departure = $"/admin/departures/{ids["sales3"]}";
            using var posted = await dashboard.PostFormAsync(departure, departure + "?handler=Approve", []);
            await HttpAssert.StatusAsync(HttpStatusCode.Redirect, posted);
        }

        // The REST API, naming the approver.
        using var api = h.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/v1/departures/{ids["sales4"]}/approve", new { approver = "boss" }, Ct)).StatusCode);

        foreach (var (leaver, door) in new[] { ("sales1", "card"), ("sales2", "workbench"), ("sales3", "dashboard"), ("sales4", "api-key:scenarios") })
        {
            await h.WaitForStateAsync(leaver, "transferring");
            var entry = (await h.QueryAsync<(string Actor, string Action, string Via)>(
                "SELECT actor, action, after->>'via' FROM audit_log WHERE entity_type = 'succession' AND entity_id = @id AND actor <> 'system'",
                new { id = ids[leaver].ToString(CultureInfo.InvariantCulture) })).Single();
            Assert.Equal(("boss", "succession.approve", door), entry);
        }
    }
}
