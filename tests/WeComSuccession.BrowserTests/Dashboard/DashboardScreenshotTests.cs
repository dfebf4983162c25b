using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace WeComSuccession.BrowserTests.Dashboard;

/// <summary>
/// Every dashboard page as the super admin sees it, at 1280 px (and the overview on a phone), saved to
/// docs/screenshots/dashboard-*.png for people to judge; each page must load without a script error or a failed request.
/// </summary>
[Collection(OneDashboardSystem.Name)]
public sealed class DashboardScreenshotTests(BrowserFixture browser, DashboardSystem system) : DashboardBrowserTest(browser, system)
{
    [Fact]
    public async Task SignInPage_WeComLogin_ListsMembersToPick()
    {
        var page = await OpenDesktopAsync();

        await page.GotoAsync(System.Path("/admin"));

        await Expect(page.Locator($"a.member[data-userid=\"{DashboardSystem.SuperAdmin}\"]")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "dashboard-signin");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task EveryPage_SuperAdmin_RendersWithoutProblems()
    {
        var page = await SignInAsync(DashboardSystem.SuperAdmin);
        var zhangsan = DashboardSystem.Id(System.Zhangsan);

        await ShootAsync(page, "/admin", "dashboard-overview", ".kpi-grid");
        await ShootAsync(page, "/admin/departures", "dashboard-departures", "table");
        await ShootAsync(page, $"/admin/departures/{zhangsan}", "dashboard-departure", "table");
        await ShootAsync(page, $"/admin/departures/{zhangsan}/checklist", "dashboard-checklist", "table");
        await ShootAsync(page, "/admin/failures", "dashboard-failures", "table");
        await ShootAsync(page, "/admin/successors", "dashboard-successors", "table");
        await ShootAsync(page, "/admin/roles", "dashboard-roles", "table");
        await ShootAsync(page, "/admin/analytics", "dashboard-analytics", ".chart svg");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task BulkRetry_FromTheFailuresPage_ShowsProgressToTheEnd()
    {
        var failed = await System.ItemAsync(System.Sunli, "wrsunli00001");
        var page = await SignInAsync(DashboardSystem.SuperAdmin);
        AcceptConfirms(page);
        await page.GotoAsync(System.Path("/admin/failures"));

        await page.Locator($"input[name=ids][value=\"{DashboardSystem.Id(failed)}\"]").CheckAsync();
        await page.Locator("button[name=action][value=retry]").ClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/admin/failures/bulk/"));
        await Expect(page.Locator("main")).ToContainTextAsync("已完成", new() { Timeout = 30_000 });
        await ScreenshotAsync(page, "dashboard-bulk-progress");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Overview_Phone_FitsTheScreen()
    {
        var page = await SignInAsync(DashboardSystem.SuperAdmin, BrowserProfile.Phone);

        await Expect(page.Locator(".kpi-grid").First).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");

        await ScreenshotAsync(page, "dashboard-overview-phone", fullPage: false);
        Assert.True(overflow <= 0, $"the overview is {overflow} px wider than a phone's screen");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task SignedOut_AfterSignOut_SaysSo()
    {
        var page = await SignInAsync(DashboardSystem.SuperAdmin);

        await page.Locator(".topbar-signout button").ClickAsync();

        await page.WaitForURLAsync(System.Path("/admin/signed-out"));
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "dashboard-signed-out");
        AssertNoProblems(page);
    }

    private async Task ShootAsync(IPage page, string path, string name, string ready)
    {
        await page.GotoAsync(System.Path(path));
        await Expect(page.Locator(ready).First).ToBeVisibleAsync();
        await ScreenshotAsync(page, name);
    }
}
