using System.Net;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>
/// 审批规则 through the page's own forms: a super admin adds, edits, moves and deletes rules, each change one audit
/// entry with them as actor and what changed; an admin reads the rules but a crafted POST of theirs changes nothing.
/// </summary>
public sealed class ApprovalRulesPageTests
{
    private const string Page = "/admin/rules";

    private static KeyValuePair<string, string>[] Form(string name, string route, string members = "", string keyTags = "", params string[] departments) =>
    [
        new("Form.Name", name), new("Form.Route", route), new("Form.Members", members), new("Form.KeyTags", keyTags),
        new("Form.MinCustomers", ""), new("Form.MaxCustomers", ""), new("Form.RemindAfterHours", "4"), new("Form.EscalateAfterHours", "24"),
        new("Form.ExpireAfterHours", "72"), new("Form.Enabled", "true"), new("Form.Enabled", "false"),
        .. departments.Select(d => new KeyValuePair<string, string>("Form.Departments", d)),
    ];

    [Fact]
    public async Task Rules_SuperAdminEditsThroughTheForms_EachChangeAuditedAsThem()
    {
        await using var host = await DashboardHost.StartAsync();
        var h = host.Harness;
        using var boss = await host.SignInAsync("boss");

        using var created = await boss.PostFormAsync(Page, Page + "?handler=Save", Form("销售重要客户双人复核", "two_person", "lina", "重要客户，VIP", DashboardHost.Sales.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal((HttpStatusCode.Redirect, Page), (created.StatusCode, created.Headers.Location?.OriginalString));
        using var second = await boss.PostFormAsync(Page, Page + "?handler=Save", Form("人事审批", "members", "auditor"));
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, second);
        var first = await h.ScalarAsync<long>("SELECT id FROM approval_rules WHERE name = '销售重要客户双人复核'");
        var rule = (await h.QueryAsync<(int Position, string Route, string[] Tags, long[] Departments, string[] Members, int Remind)>(
            "SELECT position, route, key_tags, departments, members, remind_after_hours FROM approval_rules WHERE id = @first", new { first })).Single();
        Assert.Equal((1, "two_person", "重要客户,VIP", DashboardHost.Sales, "lina", 4), (rule.Position, rule.Route, string.Join(",", rule.Tags), Assert.Single(rule.Departments), Assert.Single(rule.Members), rule.Remind));
        var html = await boss.GetPageAsync(Page);
        Assert.Contains("销售重要客户双人复核", html, StringComparison.Ordinal);
        Assert.Contains("销售部", html, StringComparison.Ordinal);

        using var edited = await boss.PostFormAsync($"{Page}?edit={first}", $"{Page}?handler=Save&edit={first}", Form("销售重要客户双人复核", "two_person", "lina", "重要客户"));
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, edited);
        using var moved = await boss.PostFormAsync(Page, $"{Page}?handler=Move&id={first}&by=1", []);
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, moved);
        Assert.Equal(["人事审批", "销售重要客户双人复核"], await h.QueryAsync<string>("SELECT name FROM approval_rules ORDER BY position"));
        using var deleted = await boss.PostFormAsync(Page, $"{Page}?handler=Delete&id={first}", []);
        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, deleted);
        Assert.Equal(["人事审批"], await h.QueryAsync<string>("SELECT name FROM approval_rules"));

        var trail = (await h.QueryAsync<(string Actor, string Action, string? Before, string? After)>(
            """
            SELECT actor, action, (SELECT string_agg(t, ',') FROM jsonb_array_elements_text(before->'key_tags') t),
                   (SELECT string_agg(t, ',') FROM jsonb_array_elements_text(after->'key_tags') t)
            FROM audit_log WHERE entity_type = 'approval_rule' AND entity_id = @id ORDER BY id
            """,
            new { id = first.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToList();
        Assert.Equal(
            [
                ("boss", "approval_rule.create", null, "重要客户,VIP"),
                ("boss", "approval_rule.update", "重要客户,VIP", "重要客户"),
                ("boss", "approval_rule.move", null, null),
                ("boss", "approval_rule.delete", "重要客户", null),
            ],
            trail);
    }

    [Fact]
    public async Task Rules_AdminReadsButACraftedPostChangesNothing()
    {
        await using var host = await DashboardHost.StartAsync();
        var h = host.Harness;
        using var admin = await host.SignInAsync("salesadmin");

        var html = await admin.GetPageAsync(Page);
        Assert.DoesNotContain("?handler=Save", html, StringComparison.Ordinal);
        // The page's token is valid for this member; the command refuses who they are.
        using var posted = await admin.PostFormAsync(Page, Page + "?handler=Save", Form("越权规则", "none"));

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, posted);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM approval_rules"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE entity_type = 'approval_rule' OR actor = 'salesadmin'"));
    }

    [Fact]
    public async Task Rules_NamedMembersRouteWithoutMembers_RefusedOnTheFormWithWhatWasTyped()
    {
        await using var host = await DashboardHost.StartAsync();
        using var boss = await host.SignInAsync("boss");

        using var posted = await boss.PostFormAsync(Page, Page + "?handler=Save", Form("无人审批", "members"));

        await HttpAssert.StatusAsync(HttpStatusCode.OK, posted);
        var html = await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("value=\"无人审批\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"flash", html, StringComparison.Ordinal);
        Assert.Equal(0, await host.Harness.ScalarAsync<long>("SELECT count(*) FROM approval_rules"));
    }
}
