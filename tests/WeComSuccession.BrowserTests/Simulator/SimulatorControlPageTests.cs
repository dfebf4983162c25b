using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;
using WeComSuccession.Simulator;

namespace WeComSuccession.BrowserTests.Simulator;

public sealed class SimulatorControlPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ControlPage_DeleteMember_BrowserReachesLoopbackSimulatorAndPostsForm()
    {
        // Drop: the simulator records the delete_user callback instead of sending it to a service that is not running.
        // A fixed start and an all but stopped clock keep the page, and so the committed screenshot, the same every run.
        var options = new SimulatorOptions
        {
            Callback = { Drop = true },
            StartTime = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(8)),
            ClockFactor = 0.000001,
        };
        await using var wecom = await SimulatorHost.StartAsync(options, TestContext.Current.CancellationToken);
        var page = await OpenDesktopAsync();

        await page.GotoAsync(new Uri(wecom.BaseUrl, "_sim").ToString());
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("企业微信模拟器");
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.GetByRole(AriaRole.Cell, new PageGetByRoleOptions { Name = "王静", Exact = true }) });
        await Assertions.Expect(row).ToContainTextAsync("已激活");
        await ScreenshotAsync(page, "simulator-control");

        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "删除(离职)" }).ClickAsync();

        await Assertions.Expect(row).ToContainTextAsync("已离职(删除)");
        Assert.True(wecom.Simulator.Members().Single(m => m.UserId == "wangjing").Deleted);
        AssertNoProblems(page);
    }
}
