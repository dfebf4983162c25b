using System.Net;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>
/// Every dashboard route × every kind of visitor → the status they get: anonymous people are sent to sign in,
/// a member without a role gets 403, a scoped admin gets 404 for another department's departure, an auditor reads
/// everything and a crafted POST by them is refused, a super admin opens everything.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.Host host) : IClassFixture<AuthorizationMatrixTests.Host>
{
    /// <summary>One system for the whole matrix (signing in costs a few requests; the data is read-only here).</summary>
    public sealed class Host : IAsyncLifetime
    {
        public DashboardHost System { get; private set; } = null!;

        public async ValueTask InitializeAsync() => System = await DashboardHost.StartAsync();

        public async ValueTask DisposeAsync() => await System.DisposeAsync();
    }

    // Expected status per visitor: anonymous, nobody (no role), salesadmin (scoped to 销售部), auditor, boss (super admin).
    // "in" / "out" stand for the departures inside and outside salesadmin's departments.
    public static TheoryData<string, int, int, int, int, int> Routes => new()
    {
        { "/admin", 302, 403, 200, 200, 200 },
        { "/admin/departures", 302, 403, 200, 200, 200 },
        { "/admin/departures/in", 302, 403, 200, 200, 200 },
        { "/admin/departures/out", 302, 403, 404, 200, 200 },
        { "/admin/departures/999999", 302, 403, 404, 404, 404 },
        { "/admin/failures", 302, 403, 200, 200, 200 },
        { "/admin/successors", 302, 403, 200, 200, 200 },
        { "/admin/members/picker?q=li", 302, 403, 200, 200, 200 },
        { "/admin/departures/in/checklist", 302, 403, 200, 200, 200 },
        { "/admin/departures/out/checklist.csv", 302, 403, 404, 200, 200 },
        { "/admin/departures/out/checklist.xlsx", 302, 403, 404, 200, 200 },
        { "/admin/audit", 302, 403, 403, 200, 200 },
        { "/admin/roles", 302, 403, 403, 403, 200 },
        { "/admin/analytics", 302, 403, 200, 200, 200 },
        { "/admin/analytics?export=months", 302, 403, 200, 200, 200 },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_EachVisitor_GetsTheExpectedStatus(string route, int anonymous, int nobody, int scopedAdmin, int auditor, int superAdmin)
    {
        var path = route.Replace("/in", "/" + host.System.InScope, StringComparison.Ordinal).Replace("/out", "/" + host.System.OutOfScope, StringComparison.Ordinal);
        (string? Who, int Expected)[] visitors = [(null, anonymous), ("nobody", nobody), ("salesadmin", scopedAdmin), ("auditor", auditor), ("boss", superAdmin)];
        foreach (var (who, expected) in visitors)
        {
            using var browser = await host.System.SignInAsync(who);
            var response = await browser.GetAsync(path);
            Assert.True((int)response.StatusCode == expected, $"{who ?? "anonymous"} GET {path}: {(int)response.StatusCode}, expected {expected}");
            if (expected == 302)
            {
                Assert.StartsWith("/admin/signin?returnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task NoRole_SeesWhomToAsk()
    {
        using var browser = await host.System.SignInAsync("nobody");

        var response = await browser.GetAsync("/admin");

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("老板", html, StringComparison.Ordinal); // the super admin to ask, by name
        Assert.Contains("无角色", html, StringComparison.Ordinal); // who is signed in
    }

    [Fact]
    public async Task ScopedAdmin_ListsOnlyTheirDepartmentsDepartures()
    {
        using var browser = await host.System.SignInAsync("salesadmin");

        var html = await browser.GetPageAsync("/admin/departures");

        Assert.Contains("sales1", html, StringComparison.Ordinal);
        Assert.DoesNotContain("support1", html, StringComparison.Ordinal);
    }
}
