using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>
/// Approval rules in the database decide the route, first match wins, the configuration's rule last: a plan with a key
/// customer in sales takes the two-person route; a small plan elsewhere takes none; customer details are read only where
/// a rule or a person needs them.
/// </summary>
public sealed class ApprovalRoutingTests
{
    private const string GetCustomer = "/cgi-bin/externalcontact/get";
    private const string BatchGetByUser = "/cgi-bin/externalcontact/batch/get_by_user";

    private static Task<SuccessionHarness> StartAsync() => SuccessionHarness.StartAsync(
        ApprovalCorp.Build(
            [
                ApprovalCorp.Member("director", ApprovalCorp.SalesCentre, isDeptLeader: true),
                ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, leader: "director", isDeptLeader: true),
                ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss"),
                ApprovalCorp.Member("sales2", ApprovalCorp.SalesOne, leader: "boss"),
                ApprovalCorp.Member("svclead", ApprovalCorp.Service, isDeptLeader: true),
                ApprovalCorp.Member("svc1", ApprovalCorp.Service, leader: "svclead"),
                ApprovalCorp.Member("hr", ApprovalCorp.Service),
            ],
            [
                .. ApprovalCorp.Customers("sales1", 5, keyCustomers: 1, alsoFollowedBy: "boss"),
                .. ApprovalCorp.Customers("sales2", 3, keyCustomers: 1),
                .. ApprovalCorp.Customers("svc1", 3),
            ],
            Corps.Groups("sales1", 1)),
        settings: new Dictionary<string, string?> { ["Succession:Approval:Mode"] = "None" });

    /// <summary>The rules of a sales organisation: 双人复核 for key customers in sales; a leader for large plans.</summary>
    private static async Task AddRulesAsync(SuccessionHarness h)
    {
        await h.AddRuleAsync(ApprovalCorp.Rule("销售重要客户双人复核", ApprovalRoute.TwoPerson, departments: [ApprovalCorp.SalesCentre], keyTags: ["重要客户"], members: ["hr"]));
        await h.AddRuleAsync(ApprovalCorp.Rule("大计划由直属上级审批", ApprovalRoute.DirectLeader, minCustomers: 20));
    }

    [Fact]
    public async Task Route_DeletedSalesMemberWithKeyCustomer_TwoPersonReviewByLeadersAndNamedReviewer()
    {
        await using var h = await StartAsync();
        await AddRulesAsync(h);

        h.Sim.DeleteMember("sales1");
        var id = await h.WaitForStateAsync("sales1", "awaiting_approval");

        var plan = (await h.QueryAsync<(string Rule, string Route, short Needed, short Round, string[] Approvers)>(
            "SELECT approval_rule, approval_route, approvals_needed, approval_round, approvers FROM successions WHERE id = @id", new { id })).Single();
        Assert.Equal(("销售重要客户双人复核", "two_person", (short)2, (short)1), (plan.Rule, plan.Route, plan.Needed, plan.Round));
        Assert.Equal(["boss", "hr"], plan.Approvers.Order());
        // The key customer's tag came from the colleague who still follows it (the deleted member's own relation is gone).
        var key = Assert.Single(await h.QueryAsync<string>("SELECT target_id FROM succession_items WHERE succession_id = @id AND '重要客户' = ANY(tags)", new { id }));
        Assert.Equal("wmsales100000", key);
        // Read once for every customer; only the shared one still has a follower in the address book to show its name.
        Assert.Equal(5, await h.ScalarAsync<long>("SELECT count(*) FROM succession_items WHERE succession_id = @id AND kind = 'customer' AND details_at IS NOT NULL", new { id }));
        Assert.Equal(["客户0"], await h.QueryAsync<string>("SELECT name FROM succession_items WHERE succession_id = @id AND name IS NOT NULL AND kind = 'customer'", new { id }));
        Assert.Equal(5, h.Sim.ApiCalls(GetCustomer).Count);
        Assert.Equal(("客户群0", 1), (await h.QueryAsync<(string, int)>("SELECT name, group_size FROM succession_items WHERE succession_id = @id AND kind = 'group'", new { id })).Single());
        Assert.Empty(h.Sim.ApiCalls("/cgi-bin/externalcontact/resigned/transfer_customer"));
    }

    [Fact]
    public async Task Route_DisabledSalesMemberWithKeyCustomer_TagsReadInBatchesWhileTheMemberExists()
    {
        await using var h = await StartAsync();
        await AddRulesAsync(h);

        h.Sim.DisableMember("sales2");
        var id = await h.WaitForStateAsync("sales2", "awaiting_approval");

        Assert.Equal("two_person", await h.ScalarAsync<string>("SELECT approval_route FROM successions WHERE id = @id", new { id }));
        Assert.Equal("wmsales200000", Assert.Single(await h.QueryAsync<string>("SELECT target_id FROM succession_items WHERE succession_id = @id AND '重要客户' = ANY(tags)", new { id })));
        // One batch/get_by_user for the 3 customers (100 a call), and one externalcontact/get to learn the name of the one tag id seen.
        Assert.Single(h.Sim.ApiCalls(BatchGetByUser));
        Assert.Single(h.Sim.ApiCalls(GetCustomer));
    }

    [Fact]
    public async Task Route_SmallPlanOutsideSales_NoApprovalNoDetailsRead()
    {
        await using var h = await StartAsync();
        await AddRulesAsync(h);

        h.Sim.DeleteMember("svc1");
        var id = await h.WaitForStateAsync("svc1", "transferring");

        var plan = (await h.QueryAsync<(string Rule, string Route, string[] Approvers)>("SELECT approval_rule, approval_route, approvers FROM successions WHERE id = @id", new { id })).Single();
        Assert.Equal(("Succession:Approval", "none"), (plan.Rule, plan.Route));
        Assert.Empty(plan.Approvers);
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("svc1")).GetValueOrDefault("waiting") == 3, ApprovalCorp.Deadline, "3 customers sent", () => h.DescribeAsync("svc1"));
        // Nobody had to look and no rule asked about tags: no detail was read.
        Assert.Empty(h.Sim.ApiCalls(GetCustomer));
        Assert.Empty(h.Sim.ApiCalls(BatchGetByUser));
        Assert.Empty(h.Sim.Cards());
    }

    [Fact]
    public async Task Route_NoRuleInTheDatabase_ConfigurationStillDecides()
    {
        await using var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build([ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, isDeptLeader: true), ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss")],
                ApprovalCorp.Customers("sales1", 3)),
            settings: new Dictionary<string, string?> { ["Succession:Approval:Mode"] = "AboveThreshold", ["Succession:Approval:Threshold"] = "2" });

        h.Sim.DeleteMember("sales1");
        var id = await h.WaitForStateAsync("sales1", "awaiting_approval");

        var plan = (await h.QueryAsync<(string Rule, string Route, string[] Approvers)>("SELECT approval_rule, approval_route, approvers FROM successions WHERE id = @id", new { id })).Single();
        Assert.Equal(("Succession:Approval", "direct_leader", "boss"), (plan.Rule, plan.Route, Assert.Single(plan.Approvers)));
    }
}
