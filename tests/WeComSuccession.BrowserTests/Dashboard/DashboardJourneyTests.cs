using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace WeComSuccession.BrowserTests.Dashboard;

/// <summary>
/// What an HR admin does in the dashboard, in Chromium against the running system: sign in through WeCom's login
/// page, find the departure, fix its items, take the checklist away, prove the log; and what the dashboard refuses.
/// </summary>
[Collection(OneDashboardSystem.Name)]
public sealed class DashboardJourneyTests(BrowserFixture browser, DashboardSystem system) : DashboardBrowserTest(browser, system)
{
    private static readonly XNamespace Sheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    [Fact]
    public async Task SuperAdmin_OpensTheDeparture_RetriesTheRefusedItemAndReassignsTheFailedOne()
    {
        var refused = await System.ItemAsync(System.Zhangsan, DashboardSystem.RefusingCustomer);
        var failed = await System.ItemAsync(System.Zhangsan, DashboardSystem.FailingGroup);
        var page = await SignInAsync(DashboardSystem.SuperAdmin);
        AcceptConfirms(page);

        await page.Locator(".nav-link", new() { HasText = "离职交接" }).ClickAsync();
        await page.Locator($"a[href=\"/admin/departures/{DashboardSystem.Id(System.Zhangsan)}\"]").First.ClickAsync();
        await Expect(page.Locator("h1.page-title")).ToContainTextAsync("张三");
        await Expect(ItemRow(page, refused).Locator(".badge")).ToHaveClassAsync(new Regex(@"\bbadge-refused\b"));

        // Retry the refused customer: WeCom takes it again (and, the relation being gone, answers for it anew).
        await ItemRow(page, refused).Locator("input[name=ids]").CheckAsync();
        await page.Locator("button[formaction*=\"handler=Retry\"]").First.ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("1 项已");
        await Expect(ItemRow(page, refused).Locator(".badge")).Not.ToHaveClassAsync(new Regex(@"\bbadge-refused\b"));
        Assert.NotEqual("refused", await System.ItemStateAsync(refused));

        // Re-assign the failed group to 刘洋, found with the member picker (name search, each with their load).
        await ItemRow(page, failed).Locator("input[name=ids]").CheckAsync();
        await page.Locator("summary", new() { HasText = "改派所选" }).ClickAsync();
        var picker = page.Locator("input[name=takeover]");
        await picker.PressSequentiallyAsync("刘");
        await Expect(page.Locator($"datalist option[value=\"{DashboardSystem.Eligible}\"]")).ToHaveCountAsync(1);
        StringAssert(await page.Locator($"datalist option[value=\"{DashboardSystem.Eligible}\"]").TextContentAsync(), "刘洋（");
        await picker.FillAsync(DashboardSystem.Eligible);
        await page.Locator("button[formaction*=\"handler=Reassign\"]").ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("1 项已改派");
        await Expect(ItemRow(page, failed)).ToContainTextAsync("刘洋");
        Assert.Equal(DashboardSystem.Eligible, await System.Harness.ScalarAsync<string>("SELECT takeover_userid FROM succession_items WHERE id = @failed", new { failed }));
        Assert.Equal(2, await System.Harness.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = @actor AND action IN ('item.retry', 'item.reassign') AND entity_id = ANY(@ids)",
            new { actor = DashboardSystem.SuperAdmin, ids = new[] { DashboardSystem.Id(refused), DashboardSystem.Id(failed) } }));
        AssertNoProblems(page);
    }

    [Fact]
    public async Task SuperAdmin_DownloadsTheChecklist_CsvAndXlsxHoldEveryItem()
    {
        var page = await SignInAsync(DashboardSystem.SuperAdmin);
        await page.GotoAsync(System.Path($"/admin/departures/{DashboardSystem.Id(System.Zhangsan)}/checklist"));

        var csv = await DownloadAsync(page, "导出 CSV");
        Assert.EndsWith(".csv", csv.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync(await csv.PathAsync(), Encoding.UTF8, TestContext.Current.CancellationToken))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("类型,名称,ID,原跟进人,接替人", lines[0].TrimStart((char)0xFEFF), StringComparison.Ordinal);
        Assert.Equal(7, lines.Length - 1);
        Assert.Contains(lines, l => l.Contains(DashboardSystem.RefusingCustomer, StringComparison.Ordinal) && l.Contains("李娜", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(DashboardSystem.FailingGroup, StringComparison.Ordinal));

        var xlsx = await DownloadAsync(page, "导出 Excel");
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename, StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(await xlsx.PathAsync());
        var sheet = XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var rows = sheet.Descendants(Sheet + "row").Select(r => string.Join("|", r.Descendants(Sheet + "t").Select(t => t.Value))).ToList();
        Assert.Equal(8, rows.Count);
        Assert.Contains(rows, r => r.Contains(DashboardSystem.RefusingCustomer, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(DashboardSystem.FailingGroup, StringComparison.Ordinal));
        AssertNoProblems(page);
    }

    [Fact]
    public async Task SuperAdmin_VerifiesTheAuditChain_SeesItIntact()
    {
        var page = await SignInAsync(DashboardSystem.SuperAdmin);
        await page.GotoAsync(System.Path("/admin/audit"));

        await page.Locator("button", new() { HasText = "校验审计链" }).ClickAsync();

        await Expect(page.Locator(".flash-title")).ToHaveTextAsync("审计链完整");
        await Expect(page.Locator(".flash")).ToContainTextAsync("逐条核对无误");
        await ScreenshotAsync(page, "dashboard-audit");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task SuperAdmin_SwitchesToEnglish_LabelsChangeAndStay()
    {
        var page = await SignInAsync(DashboardSystem.SuperAdmin);
        await Expect(page.Locator(".nav-link").First).ToHaveTextAsync("概览");

        await page.Locator(".topbar-lang").ClickAsync();

        await Expect(page.Locator(".nav-link").First).ToHaveTextAsync("Overview");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GotoAsync(System.Path("/admin/departures"));
        await Expect(page.Locator("h1.page-title")).ToHaveTextAsync("Departures");
        await page.GotoAsync(System.Path("/admin"));
        await ScreenshotAsync(page, "dashboard-overview-en");
        AssertNoProblems(page);
    }

    [Fact]
    public async Task ScopedAdmin_OpensAnotherDepartmentsDepartureByLink_Gets404Page()
    {
        var page = await SignInAsync(DashboardSystem.ScopedAdmin);

        var response = await page.GotoAsync(System.Path($"/admin/departures/{DashboardSystem.Id(System.Wangwu)}"));

        Assert.Equal(404, response!.Status);
        await Expect(page.Locator(".empty-state-code")).ToHaveTextAsync("404");
        await Expect(page.Locator("h1")).ToHaveTextAsync("找不到该页面");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("王五");
        await ScreenshotAsync(page, "dashboard-404");
    }

    [Fact]
    public async Task ScopedAdmin_CraftedPostOnAnotherDepartmentsDeparture_RefusedAndNothingChanges()
    {
        var failed = await System.ItemAsync(System.Wangwu, "wrwangwu00001");
        var before = await System.ItemStateAsync(failed);
        var page = await SignInAsync(DashboardSystem.ScopedAdmin);
        await page.GotoAsync(System.Path($"/admin/departures/{DashboardSystem.Id(System.Sunli)}"));
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();

        // The page's own token and cookies, an action naming a departure of 客服部.
        var status = await page.EvaluateAsync<int>(
            """
            async ([action, item, token]) => {
              const body = new URLSearchParams({ ids: item, __RequestVerificationToken: token });
              const response = await fetch(action, { method: "POST", body, redirect: "manual" });
              return response.status;
            }
            """,
            new[] { $"/admin/departures/{DashboardSystem.Id(System.Wangwu)}?handler=Retry", DashboardSystem.Id(failed), token });

        Assert.Equal(404, status);
        Assert.Equal("failed", before);
        Assert.Equal(before, await System.ItemStateAsync(failed));
        Assert.Equal(0, await System.Harness.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE actor = @actor", new { actor = DashboardSystem.ScopedAdmin }));
    }

    [Fact]
    public async Task NoRole_SignsIn_Gets403PageNamingWhomToAsk()
    {
        var page = await SignInAsync(DashboardSystem.NoRole);

        await Expect(page.Locator(".empty-state-code")).ToHaveTextAsync("403");
        await Expect(page.Locator("h1")).ToHaveTextAsync("没有访问权限");
        await Expect(page.Locator(".empty-state")).ToContainTextAsync("请联系超级管理员为您授予角色");
        await Expect(page.Locator(".empty-state-list")).ToContainTextAsync("王静");
        await Expect(page.Locator(".app-nav")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "dashboard-403");
    }

    private static void StringAssert(string? text, string expected) => Assert.Contains(expected, text ?? "", StringComparison.Ordinal);

    private static Task<IDownload> DownloadAsync(IPage page, string link) =>
        page.RunAndWaitForDownloadAsync(() => page.Locator("a", new() { HasText = link }).ClickAsync());
}
