using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;

namespace WeComSuccession.Tests.Dashboard;

[Collection(DashboardCompany.Name)]
public sealed partial class AuditPageTests(DashboardFixture company)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_SuperAdmin_NewestFirstFiftyWithActionsInWords()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        var newest = await company.Harness.ScalarAsync<long>("SELECT max(id) FROM audit_log");

        var page = await browser.OpenAsync("/admin/audit");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var ids = Ids(page.Body);
        Assert.Equal(50, ids.Count);
        Assert.True(ids[0] >= newest, $"the newest entry #{newest} is not first (#{ids[0]})");
        Assert.Equal([.. ids.OrderDescending()], ids);
        Assert.Contains("状态变为", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_Departure_ItsEntriesAndItsItemsOnlyFromOpeningToCompletion()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var page = await browser.OpenAsync($"/admin/audit?departure={company.Completed}");

        var rows = page.Rows("audit-table");
        var expected = await company.Harness.ScalarAsync<long>(
            """
            SELECT count(*) FROM audit_log WHERE (entity_type = 'succession' AND entity_id = @id::text)
                OR (entity_type = 'succession_item' AND entity_id IN (SELECT id::text FROM succession_items WHERE succession_id = @id))
            """, new { id = company.Completed });
        Assert.Equal(Math.Min(expected, 50), rows.Count);
        Assert.All(rows, r => Assert.Contains($"张三 的离职 #{company.Completed}", r[3], StringComparison.Ordinal));
        Assert.Contains(rows, r => r[2] == "离职交接变为 已完成" && r[4].Contains("状态 转接中 → 已完成", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[2] == "状态变为 客户拒绝" && r[3].StartsWith("客户 wmzhangsan00000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Filter_EntityTypeAndActor_RoleGrantsByTheSuperAdminWithDepartmentsInWords()
    {
        using var browser = await company.SignInAsync(DashboardFixture.Auditor);

        var page = await browser.OpenAsync("/admin/audit?entity=admin_role&actor=%E7%8E%8B%E6%80%BB"); // 王总, by name

        var rows = page.Rows("audit-table").Where(r => r[2] == "授予角色").ToList();
        Assert.True(rows.Count >= 3, page.Text);
        var admin2 = Assert.Single(rows, r => r[3] == "周敏 的角色");
        Assert.StartsWith("王总 boss", admin2[1], StringComparison.Ordinal);
        Assert.Contains("角色 管理员", admin2[4], StringComparison.Ordinal);
        Assert.Contains("部门 销售一部", admin2[4], StringComparison.Ordinal);
        Assert.All(page.Rows("audit-table"), r => Assert.EndsWith("的角色", r[3], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Paging_OlderThenNewer_ContiguousPagesBackAndForth()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        var first = Ids((await browser.OpenAsync("/admin/audit")).Body);

        var older = await browser.OpenAsync($"/admin/audit?before={first[^1]}");
        var second = Ids(older.Body);
        var back = Ids((await browser.OpenAsync($"/admin/audit?after={second[0]}")).Body);

        Assert.Equal(first[^1] - 1, second[0]); // ids are contiguous from 1 and a super admin sees them all
        Assert.Equal(Math.Min(50, first[^1] - 1), second.Count);
        Assert.Equal(first, back);
        Assert.Contains($"after={second[0]}", older.Body, StringComparison.Ordinal);
        Assert.Equal(second[^1] > 1, older.Body.Contains($"before={second[^1]}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Filter_DatesAfterEverything_EmptyStateSaysHowToGetEntriesBack()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        var tomorrow = company.Harness.Sim.Clock.GetUtcNow().AddDays(3).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var page = await browser.OpenAsync($"/admin/audit?from={tomorrow}");

        Assert.Empty(Ids(page.Body));
        Assert.Contains("没有符合条件的记录", page.Text, StringComparison.Ordinal);
        Assert.Contains("清除筛选", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IntactChain_ValidWithTheRowCountAndTheHeadHash()
    {
        using var browser = await company.SignInAsync(DashboardFixture.Auditor); // a read: auditors may ask

        var page = await browser.SubmitAsync("/admin/audit", "/admin/audit?handler=Verify");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("审计链完整", page.Text, StringComparison.Ordinal);
        var head = HeadHash().Match(page.Text);
        Assert.True(head.Success, page.Text);
        var stored = await company.Harness.ScalarAsync<string>("SELECT encode(hash, 'hex') FROM audit_log WHERE id = @id", new { id = long.Parse(head.Groups[1].Value, CultureInfo.InvariantCulture) });
        Assert.Contains(stored, page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnEditedRow_NamesTheRowAndTheProblem()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        var actor = await company.Harness.ScalarAsync<string>("SELECT actor FROM audit_log WHERE id = 5");
        await AsTableOwnerAsync("UPDATE audit_log SET actor = 'mallory' WHERE id = 5");
        try
        {
            var page = await browser.SubmitAsync("/admin/audit", "/admin/audit?handler=Verify");

            Assert.Contains("审计链在第 5 条处断开", page.Text, StringComparison.Ordinal);
            Assert.Contains("该记录的内容或哈希被改动过", page.Text, StringComparison.Ordinal);
            Assert.Contains("此前的 4 条记录完好", page.Text, StringComparison.Ordinal);
        }
        finally
        {
            await AsTableOwnerAsync("UPDATE audit_log SET actor = @actor WHERE id = 5", new { actor });
        }
    }

    [Fact]
    public async Task Verify_WithoutAntiforgeryToken_Rejected()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var answer = await browser.SubmitWithoutTokenAsync("/admin/audit?handler=Verify");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
    }

    [Fact]
    public async Task Page_ScopedAdmin_403AndNoLinkToIt()
    {
        using var browser = await company.SignInAsync(DashboardFixture.Admin3);

        var audit = await browser.OpenAsync("/admin/audit");
        var verify = await browser.SubmitAsync("/admin/analytics", "/admin/audit?handler=Verify");
        var overview = await browser.OpenAsync("/admin");

        Assert.Equal(HttpStatusCode.Forbidden, audit.Status);
        Assert.Equal(HttpStatusCode.Forbidden, verify.Status);
        Assert.DoesNotContain("href=\"/admin/audit\"", overview.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_ActorByUserid_OnlyTheirEntries()
    {
        using var browser = await company.SignInAsync(DashboardFixture.Auditor);

        var page = await browser.OpenAsync("/admin/audit?actor=BOSS");

        var ids = Ids(page.Body);
        var expected = await company.Harness.QueryAsync<long>("SELECT id FROM audit_log WHERE lower(actor) = 'boss' ORDER BY id DESC LIMIT 50");
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task Filter_DatesAroundTheLog_EveryEntryBetweenThem()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);
        var china = TimeSpan.FromHours(8);
        var first = (await company.Harness.ScalarAsync<DateTime>("SELECT min(at) FROM audit_log")).ToUniversalTime();
        var from = new DateTimeOffset(first, TimeSpan.Zero).ToOffset(china).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = company.Harness.Sim.Clock.GetUtcNow().AddDays(1).ToOffset(china).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var page = await browser.OpenAsync($"/admin/audit?from={from}&to={to}&entity=admin_role");

        var expected = await company.Harness.QueryAsync<long>("SELECT id FROM audit_log WHERE entity_type = 'admin_role' ORDER BY id DESC LIMIT 50");
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Ids(page.Body));
    }

    [Fact]
    public async Task Page_SignedInWithoutRole_403()
    {
        using var browser = await company.SignInAsync(DashboardFixture.NoRole);

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.OpenAsync("/admin/audit")).Status);
    }

    private static List<long> Ids(string html) => [.. RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>Edits the append-only log as its owner can (rules off for this session): what the chain exists to reveal.</summary>
    private async Task AsTableOwnerAsync(string sql, object? args = null)
    {
        await using var db = company.Harness.Database.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition("SET session_replication_role = replica", cancellationToken: Ct));
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    [GeneratedRegex("<tr data-id=\"(\\d+)\"")]
    private static partial Regex RowId();

    [GeneratedRegex("最新一条为 #(\\d+)")]
    private static partial Regex HeadHash();
}
