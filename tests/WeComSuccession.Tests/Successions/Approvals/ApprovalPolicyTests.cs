using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>
/// The rules decide in order, the first whose conditions all hold (department with the ones below it, number of
/// customers, key customers' corp tags, trigger) giving the route (none, direct leader, department leader, named
/// members, two-person review) and so the approvers; the configuration's rule comes last.
/// </summary>
public sealed class ApprovalPolicyTests
{
    private const string Config = "Succession:Approval";

    private static readonly (string Leaver, string Trigger, int Customers, bool KeyCustomer, string Rule, string Route, string[] Approvers)[] Plans =
    [
        // leaver, trigger, customers, has a key customer → rule, route, approvers
        ("sales1", ApprovalTrigger.Deleted, 5, true, "销售重要客户双人复核", ApprovalRoute.TwoPerson, ["boss", "hr"]),
        // An HR request matches the key-customer rule too, but the earlier rule decides.
        ("sales1", ApprovalTrigger.HrRequest, 5, true, "人事发起由人事审批", ApprovalRoute.Members, ["hr"]),
        // 销售一部 is below 销售中心: the department condition holds for it.
        ("sales1", ApprovalTrigger.Deleted, 5, false, "销售中心小计划免审", ApprovalRoute.None, []),
        ("sales1", ApprovalTrigger.Deleted, 11, false, Config, ApprovalRoute.None, []),
        ("sales1", ApprovalTrigger.Deleted, 60, false, "大计划由部门负责人审批", ApprovalRoute.DepartmentLeader, ["boss"]),
        ("svc1", ApprovalTrigger.Deleted, 60, false, "大计划由部门负责人审批", ApprovalRoute.DepartmentLeader, ["svclead"]),
        ("svc1", ApprovalTrigger.Disabled, 5, false, "停用由直属上级审批", ApprovalRoute.DirectLeader, ["svcmgr"]),
        // Key customers outside 销售中心: no rule but the configuration's.
        ("svc1", ApprovalTrigger.Deleted, 5, true, Config, ApprovalRoute.None, []),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Route_RulesInOrder_FirstThatHoldsDecides()
    {
        await using var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build(
            [
                ApprovalCorp.Member("director", ApprovalCorp.SalesCentre, isDeptLeader: true),
                ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, leader: "director", isDeptLeader: true),
                ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss"),
                ApprovalCorp.Member("svclead", ApprovalCorp.Service, isDeptLeader: true),
                ApprovalCorp.Member("svcmgr", ApprovalCorp.Service, leader: "svclead"),
                ApprovalCorp.Member("svc1", ApprovalCorp.Service, leader: "svcmgr"),
                ApprovalCorp.Member("hr", ApprovalCorp.Service),
            ]),
            settings: new Dictionary<string, string?> { ["Succession:Approval:Mode"] = "None" });
        await h.AddRuleAsync(ApprovalCorp.Rule("人事发起由人事审批", ApprovalRoute.Members, triggers: [ApprovalTrigger.HrRequest], members: ["hr"]));
        await h.AddRuleAsync(ApprovalCorp.Rule("销售重要客户双人复核", ApprovalRoute.TwoPerson, departments: [ApprovalCorp.SalesCentre], keyTags: ["重要客户"], members: ["hr"]));
        await h.AddRuleAsync(ApprovalCorp.Rule("大计划由部门负责人审批", ApprovalRoute.DepartmentLeader, minCustomers: 50));
        await h.AddRuleAsync(ApprovalCorp.Rule("销售中心小计划免审", ApprovalRoute.None, departments: [ApprovalCorp.SalesCentre], maxCustomers: 10));
        await h.AddRuleAsync(ApprovalCorp.Rule("停用由直属上级审批", ApprovalRoute.DirectLeader, triggers: [ApprovalTrigger.Disabled]));
        // A disabled rule that would hold for every plan: it is not in force.
        var off = await h.AddRuleAsync(ApprovalCorp.Rule("停用的规则", ApprovalRoute.Members, members: ["hr"]));
        var rules = h.Service.Services.GetRequiredService<ApprovalRules>();
        var admin = new Actor("rules-admin", "dashboard", AdminRights.Everything);
        Assert.True((await rules.SaveAsync(off.Id, ApprovalCorp.Rule(off.Name, off.Route, members: off.Members) with { Enabled = false }, admin, Ct)).IsDone);
        var policy = h.Service.Services.GetRequiredService<ApprovalPolicy>();
        var directory = h.Service.Services.GetRequiredService<MemberDirectory>();

        foreach (var (leaver, trigger, customers, keyCustomer, rule, route, approvers) in Plans)
        {
            var plan = $"{leaver}, {trigger}, {customers} customers{(keyCustomer ? ", a key customer" : "")}";
            var tagsRead = 0;
            var facts = new PlanFacts(await directory.GetAsync(leaver, Ct), trigger, customers, 0, _ =>
            {
                tagsRead++;
                return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(keyCustomer ? ["重要客户", "老客户"] : ["老客户"]));
            });

            var routed = await policy.RouteAsync(facts, Ct);

            Assert.Equal((plan, rule, route), (plan, routed.Rule.Name, routed.Rule.Route));
            Assert.Equal((plan, string.Join(",", approvers)), (plan, string.Join(",", routed.Approvers.Order(StringComparer.Ordinal))));
            Assert.Equal((plan, route == ApprovalRoute.TwoPerson ? 2 : 1), (plan, (int)routed.Rule.ApprovalsNeeded));
            // Tags cost WeCom calls: read only when a rule that names tags is reached with its other conditions holding.
            Assert.Equal((plan, leaver == "sales1" && trigger != ApprovalTrigger.HrRequest ? 1 : 0), (plan, tagsRead));
        }
    }
}
