using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>
/// The whole system for dashboard tests: a corp with two branches of departments (销售部 › 销售一部, and 客服部),
/// a super admin by configuration (boss), an admin of 销售部 and below (salesadmin), an auditor, a member with no role
/// (nobody), and one departure in each branch. People sign in through the real flow: the service's /admin/signin,
/// the simulator's WeCom login page, the code exchanged with auth/getuserinfo, the cookie.
/// </summary>
public sealed partial class DashboardHost : IAsyncDisposable
{
    public const int Company = 1, Sales = 2, SalesOne = 3, Support = 4;

    private DashboardHost(SuccessionHarness harness) => Harness = harness;

    public SuccessionHarness Harness { get; }

    /// <summary>The departure of sales1 (销售一部, within salesadmin's scope).</summary>
    public long InScope { get; private set; }

    /// <summary>The departure of support1 (客服部, outside salesadmin's scope).</summary>
    public long OutOfScope { get; private set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<DashboardHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        static SeedMember Person(string userid, string name, long department, string? leader = null) => new()
        {
            UserId = userid, Name = name, Status = 1, Departments = [department], IsLeaderInDept = [0], DirectLeader = leader is null ? [] : [leader],
            CustomerContact = true, RealNameVerified = true, LastLoginTime = 1_760_000_000,
        };

        var corp = new CorpSeed
        {
            Departments = [new SeedDepartment(Company, "公司", 0), new SeedDepartment(Sales, "销售部", Company), new SeedDepartment(SalesOne, "销售一部", Sales), new SeedDepartment(Support, "客服部", Company)],
            CorpTags = StandardTags.Library,
            Members =
            [
                Person("boss", "老板", Company), Person("salesadmin", "销售管理员", Sales), Person("auditor", "审计员甲", Company), Person("nobody", "无角色", Company),
                Person("lina", "李娜", SalesOne), Person("sales1", "张三", SalesOne, leader: "lina"), Person("cs2", "客服二", Support), Person("support1", "客服一", Support, leader: "cs2"),
            ],
            Customers = [.. Corps.Customers("sales1", 3), .. Corps.Customers("support1", 2)],
        };
        var all = new Dictionary<string, string?>(SuccessionHarness.AdminKeySettings) { ["Admin:SuperAdmins:0"] = "boss" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var harness = await SuccessionHarness.StartAsync(corp, settings: all);
        var host = new DashboardHost(harness);
        try
        {
            await host.SetUpAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        var roles = Harness.Service.Services.GetRequiredService<AdminRoles>();
        var boss = new Actor("boss", "tests", AdminRights.Everything);
        Assert.True((await roles.GrantAsync("salesadmin", AdminRights.Admin, [Sales], boss, Ct)).IsDone);
        Assert.True((await roles.GrantAsync("auditor", AdminRights.Auditor, [], boss, Ct)).IsDone);

        Harness.Sim.DeleteMember("sales1");
        Harness.Sim.DeleteMember("support1");
        await Wait.UntilAsync(
            async () => await Harness.ScalarAsync<long>("SELECT count(*) FROM successions s WHERE EXISTS (SELECT 1 FROM succession_items i WHERE i.succession_id = s.id)") == 2,
            TimeSpan.FromSeconds(60), "both departures planned", () => Harness.DescribeAsync("sales1"));
        InScope = (await Harness.SuccessionIdAsync("sales1"))!.Value;
        OutOfScope = (await Harness.SuccessionIdAsync("support1"))!.Value;
    }

    /// <summary>A browser-like client (cookies, no automatic redirects), signed in as <paramref name="userid"/> unless null.</summary>
    public async Task<Browser> SignInAsync(string? userid)
    {
        var browser = new Browser(Harness);
        if (userid is not null)
        {
            await browser.SignInAsync(userid);
        }

        return browser;
    }

    public async ValueTask DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>Cookies across the service and the simulator, redirects followed by hand so a test sees each status.</summary>
    public sealed partial class Browser : IDisposable
    {
        private readonly HttpClient _http;

        internal Browser(SuccessionHarness harness)
        {
            _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
            {
                BaseAddress = harness.ServiceUrl,
            };
        }

        public async Task SignInAsync(string userid)
        {
            var toWeCom = await _http.GetAsync(new Uri("/admin/signin?returnUrl=/admin", UriKind.Relative), Ct);
            await HttpAssert.StatusAsync(HttpStatusCode.Redirect, toWeCom);
            var login = toWeCom.Headers.Location!;
            Assert.Contains("/wwlogin/sso/login", login.AbsolutePath, StringComparison.Ordinal);
            Assert.Contains("login_type=CorpApp", login.Query, StringComparison.Ordinal);
            var back = await _http.GetAsync(new Uri(login + "&sim_userid=" + userid), Ct);
            await HttpAssert.StatusAsync(HttpStatusCode.Redirect, back);
            var signedIn = await _http.GetAsync(back.Headers.Location!, Ct);
            await HttpAssert.StatusAsync(HttpStatusCode.Redirect, signedIn);
            Assert.Equal("/admin", signedIn.Headers.Location!.OriginalString);
        }

        public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative), Ct);

        public async Task<string> GetPageAsync(string path)
        {
            var response = await GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
            return await response.Content.ReadAsStringAsync(Ct);
        }

        /// <summary>Posts a form the way the page would, with the antiforgery token of <paramref name="page"/> (a page the person can open).</summary>
        public async Task<HttpResponseMessage> PostFormAsync(string page, string action, IEnumerable<KeyValuePair<string, string>> fields)
        {
            var html = await GetPageAsync(page);
            var token = Antiforgery().Match(html);
            Assert.True(token.Success, "no antiforgery token on " + page);
            return await _http.PostAsync(new Uri(action, UriKind.Relative),
                new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]), Ct);
        }

        public Task<HttpResponseMessage> PostWithoutTokenAsync(string action, IEnumerable<KeyValuePair<string, string>> fields) =>
            _http.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent(fields), Ct);

        public void Dispose() => _http.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex Antiforgery();
    }
}
