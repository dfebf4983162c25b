using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Dashboard;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>The roles page. Every test leaves <see cref="DashboardFixture.Candidate"/> without a role, as it found them.</summary>
[Collection(DashboardCompany.Name)]
public sealed class RolesPageTests(DashboardFixture company) : IAsyncLifetime
{
    private const string Roles = "/admin/roles";
    private const string Grant = "/admin/roles?handler=Grant";
    private const string Revoke = "/admin/roles?handler=Revoke";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await company.Harness.ScalarAsync<long>("WITH d AS (DELETE FROM admin_roles WHERE userid = @u RETURNING 1) SELECT count(*) FROM d", new { u = DashboardFixture.Candidate });
        company.Harness.Service.Services.GetRequiredService<PeopleRights>().Forget(DashboardFixture.Candidate);
    }

    [Theory]
    [InlineData(DashboardFixture.Admin2)]
    [InlineData(DashboardFixture.Auditor)]
    public async Task Page_NotASuperAdmin_403AndNoGrant(string userid)
    {
        using var browser = await company.SignInAsync(userid);

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.OpenAsync(Roles)).Status);
        var page = await browser.OpenAsync("/admin/analytics"); // a page they may open, for its antiforgery token
        var grant = await browser.SubmitAsync("/admin/analytics", Grant, ("userid", DashboardFixture.Candidate), ("role", "super_admin"));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(HttpStatusCode.Forbidden, grant.Status);
        Assert.Equal(0, await RoleCountAsync(DashboardFixture.Candidate));
    }

    [Fact]
    public async Task Page_SuperAdmin_ListsRolesWithTheConfiguredSuperAdminNotRevocable()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var page = await browser.OpenAsync(Roles);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var rows = page.Rows("roles-table");
        Assert.Equal(["王总 (boss)", "超级管理员 配置指定", "全部部门", "Admin:SuperAdmins", "在配置中修改"], rows[0]);
        var admin2 = Assert.Single(rows, r => r[0] == "周敏 (admin2)");
        Assert.Equal(("管理员", "销售一部"), (admin2[1], admin2[2]));
        Assert.StartsWith("王总 (boss)", admin2[3], StringComparison.Ordinal);
        Assert.Contains("撤销", admin2[4], StringComparison.Ordinal);
        Assert.Contains(rows, r => r[0] == "陈审计 (shenji)" && r[1] == "审计员");
    }

    [Fact]
    public async Task Search_PartOfAName_ListsActiveMembersToChooseFromAndTheDepartmentTree()
    {
        using var browser = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var found = await browser.OpenAsync(Roles + "?q=%E5%B0%8F%E9%A9%AC"); // 小马
        var left = await browser.OpenAsync(Roles + "?q=zhangsan");

        Assert.Contains("name=\"userid\" value=\"xiaoma\"", found.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"departments\" value=\"4\"", found.Body, StringComparison.Ordinal);
        Assert.Contains("华东组", found.Text, StringComparison.Ordinal);
        Assert.Contains("没有找到在职成员“zhangsan”", left.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantAndRevoke_Auditor_TakeEffectAtOnceAndAreAudited()
    {
        using var boss = await company.SignInAsync(DashboardFixture.SuperAdmin);
        using var candidate = await company.SignInAsync(DashboardFixture.Candidate);
        Assert.Equal(HttpStatusCode.Forbidden, (await candidate.OpenAsync("/admin/audit")).Status); // "no role" is now cached on this node

        var granted = await boss.SubmitAsync(Roles, Grant, ("userid", DashboardFixture.Candidate), ("role", "auditor"));
        var listed = await boss.OpenAsync(granted.Location!);
        var asAuditor = await candidate.OpenAsync("/admin/audit");
        var revoked = await boss.SubmitAsync(Roles, Revoke, ("userid", DashboardFixture.Candidate));
        var afterRevoke = await boss.OpenAsync(revoked.Location!);
        var asNobody = await candidate.OpenAsync("/admin/audit");

        Assert.Equal((HttpStatusCode.Redirect, "/admin/roles"), (granted.Status, granted.Location));
        Assert.Contains("已将 小马 (xiaoma) 设为审计员。", listed.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, asAuditor.Status);
        Assert.Contains("已撤销 小马 (xiaoma) 的审计员角色。", afterRevoke.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, asNobody.Status);
        var audited = await company.Harness.QueryAsync<(string Actor, string Action)>(
            "SELECT actor, action FROM audit_log WHERE entity_type = 'admin_role' AND entity_id = @u ORDER BY id DESC LIMIT 2", new { u = DashboardFixture.Candidate });
        Assert.Equal([("boss", "role.revoke"), ("boss", "role.grant")], audited);
    }

    [Fact]
    public async Task Grant_AdminOfADepartment_SeesThatDepartmentsDeparturesOnly()
    {
        using var boss = await company.SignInAsync(DashboardFixture.SuperAdmin);
        using var candidate = await company.SignInAsync(DashboardFixture.Candidate);

        var granted = await boss.SubmitAsync(Roles, Grant, ("userid", DashboardFixture.Candidate), ("role", "admin"), ("departments", "3"));

        Assert.Contains("已将 小马 (xiaoma) 设为管理员，管理：销售二部。", (await boss.OpenAsync(granted.Location!)).Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await candidate.OpenAsync($"/admin/departures/{company.Waiting}/checklist")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await candidate.OpenAsync($"/admin/departures/{company.Completed}/checklist")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await candidate.OpenAsync(Roles)).Status);
    }

    [Theory]
    [InlineData("xiaoma", "admin", null, "管理员至少要管理一个部门：请勾选部门。")]
    [InlineData("xiaoma", "owner", null, "请选择角色：超级管理员、管理员或审计员。")]
    [InlineData("zhangsan", "auditor", null, "zhangsan 不是在职成员（已离职、被禁用或尚未同步），不能授予角色。")]
    [InlineData("boss", "auditor", null, "boss 是配置文件（Admin:SuperAdmins）指定的超级管理员，请在配置中修改。")]
    [InlineData("xiaoma", "admin", "999", "管理员至少要管理一个部门：请勾选部门。")]
    public async Task Grant_Refused_SaysWhyAndChangesNothing(string userid, string role, string? department, string message)
    {
        using var boss = await company.SignInAsync(DashboardFixture.SuperAdmin);
        var before = await company.Harness.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE entity_type = 'admin_role'");
        (string, string)[] fields = department is null ? [("userid", userid), ("role", role)] : [("userid", userid), ("role", role), ("departments", department)];

        var refused = await boss.SubmitAsync(Roles, Grant, fields);
        var shown = await boss.OpenAsync(refused.Location!);

        Assert.Contains(message, shown.Text, StringComparison.Ordinal);
        Assert.Contains("flash-error", shown.Body, StringComparison.Ordinal);
        Assert.Equal(before, await company.Harness.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE entity_type = 'admin_role'"));
    }

    [Theory]
    [InlineData("boss", "boss 是配置文件（Admin:SuperAdmins）指定的超级管理员，请在配置中修改。")]
    [InlineData("lulu", "lulu 没有角色，无需撤销。")]
    public async Task Revoke_Refused_SaysWhy(string userid, string message)
    {
        using var boss = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var refused = await boss.SubmitAsync(Roles, Revoke, ("userid", userid));

        Assert.Contains(message, (await boss.OpenAsync(refused.Location!)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_OwnRole_RefusedAnotherSuperAdminMust()
    {
        using var boss = await company.SignInAsync(DashboardFixture.SuperAdmin);
        await boss.SubmitAsync(Roles, Grant, ("userid", DashboardFixture.Candidate), ("role", "super_admin"));
        using var candidate = await company.SignInAsync(DashboardFixture.Candidate);

        var refused = await candidate.SubmitAsync(Roles, Revoke, ("userid", DashboardFixture.Candidate));

        Assert.Contains("不能撤销自己的角色，请由另一位超级管理员操作。", (await candidate.OpenAsync(refused.Location!)).Text, StringComparison.Ordinal);
        Assert.Equal(1, await RoleCountAsync(DashboardFixture.Candidate));
    }

    [Fact]
    public async Task Grant_WithoutAntiforgeryToken_RejectedAndNothingChanged()
    {
        using var boss = await company.SignInAsync(DashboardFixture.SuperAdmin);

        var forged = await boss.SubmitWithoutTokenAsync(Grant, ("userid", DashboardFixture.Candidate), ("role", "super_admin"));

        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal(0, await RoleCountAsync(DashboardFixture.Candidate));
    }

    private Task<long> RoleCountAsync(string userid) => company.Harness.ScalarAsync<long>("SELECT count(*) FROM admin_roles WHERE userid = @userid", new { userid });
}
