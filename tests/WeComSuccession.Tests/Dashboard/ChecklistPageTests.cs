using System.IO.Compression;
using System.Net;
using System.Text;
using System.Xml.Linq;

namespace WeComSuccession.Tests.Dashboard;

[Collection(DashboardCompany.Name)]
public sealed class ChecklistPageTests(DashboardFixture company)
{
    private static readonly XNamespace Sheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_CompletedDeparture_ListsEveryItemWithSuccessorRuleStateAndReason()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var page = await browser.OpenAsync($"/admin/departures/{company.Completed}/checklist");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var text = page.Text;
        Assert.Contains("张三 的交接清单", text, StringComparison.Ordinal);
        foreach (var target in new[] { "wmzhangsan00000", "wmzhangsan00003", "wrzhangsan00000", "wrzhangsan00001" })
        {
            Assert.Contains(target, text, StringComparison.Ordinal);
        }

        Assert.Contains("直属上级", text, StringComparison.Ordinal);
        Assert.Contains("李娜", text, StringComparison.Ordinal);
        Assert.Contains("客户拒绝", text, StringComparison.Ordinal);
        Assert.Contains("客户拒绝了接替", text, StringComparison.Ordinal);
        Assert.Equal(6, page.Rows("checklist").Count);
        Assert.Contains("/checklist.csv", page.Body, StringComparison.Ordinal);
        Assert.Contains("/checklist.xlsx", page.Body, StringComparison.Ordinal);
        Assert.Contains("交接确认", text, StringComparison.Ordinal); // the print-only sign-off block
    }

    [Fact]
    public async Task Page_InEnglish_SaysTheSameInEnglish()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        await browser.OpenAsync($"/admin/language?to=en&returnUrl=%2Fadmin");

        var page = await browser.OpenAsync($"/admin/departures/{company.Completed}/checklist");

        Assert.Contains("Handover checklist: 张三", page.Text, StringComparison.Ordinal);
        Assert.Contains("Direct leader", page.Text, StringComparison.Ordinal);
        Assert.Contains("The customer refused the takeover", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_OverThePageLimit_ShowsTheFirst2000AndPointsToTheDownloads()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var page = await browser.OpenAsync($"/admin/departures/{company.Bulk}/checklist");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(2_000, page.Rows("checklist").Count);
        Assert.Contains("本页显示前 2,000 项，共 10,000 项", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_CompletedDeparture_Utf8WithBomOneRowPerItemInWords()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        using var response = await browser.GetAsync($"/admin/departures/{company.Completed}/checklist.csv");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("交接清单-张三-" + company.Completed + ".csv", response.Content.Headers.ContentDisposition?.FileNameStar);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var rows = Csv.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Equal(["类型", "名称", "ID", "原跟进人", "接替人", "分配规则", "状态", "原因", "时间（中国时间）"], rows[0]);
        Assert.Equal(7, rows.Count);
        var refused = Assert.Single(rows, r => r[2] == "wmzhangsan00000");
        Assert.Equal(["客户", "", "wmzhangsan00000", "张三 (zhangsan)", "李娜 (lina)", "直属上级", "客户拒绝"], refused[..7]);
        Assert.Equal(4, rows.Count(r => r[0] == "客户"));
        Assert.Equal(2, rows.Count(r => r[0] == "客户群" && r[6] == "已转接"));
        Assert.All(rows.Skip(1), r => Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", r[8]));
    }

    [Fact]
    public async Task Csv_TenThousandItems_AllRowsAndAFormulaDefused()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        using var response = await browser.GetAsync($"/admin/departures/{company.Bulk}/checklist.csv");
        var rows = Csv.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Ct))[1..]);

        Assert.Equal(DashboardFixture.BulkItems + 1, rows.Count);
        Assert.Contains(rows, r => r[2] == "'" + DashboardFixture.FormulaTarget);
        Assert.DoesNotContain(rows, r => r.Any(c => c.Length > 0 && c[0] is '=' or '+' or '-' or '@'));
        Assert.Equal(500, rows.Count(r => r[7] == "外部联系人的数量已达到上限 (40099)"));
        Assert.Equal(1_000, rows.Count(r => r[0] == "客户群"));
    }

    [Fact]
    public async Task Xlsx_TenThousandItems_AZipWhoseSheetHasEveryRowInChinese()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        using var response = await browser.GetAsync($"/admin/departures/{company.Bulk}/checklist.xlsx");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        await using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct)), ZipArchiveMode.Read);
        Assert.Equal(
            ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var workbook = XDocument.Load(await zip.GetEntry("xl/workbook.xml")!.OpenAsync(Ct));
        Assert.Equal("交接清单", workbook.Descendants(Sheet + "sheet").Single().Attribute("name")?.Value);
        var rows = SheetRows(XDocument.Load(await zip.GetEntry("xl/worksheets/sheet1.xml")!.OpenAsync(Ct)));
        Assert.Equal(DashboardFixture.BulkItems + 1, rows.Count);
        Assert.Equal("原跟进人", rows[0]["D"]);
        Assert.Equal("批量 (piliang)", rows[1]["D"]);
        Assert.Equal(9_000, rows.Count(r => r.GetValueOrDefault("G") == "已转接"));
        Assert.Contains(rows, r => r.GetValueOrDefault("C") == DashboardFixture.FormulaTarget); // an inline string is never a formula
    }

    [Theory]
    [InlineData(DashboardFixture.Admin2, HttpStatusCode.OK)]       // 华东组 is under 销售一部
    [InlineData(DashboardFixture.Auditor, HttpStatusCode.OK)]
    [InlineData(DashboardFixture.Admin3, HttpStatusCode.NotFound)] // 销售二部 only
    public async Task PageAndDownloads_ScopedAdmin_SeeOnlyTheirDepartmentsDepartures(string userid, HttpStatusCode expected)
    {
        using var browser = await company.SignInAsync(userid);

        foreach (var path in new[] { "checklist", "checklist.csv", "checklist.xlsx" })
        {
            using var response = await browser.GetAsync($"/admin/departures/{company.Completed}/{path}");
            Assert.True(expected == response.StatusCode, $"{userid} {path}: {(int)response.StatusCode}");
            if (expected == HttpStatusCode.NotFound)
            {
                Assert.DoesNotContain("wmzhangsan", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Page_UnknownDepartureOrFormat_404()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.OpenAsync("/admin/departures/999999/checklist")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.OpenAsync($"/admin/departures/{company.Completed}/checklist.pdf")).Status);
    }

    [Fact]
    public async Task Page_SignedInWithoutRole403_Anonymous_SentToSignIn()
    {
        using var member = await company.SignInAsync(DashboardFixture.NoRole);
        using var anonymous = company.Anonymous();

        Assert.Equal(HttpStatusCode.Forbidden, (await member.OpenAsync($"/admin/departures/{company.Completed}/checklist.csv")).Status);
        var redirected = await anonymous.OpenAsync($"/admin/departures/{company.Completed}/checklist.csv");
        Assert.Equal(HttpStatusCode.Redirect, redirected.Status);
        Assert.StartsWith("/admin/signin?returnUrl=", redirected.Location, StringComparison.Ordinal);
    }

    /// <summary>Each sheet row as column letter → text of its inline string.</summary>
    private static List<Dictionary<string, string>> SheetRows(XDocument sheet) =>
        [.. sheet.Descendants(Sheet + "row").Select(row => row.Elements(Sheet + "c").ToDictionary(
            c => new string([.. c.Attribute("r")!.Value.TakeWhile(char.IsLetter)]),
            c => string.Concat(c.Descendants(Sheet + "t").Select(t => t.Value))))];
}
