using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.TestSupport;

namespace WeComSuccession.BrowserTests.Dashboard;

/// <summary>审批规则 on a desktop: a super admin signs in through WeCom's login page, reads the rules in order and adds one with the form.</summary>
public sealed class ApprovalRulesPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Rules_Desktop_SuperAdminSeesTheOrderAndAddsARule()
    {
        await using var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build(
            [
                ApprovalCorp.Member("wangjing", ApprovalCorp.Service) with { Name = "王静" },
                ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, isDeptLeader: true) with { Name = "李娜" },
                ApprovalCorp.Member("hr", ApprovalCorp.Service) with { Name = "周涛" },
            ]),
            settings: new Dictionary<string, string?> { ["Admin:SuperAdmins:0"] = "wangjing", ["Succession:Approval:Mode"] = "AboveThreshold", ["Succession:Approval:Threshold"] = "50" });
        await h.AddRuleAsync(ApprovalCorp.Rule("销售重要客户双人复核", ApprovalRoute.TwoPerson, departments: [ApprovalCorp.SalesCentre], keyTags: ["重要客户"], members: ["hr"],
            remindAfterHours: 4, escalateAfterHours: 24, expireAfterHours: 72));
        await h.AddRuleAsync(ApprovalCorp.Rule("人事发起由人事审批", ApprovalRoute.Members, triggers: [ApprovalTrigger.HrRequest], members: ["hr"], remindAfterHours: 8));
        var page = await OpenDesktopAsync();

        await page.GotoAsync(new Uri(h.ServiceUrl, "/admin/rules").ToString());
        await page.Locator("a.member[data-userid='wangjing']").ClickAsync();
        await page.WaitForURLAsync(new Uri(h.ServiceUrl, "/admin/rules").ToString());

        var rows = page.Locator("table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("销售重要客户双人复核");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("销售中心");
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("Succession:Approval");

        await page.Locator("input[name='Form.Name']").FillAsync("客服大计划由部门负责人审批");
        await page.Locator("select[name='Form.Route']").SelectOptionAsync(ApprovalRoute.DepartmentLeader);
        await page.Locator("input[name='Form.MinCustomers']").FillAsync("30");
        await page.Locator("#rule-form button[type='submit']").ClickAsync();

        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("客服大计划由部门负责人审批");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("客服大计划由部门负责人审批");
        await ScreenshotAsync(page, "admin-rules");
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'approval_rule.create' AND actor = 'wangjing'"));
        AssertNoProblems(page);
    }
}
