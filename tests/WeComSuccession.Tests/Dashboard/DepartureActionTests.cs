using System.Net;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>What people do on a departure's page, through the page's own forms (antiforgery included): each action
/// goes through the shared command, is audited with the signed-in member, and a crafted POST outside one's rights
/// changes nothing.</summary>
public sealed class DepartureActionTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await DashboardHost.StartAsync();

        // Two items of each departure that need a person: one failed (successor at capacity), one refused.
        foreach (var id in new[] { _host.InScope, _host.OutOfScope })
        {
            await Wait.UntilAsync(async () => await _host.Harness.ScalarAsync<long>("SELECT count(*) FROM succession_items WHERE succession_id = @id AND state = 'waiting'", new { id }) >= 2,
                TimeSpan.FromSeconds(60), "items submitted");
            await _host.Harness.ScalarAsync<long>(
                """
                WITH two AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM succession_items WHERE succession_id = @id ORDER BY id LIMIT 2)
                UPDATE succession_items i SET state = CASE two.n WHEN 1 THEN 'failed' ELSE 'refused' END, errcode = CASE two.n WHEN 1 THEN 40099 END, next_check_at = NULL
                FROM two WHERE i.id = two.id RETURNING 1
                """, new { id });
        }
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private Task<long> ItemAsync(long succession, string state) =>
        _host.Harness.ScalarAsync<long>("SELECT id FROM succession_items WHERE succession_id = @succession AND state = @state ORDER BY id LIMIT 1", new { succession, state });

    [Fact]
    public async Task Admin_ReassignsAFailedItem_ToAnEligibleMember_AuditedAsThem()
    {
        var failed = await ItemAsync(_host.InScope, "failed");
        using var browser = await _host.SignInAsync("salesadmin");

        var response = await browser.PostFormAsync($"/admin/departures/{_host.InScope}", $"/admin/departures/{_host.InScope}?handler=Reassign",
            [new("ids", failed.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("takeover", "lina")]);

        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, response);
        var item = (await _host.Harness.QueryAsync<(string State, string Takeover, string Rule)>("SELECT state, takeover_userid, rule FROM succession_items WHERE id = @failed", new { failed })).Single();
        Assert.Equal(("lina", "manual"), (item.Takeover, item.Rule));
        Assert.Matches("^(queued|submitting|waiting)$", item.State);
        Assert.Equal(1, await _host.Harness.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'item.reassign' AND actor = 'salesadmin' AND entity_id = @id AND after ->> 'via' = 'dashboard'", new { id = failed.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Contains("1 项已改派", await browser.GetPageAsync($"/admin/departures/{_host.InScope}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_MarksARefusedItemHandled_WithANote()
    {
        var refused = await ItemAsync(_host.InScope, "refused");
        using var browser = await _host.SignInAsync("salesadmin");

        var response = await browser.PostFormAsync($"/admin/departures/{_host.InScope}", $"/admin/departures/{_host.InScope}?handler=Handled",
            [new("ids", refused.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("note", "已电话联系客户，客户同意由李娜跟进")]);

        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, response);
        var item = (await _host.Harness.QueryAsync<(string State, string Note, string By)>("SELECT state, handled_note, handled_by FROM succession_items WHERE id = @refused", new { refused })).Single();
        Assert.Equal(("refused", "已电话联系客户，客户同意由李娜跟进", "salesadmin"), item);
        Assert.DoesNotContain($"value=\"{refused}\"", await browser.GetPageAsync("/admin/failures"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScopedAdmin_CraftedPostOnAnotherDepartmentsDeparture_Gets404AndChangesNothing()
    {
        var failed = await ItemAsync(_host.OutOfScope, "failed");
        using var browser = await _host.SignInAsync("salesadmin");

        // The token comes from a page the admin may open; the action names a departure they cannot see.
        var response = await browser.PostFormAsync($"/admin/departures/{_host.InScope}", $"/admin/departures/{_host.OutOfScope}?handler=Retry",
            [new("ids", failed.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
        Assert.Equal("failed", await _host.Harness.ScalarAsync<string>("SELECT state FROM succession_items WHERE id = @failed", new { failed }));
        Assert.Equal(0, await _host.Harness.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE actor = 'salesadmin'"));
    }

    [Fact]
    public async Task Auditor_CraftedRetry_Gets403AndChangesNothing()
    {
        var failed = await ItemAsync(_host.InScope, "failed");
        using var browser = await _host.SignInAsync("auditor");

        var response = await browser.PostFormAsync($"/admin/departures/{_host.InScope}", $"/admin/departures/{_host.InScope}?handler=Retry",
            [new("ids", failed.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal("failed", await _host.Harness.ScalarAsync<string>("SELECT state FROM succession_items WHERE id = @failed", new { failed }));
        Assert.Equal(0, await _host.Harness.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE actor = 'auditor'"));
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefused()
    {
        var failed = await ItemAsync(_host.InScope, "failed");
        using var browser = await _host.SignInAsync("boss");

        var response = await browser.PostWithoutTokenAsync($"/admin/departures/{_host.InScope}?handler=Retry", [new("ids", failed.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("failed", await _host.Harness.ScalarAsync<string>("SELECT state FROM succession_items WHERE id = @failed", new { failed }));
    }

    [Fact]
    public async Task BulkRetryAcrossDepartures_FromTheFailuresPage_ShowsProgressToTheEnd()
    {
        using var browser = await _host.SignInAsync("boss");
        long[] failed = [await ItemAsync(_host.InScope, "failed"), await ItemAsync(_host.OutOfScope, "failed")];

        var response = await browser.PostFormAsync("/admin/failures", "/admin/failures",
            [new("action", "retry"), new("scope", "selected"), .. failed.Select(i => new KeyValuePair<string, string>("ids", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);

        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, response);
        var progress = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/admin/failures/bulk/", progress, StringComparison.Ordinal);
        await Wait.UntilAsync(async () => (await browser.GetPageAsync(progress)).Contains("已完成", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the bulk retry to finish");
        Assert.Contains("已处理 2 / 2 项：2 项已更改", await browser.GetPageAsync(progress), StringComparison.Ordinal);
        Assert.Equal(0, await _host.Harness.ScalarAsync<long>("SELECT count(*) FROM succession_items WHERE id = ANY(@failed) AND state = 'failed'", new { failed }));
    }
}
