using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;

namespace WeComSuccession.BrowserTests.StyleGuide;

/// <summary>The workbench style guide on a phone with WeCom's user agent: WeUI from npm plus /css/workbench.css.</summary>
public sealed class WorkbenchStyleGuideTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Approval_Phone_WeUiLoadedWithWeComBlueAndStickyActionBar()
    {
        var page = await OpenPhoneAsync();
        await page.GotoAsync(Site("styleguide/workbench.html").ToString());

        Assert.Contains("wxwork/", await page.EvaluateAsync<string>("navigator.userAgent"), StringComparison.Ordinal);
        Assert.Equal(390, await page.EvaluateAsync<int>("window.innerWidth"));
        // WeUI's own rules apply (its cells draw a hairline with ::before), and our brand colour replaced WeChat's green.
        var cell = page.Locator(".weui-cells").First;
        Assert.Equal("rgb(255, 255, 255)", await cell.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("absolute", await cell.EvaluateAsync<string>("e => getComputedStyle(e, '::before').position"));
        var approve = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "同意并转接" });
        Assert.Equal("rgb(0, 130, 239)", await approve.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        var bar = page.Locator(".wb-actionbar");
        Assert.Equal("sticky", await bar.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        // The page is longer than the screen, yet the action bar sits at the bottom of the viewport.
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollHeight") > 844);
        var box = await bar.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.Equal(844, box.Y + box.Height, tolerance: 1);
        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));

        await ScreenshotAsync(page, "workbench-approval-phone", fullPage: false);

        // Scrolled to the end: the bar is still at the bottom of the screen, under the comment box.
        await page.GetByPlaceholder("例如：周总改由我亲自跟进").FillAsync("周总改由我亲自跟进");
        await page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");
        box = await bar.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.Equal(844, box.Y + box.Height, tolerance: 1);
        await ScreenshotAsync(page, "workbench-approval-phone-end", fullPage: false);
        AssertNoProblems(page);
    }

    [Fact]
    public async Task List_Phone_GroupedListEmptyStateAndResult()
    {
        var page = await OpenPhoneAsync();
        await page.GotoAsync(Site("styleguide/workbench-list.html").ToString());

        await Assertions.Expect(page.Locator(".wb-group__title").First).ToContainTextAsync("等待你审批");
        Assert.Equal("sticky", await page.Locator(".wb-group__title").First.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        await Assertions.Expect(page.Locator(".wb-empty__title")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".weui-msg__title")).ToHaveTextAsync("已同意，正在转接");
        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));

        await ScreenshotAsync(page, "workbench-list-phone");
        AssertNoProblems(page);
    }
}
