using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>
/// One company for the dashboard's page tests, built the way it happens: the simulator plays WeCom, two members
/// leave (张三 of 华东组 under 销售一部, whose handover completes with one customer refusing; 赵六 of 销售二部,
/// whose customers still wait at WeCom), roles are granted by the configured super admin, and one large
/// departure of 10,000 items (inserted directly: the simulator would take minutes) feeds the downloads.
/// <see cref="DashboardHost"/>'s company has departures still in flight; the checklist, audit and analytics pages
/// need finished ones and a large one, built once and shared by those pages' tests (read-only, but for the roles
/// tests' candidate, whom they leave as they found them). People sign in with <see cref="DashboardHost.Browser"/>.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string SuperAdmin = "boss";
    public const string Auditor = "shenji";
    public const string Admin2 = "admin2";
    public const string Admin3 = "admin3";
    public const string NoRole = "lulu";

    /// <summary>A member of 销售二部 whose role the roles page's tests grant and revoke (and always leave without one).</summary>
    public const string Candidate = "xiaoma";
    public const int BulkItems = 10_000;

    /// <summary>A customer id a spreadsheet would run as a formula.</summary>
    public const string FormulaTarget = "=HYPERLINK(\"http://attacker.example\",\"点我\")";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public SuccessionHarness Harness { get; private set; } = null!;

    /// <summary>张三's departure (华东组, under 销售一部): completed; 3 customers and 2 groups transferred to 李娜, 1 customer refused.</summary>
    public long Completed { get; private set; }

    /// <summary>赵六's departure (销售二部): 3 customers waiting at WeCom, 1 group transferred, to 刘洋.</summary>
    public long Waiting { get; private set; }

    /// <summary>批量's departure (销售一部): <see cref="BulkItems"/> items, completed.</summary>
    public long Bulk { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Harness = await SuccessionHarness.StartAsync(
            Corp(), sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2),
            new Dictionary<string, string?> { ["Admin:SuperAdmins:0"] = SuperAdmin });
        var roles = Harness.Service.Services.GetRequiredService<AdminRoles>();
        var boss = new Actor(SuperAdmin, "dashboard", AdminRights.Everything);
        var ct = TestContext.Current.CancellationToken;
        Assert.True((await roles.GrantAsync(Auditor, AdminRights.Auditor, [], boss, ct)).IsDone);
        Assert.True((await roles.GrantAsync(Admin2, AdminRights.Admin, [2], boss, ct)).IsDone);
        Assert.True((await roles.GrantAsync(Admin3, AdminRights.Admin, [3], boss, ct)).IsDone);

        Assert.True(Harness.Sim.SetRefusal("wmzhangsan00000", true));
        Harness.Sim.DeleteMember("zhangsan");
        await Wait.UntilAsync(async () => await StatesAsync("zhangsan") == "transferred:2, waiting:4", Deadline,
            "张三's customers waiting and groups transferred", () => Harness.DescribeAsync("zhangsan"));
        Harness.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await Harness.SuccessionStateAsync("zhangsan") == "completed", Deadline,
            "张三's departure to complete", () => Harness.DescribeAsync("zhangsan"));
        Completed = (await Harness.SuccessionIdAsync("zhangsan"))!.Value;

        Harness.Sim.DeleteMember("zhaoliu");
        await Wait.UntilAsync(async () => await StatesAsync("zhaoliu") == "transferred:1, waiting:3", Deadline,
            "赵六's customers waiting and group transferred", () => Harness.DescribeAsync("zhaoliu"));
        Waiting = (await Harness.SuccessionIdAsync("zhaoliu"))!.Value;

        Bulk = await InsertBulkDepartureAsync();
    }

    public async ValueTask DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>A browser signed in as <paramref name="userid"/> through the simulator's WeCom login (<see cref="DashboardHost.Browser"/>).</summary>
    public async Task<DashboardHost.Browser> SignInAsync(string userid)
    {
        var browser = new DashboardHost.Browser(Harness);
        await browser.SignInAsync(userid);
        return browser;
    }

    public DashboardHost.Browser Anonymous() => new(Harness);

    private async Task<string> StatesAsync(string handover) =>
        string.Join(", ", (await Harness.ItemStatesAsync(handover)).OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"));

    /// <summary>
    /// A completed departure of a member of 销售一部 with <see cref="BulkItems"/> items: every tenth a group, the rest
    /// customers; 5% refused, 5% failed with 40099, the rest transferred to 李娜; one item's id is a formula.
    /// </summary>
    private async Task<long> InsertBulkDepartureAsync()
    {
        var now = Harness.Sim.Clock.GetUtcNow();
        await Harness.ScalarAsync<int>(
            "INSERT INTO members (userid, name, status, departments, main_department, updated_at, departed_at) VALUES ('piliang', '批量', 5, '{2}', 2, @now, @now) RETURNING 1",
            new { now });
        var id = await Harness.ScalarAsync<long>(
            """
            INSERT INTO successions (handover_userid, api, state, trigger, created_at, updated_at, completed_at)
            VALUES ('piliang', 'resigned', 'completed', 'sweep', @started, @now, @now) RETURNING id
            """, new { started = now.AddHours(-30), now });
        await Harness.ScalarAsync<int>(
            """
            WITH n AS (SELECT generate_series(1, @count) AS n)
            INSERT INTO succession_items (succession_id, kind, target_id, takeover_userid, rule, state, reason, errcode, updated_at)
            SELECT @id,
                   CASE WHEN n % 10 = 0 THEN 'group' ELSE 'customer' END,
                   CASE WHEN n = 7 THEN @formula ELSE 'wmbulk' || lpad(n::text, 6, '0') END,
                   'lina', 'pool',
                   CASE WHEN n % 20 = 1 THEN 'refused' WHEN n % 20 = 2 THEN 'failed' ELSE 'transferred' END,
                   CASE WHEN n % 20 = 1 THEN 'customer refused the takeover' END,
                   CASE WHEN n % 20 = 2 THEN 40099 END,
                   @now
            FROM n
            RETURNING 1
            """, new { id, count = BulkItems, formula = FormulaTarget, now });
        return id;
    }

    private static CorpSeed Corp()
    {
        static SeedMember Member(string userid, string name, long department, string? leader = null, bool leads = false) =>
            Corps.Member(userid, leader, leads) with { Name = name, Departments = [department] };

        return Corps.Build(
            [
                Member(SuperAdmin, "王总", 1, leads: true),
                Member(Auditor, "陈审计", 1, leader: SuperAdmin),
                Member(Admin2, "周敏", 2, leader: "lina"),
                Member(Admin3, "吴刚", 3, leader: "liuyang"),
                Member(NoRole, "路路", 2, leader: "lina"),
                Member(Candidate, "小马", 3, leader: "liuyang"),
                Member("lina", "李娜", 2, leader: SuperAdmin, leads: true),
                Member("liuyang", "刘洋", 3, leader: SuperAdmin, leads: true),
                Member("zhangsan", "张三", 4, leader: "lina"),
                Member("zhaoliu", "赵六", 3, leader: "liuyang"),
            ],
            [.. Corps.Customers("zhangsan", 4), .. Corps.Customers("zhaoliu", 3)],
            [.. Corps.Groups("zhangsan", 2), .. Corps.Groups("zhaoliu", 1)]) with
        {
            Departments = [new SeedDepartment(1, "示例公司", 0), new SeedDepartment(2, "销售一部", 1), new SeedDepartment(3, "销售二部", 1), new SeedDepartment(4, "华东组", 2)],
        };
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCompany : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}
