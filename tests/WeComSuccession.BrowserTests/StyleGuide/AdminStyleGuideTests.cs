using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;

namespace WeComSuccession.BrowserTests.StyleGuide;

/// <summary>The admin style guide pages with /css/admin.css, /js/admin.js and the npm libraries, as an HR admin sees them.</summary>
public sealed class AdminStyleGuideTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const string Overview = "styleguide/admin.html";
    private const string Components = "styleguide/admin-components.html";

    [Fact]
    public async Task Overview_Desktop_ShellNavigationStickyHeaderAndZebraRows()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Overview).ToString());

        await Assertions.Expect(page.Locator(".app-nav")).ToBeVisibleAsync();
        var nav = await page.Locator(".app-nav").BoundingBoxAsync();
        Assert.NotNull(nav);
        Assert.Equal(216, nav.Width, tolerance: 1);
        var th = page.Locator("#departures-table thead th").First;
        Assert.Equal("sticky", await th.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        var rows = page.Locator("#departures-table tbody tr");
        Assert.NotEqual(await CellBackgroundAsync(rows.Nth(0)), await CellBackgroundAsync(rows.Nth(1)));
        // WeCom blue on the primary action, white text on it.
        var primary = page.Locator(".page-actions .btn-primary");
        Assert.Equal("rgb(0, 130, 239)", await primary.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("rgb(255, 255, 255)", await primary.EvaluateAsync<string>("e => getComputedStyle(e).color"));

        await ScreenshotAsync(page, "admin-overview-desktop");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Overview_ChineseText_RenderedWithCjkFontNotFallbackBoxes()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Overview).ToString());

        Assert.Contains("PingFang SC", await page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily"), StringComparison.Ordinal);
        // Ask the renderer which installed font drew the title's glyphs: a CJK font, or the text shows as boxes.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("DOM.enable");
        await cdp.SendAsync("CSS.enable");
        var document = await cdp.SendAsync("DOM.getDocument");
        var title = await cdp.SendAsync("DOM.querySelector", new Dictionary<string, object>
        {
            ["nodeId"] = document!.Value.GetProperty("root").GetProperty("nodeId").GetInt32(),
            ["selector"] = ".page-title",
        });
        var fonts = await cdp.SendAsync("CSS.getPlatformFontsForNode", new Dictionary<string, object>
        {
            ["nodeId"] = title!.Value.GetProperty("nodeId").GetInt32(),
        });
        var families = fonts!.Value.GetProperty("fonts").EnumerateArray().Select(f => f.GetProperty("familyName").GetString()).ToList();
        Assert.Contains(families, f => f is not null && f.Contains("CJK", StringComparison.Ordinal));
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Overview_ECharts_DrawsBothChartsAsSvg()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Overview).ToString());

        await Assertions.Expect(page.Locator("#chart-trend svg")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#chart-status svg")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#chart-trend .chart-fallback")).ToHaveCountAsync(0);
        Assert.StartsWith("6.", await page.EvaluateAsync<string>("echarts.version"), StringComparison.Ordinal);
        // 14 days × 3 stacked series = 42 bars, and the axis labels are the dates.
        Assert.True(await page.Locator("#chart-trend svg path").CountAsync() >= 42);
        await Assertions.Expect(page.Locator("#chart-trend svg")).ToContainTextAsync("11-30");
        await Assertions.Expect(page.Locator("#chart-status svg")).ToContainTextAsync("1,284");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Overview_Print_HidesNavigationAndButtonsAndRulesTables()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Overview).ToString());
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        await Assertions.Expect(page.Locator(".app-nav")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".app-topbar")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".page-actions")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".filters")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".pagination")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".print-only")).ToBeVisibleAsync();
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        Assert.Equal("rgb(0, 0, 0)", await page.EvaluateAsync<string>("getComputedStyle(document.body).color"));
        var cell = page.Locator("#departures-table tbody td").Nth(2);
        Assert.Equal("1px solid rgb(102, 102, 102)", await cell.EvaluateAsync<string>("e => getComputedStyle(e).borderTop"));
        Assert.Equal("static", await page.Locator("#departures-table thead th").First.EvaluateAsync<string>("e => getComputedStyle(e).position"));

        await ScreenshotAsync(page, "admin-overview-print");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Overview_Tablet_NavigationBecomesStripAndPageDoesNotScrollSideways()
    {
        var page = await OpenAsync(BrowserProfile.Tablet);
        await page.GotoAsync(Site(Overview).ToString());

        await Assertions.Expect(page.Locator(".app-nav .nav-link").First).ToBeVisibleAsync();
        var nav = await page.Locator(".app-nav").BoundingBoxAsync();
        Assert.NotNull(nav);
        Assert.Equal(768, nav.Width, tolerance: 1);
        // Wide tables scroll inside their box; the page itself never does.
        Assert.Equal(768, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));

        await ScreenshotAsync(page, "admin-overview-tablet");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Components_Desktop_EveryStateHasItsOwnBadgeColour()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Components).ToString());

        string[] itemStates = ["planned", "queued", "submitting", "waiting", "transferred", "refused", "failed", "manual"];
        string[] successionStates = ["planning", "awaiting_approval", "awaiting_deletion", "transferring", "completed", "rejected", "ignored"];
        var itemColours = new HashSet<string>();
        foreach (var state in itemStates)
        {
            var badge = page.Locator(".badge-" + state).First;
            await Assertions.Expect(badge).ToBeVisibleAsync();
            itemColours.Add(await badge.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        }

        foreach (var state in successionStates)
        {
            var colour = await page.Locator(".badge-" + state).First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
            Assert.NotEqual("rgba(0, 0, 0, 0)", colour);
        }

        // The eight item states are told apart by colour, not only by their text.
        Assert.Equal(itemStates.Length, itemColours.Count);
        await ScreenshotAsync(page, "admin-components-desktop");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Components_SelectAll_ChecksEveryRowAndEnablesBulkActions()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Components).ToString());
        var selectAll = page.Locator("[data-select-all=items]");
        var retry = page.Locator("button[value=retry]");

        await Assertions.Expect(page.Locator("[data-selected-count=items]")).ToHaveTextAsync("1");
        Assert.True(await selectAll.EvaluateAsync<bool>("e => e.indeterminate"));
        await selectAll.CheckAsync();

        await Assertions.Expect(page.Locator("[data-selected-count=items]")).ToHaveTextAsync("8");
        await Assertions.Expect(page.Locator("input[name=items]:not(:checked)")).ToHaveCountAsync(0);
        await Assertions.Expect(retry).ToBeEnabledAsync();
        await selectAll.UncheckAsync();
        await Assertions.Expect(retry).ToBeDisabledAsync();
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Components_ConfirmDismissed_FormIsNotPosted()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Components).ToString());
        string? asked = null;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.DismissAsync();
        };
        var posts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                posts++;
            }
        };

        await page.Locator("button[value=retry]").ClickAsync();

        Assert.Equal("重试选中的客户？", asked);
        Assert.Equal(0, posts);
        Assert.EndsWith(Components, page.Url, StringComparison.Ordinal);
        AssertNoProblems(page);
    }

    [Fact]
    public async Task Components_ReassignDialogAndHtmxFragment_OpenInPlace()
    {
        var page = await OpenDesktopAsync();
        await page.GotoAsync(Site(Components).ToString());

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "改派给…" }).ClickAsync();
        var dialog = page.Locator("#reassign-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        Assert.True(await dialog.EvaluateAsync<bool>("d => d.matches(':modal')"));
        await ScreenshotAsync(page, "admin-reassign-dialog", fullPage: false);
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "取消" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();

        await page.Locator("#load-audit").ClickAsync();
        await Assertions.Expect(page.Locator("#audit-more #audit-table tbody tr")).ToHaveCountAsync(3);
        Assert.StartsWith("2.", await page.EvaluateAsync<string>("htmx.version"), StringComparison.Ordinal);
        AssertNoProblems(page);
    }

    private static Task<string> CellBackgroundAsync(ILocator row) =>
        row.Locator("td").Nth(2).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
}
