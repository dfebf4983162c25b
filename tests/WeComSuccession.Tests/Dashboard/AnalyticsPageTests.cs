using System.Globalization;
using System.Net;
using System.Text;

namespace WeComSuccession.Tests.Dashboard;

[Collection(DashboardCompany.Name)]
public sealed class AnalyticsPageTests(DashboardFixture company)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_SuperAdmin_MonthsReasonsAndSuccessorsOfTheWholeCompany()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var page = await browser.OpenAsync("/admin/analytics");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var months = page.Rows("months-table");
        Assert.Equal(12, months.Count);
        Assert.Equal(3, months.Sum(m => Number(m[1])));    // 张三, 赵六, 批量 left
        Assert.Equal(2, months.Sum(m => Number(m[2])));    // 张三's and 批量's handovers completed
        Assert.Contains("data-echarts=\"#chart-months-data\"", page.Body, StringComparison.Ordinal);

        var reasons = page.Rows("reasons-table");
        Assert.Contains(reasons, r => r[0] == "销售一部" && r[1].StartsWith("外部联系人的数量已达到上限 (40099)", StringComparison.Ordinal) && r[2] == "500");
        Assert.Contains(reasons, r => r[0] == "销售一部" && r[1].StartsWith("客户拒绝了接替", StringComparison.Ordinal) && r[2] == "500");
        Assert.Contains(reasons, r => r[0] == "华东组" && r[2] == "1"); // 张三's customer who refused

        var successors = page.Rows("successors-table");
        Assert.Equal("李娜 lina", successors[0][0]);
        Assert.Equal(("9,005", "0"), (successors[0][1], successors[0][2]));
        Assert.Contains(successors, s => s[0] == "刘洋 liuyang" && s[1] == "1" && s[2] == "3");
    }

    [Fact]
    public async Task Page_ScopedAdmin_FiguresOfTheirDepartmentsOnly()
    {
        using var browser = await company.SignInAsync(DashboardFixture.Admin3);

        var page = await browser.OpenAsync("/admin/analytics?months=3");

        Assert.Equal(3, page.Rows("months-table").Count);
        Assert.Equal(1, page.Rows("months-table").Sum(m => Number(m[1])));
        Assert.Equal(["刘洋 liuyang"], page.Rows("successors-table").Select(s => s[0]));
        Assert.Contains("这段时间没有失败、拒绝或转人工的客户和群", page.Text, StringComparison.Ordinal);
        Assert.Contains("您是部门管理员", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_EachTable_CsvWithHeaderAndTheSameFigures()
    {
        using var browser = await company.SignInAsync(DashboardFixture.Auditor);

        var months = await CsvAsync(browser, "/admin/analytics?months=6&export=months");
        var reasons = await CsvAsync(browser, "/admin/analytics?export=reasons");
        var successors = await CsvAsync(browser, "/admin/analytics?export=successors");

        Assert.Equal(["月份", "离职人数", "完成交接", "中位用时（小时）", "P90 用时（小时）", "成功率（%）", "已转接", "已结束"], months[0]);
        Assert.Equal(7, months.Count);
        Assert.Equal(3, months.Skip(1).Sum(m => int.Parse(m[1], CultureInfo.InvariantCulture)));
        Assert.Contains(reasons, r => r.SequenceEqual(["2", "销售一部", "失败", "40099", "外部联系人的数量已达到上限 (40099)", "500"]));
        Assert.Contains(successors, s => s.AsSpan(0, 4).SequenceEqual(["lina", "李娜", "9005", "0"]));
    }

    [Fact]
    public async Task Export_UnknownTable_404()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.OpenAsync("/admin/analytics?export=members")).Status);
    }

    [Fact]
    public async Task Page_UnknownPeriod_TheDefaultTwelveMonths()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var page = await browser.OpenAsync("/admin/analytics?months=7");

        Assert.Equal(12, page.Rows("months-table").Count);
    }

    [Fact]
    public async Task Page_InEnglish_TitleAndColumnsInEnglish()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        await browser.OpenAsync("/admin/language?to=en&returnUrl=%2Fadmin");

        var page = await browser.OpenAsync("/admin/analytics");

        Assert.Contains("Analytics", page.Text, StringComparison.Ordinal);
        Assert.Contains("Load per successor", page.Text, StringComparison.Ordinal);
        var reasons = page.Rows("reasons-table");
        Assert.Contains(reasons, r => r[1].StartsWith("successor's customer limit reached (40099)", StringComparison.Ordinal));
    }

    private static async Task<List<string[]>> CsvAsync(DashboardHost.Browser browser, string path)
    {
        using var response = await browser.GetAsync(path);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return Csv.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Ct))[1..]);
    }

    private static int Number(string cell) => int.Parse(cell, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}
