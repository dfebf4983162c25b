using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions.Successors;
using WeComSuccession.TestSupport;

namespace WeComSuccession.BrowserTests.Dashboard;

/// <summary>
/// The real system once for the dashboard's browser tests: a database of its own, the WeCom simulator (which also
/// serves WeCom's web-login page) and the service on 127.0.0.1, through <see cref="SuccessionHarness"/>. The company
/// has two departments (销售部, 客服部); 王静 is super admin by configuration, 周敏 administers 销售部, 陈审计 audits,
/// 路路 has no role. Three members left the way it happens in WeCom (deleted in the simulator):
/// 张三 (销售部) with one customer who refuses and one group WeCom will not transfer (90501, failed);
/// 孙丽 (销售部) with one such group, for the failures page's bulk retry; 王五 (客服部, outside 周敏's departments)
/// whose customers still wait at WeCom, with one failed group.
/// </summary>
public sealed class DashboardSystem : IAsyncLifetime
{
    public const string SuperAdmin = "wangjing", ScopedAdmin = "zhoumin", Auditor = "chenshen", NoRole = "lulu";

    /// <summary>An active member of 销售部 the failed group can be re-assigned to.</summary>
    public const string Eligible = "liuyang";

    public const string RefusingCustomer = "wmzhangsan00002";
    public const string FailingGroup = "wrzhangsan00001";
    private const int Sales = 2, Support = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public SuccessionHarness Harness { get; private set; } = null!;

    public Uri ServiceUrl => Harness.ServiceUrl;

    /// <summary>张三's departure (销售部): customers transferred but one refused; one group failed.</summary>
    public long Zhangsan { get; private set; }

    /// <summary>孙丽's departure (销售部): customers transferred, one group failed.</summary>
    public long Sunli { get; private set; }

    /// <summary>王五's departure (客服部, outside 周敏's scope): customers waiting at WeCom, one group failed.</summary>
    public long Wangwu { get; private set; }

    public async ValueTask InitializeAsync()
    {
        // Customer groups change owner 2 s after the call (WeCom: about a minute) so the fixture does not wait long.
        Harness = await SuccessionHarness.StartAsync(
            Corp(), sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2), new Dictionary<string, string?> { ["Admin:SuperAdmins:0"] = SuperAdmin });
        var ct = TestContext.Current.CancellationToken;
        var boss = new Actor(SuperAdmin, "dashboard", AdminRights.Everything);
        var roles = Harness.Service.Services.GetRequiredService<AdminRoles>();
        Assert.True((await roles.GrantAsync(ScopedAdmin, AdminRights.Admin, [Sales], boss, ct)).IsDone);
        Assert.True((await roles.GrantAsync(Auditor, AdminRights.Auditor, [], boss, ct)).IsDone);
        var successors = Harness.Service.Services.GetRequiredService<RegisteredSuccessors>();
        Assert.True((await successors.RegisterAsync("sunli", "lina", boss, ct)).IsDone);

        Assert.True(Harness.Sim.SetRefusal(RefusingCustomer, true));
        Harness.Sim.DeleteMember("zhangsan");
        Harness.Sim.DeleteMember("sunli");
        await WaitForAsync("zhangsan", "failed:1, transferred:1, waiting:5");
        await WaitForAsync("sunli", "failed:1, transferred:1, waiting:3");

        // A day later at WeCom: the takeovers complete, the refusal arrives.
        Harness.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await WaitForAsync("zhangsan", "failed:1, refused:1, transferred:5");
        await WaitForAsync("sunli", "failed:1, transferred:4");

        Harness.Sim.DeleteMember("wangwu");
        await WaitForAsync("wangwu", "failed:1, transferred:1, waiting:4");

        Zhangsan = (await Harness.SuccessionIdAsync("zhangsan"))!.Value;
        Sunli = (await Harness.SuccessionIdAsync("sunli"))!.Value;
        Wangwu = (await Harness.SuccessionIdAsync("wangwu"))!.Value;
    }

    public async ValueTask DisposeAsync() => await Harness.DisposeAsync();

    public string Path(string relative) => new Uri(ServiceUrl, relative).ToString();

    /// <summary>The item of <paramref name="succession"/> for a customer or group id.</summary>
    public Task<long> ItemAsync(long succession, string target) =>
        Harness.ScalarAsync<long>("SELECT id FROM succession_items WHERE succession_id = @succession AND target_id = @target", new { succession, target });

    public Task<string> ItemStateAsync(long item) =>
        Harness.ScalarAsync<string>("SELECT state FROM succession_items WHERE id = @item", new { item });

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task WaitForAsync(string handover, string states) =>
        await Wait.UntilAsync(async () => await StatesAsync(handover) == states, Deadline,
            $"{handover}'s items to be {states}", async () => await StatesAsync(handover) + " — " + await Harness.DescribeAsync(handover));

    private async Task<string> StatesAsync(string handover) =>
        string.Join(", ", (await Harness.ItemStatesAsync(handover)).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}:{s.Value}"));

    private static CorpSeed Corp()
    {
        static SeedMember Person(string userid, string name, long department, string position, string? leader = null, bool leads = false) =>
            Corps.Member(userid, leader, leads) with { Name = name, Departments = [department], Position = position };

        static IEnumerable<SeedCustomer> Customers(string owner, params string[] names) => names.Select((name, i) => new SeedCustomer
        {
            ExternalUserId = $"wm{owner}{i:D5}",
            Name = name,
            Type = 1,
            CorpName = name.EndsWith("公司", StringComparison.Ordinal) ? name : null,
            Followers = [new SeedFollow(owner, 1_700_000_000)],
        });

        // The second group is an internal chat WeCom refuses to hand over (90501 not a customer group): a failed item.
        static IEnumerable<SeedGroupChat> Groups(string owner, string customerGroup, string internalChat) =>
        [
            new SeedGroupChat { ChatId = $"wr{owner}00000", Name = customerGroup, Owner = owner, CreateTime = 1_700_000_000, Members = [owner] },
            new SeedGroupChat { ChatId = $"wr{owner}00001", Name = internalChat, Owner = owner, CreateTime = 1_700_000_000, Members = [owner], IsCustomerGroup = false },
        ];

        return new CorpSeed
        {
            Departments = [new SeedDepartment(1, "星河贸易有限公司", 0), new SeedDepartment(Sales, "销售部", 1), new SeedDepartment(Support, "客服部", 1)],
            CorpTags = StandardTags.Library,
            Members =
            [
                Person(SuperAdmin, "王静", 1, "人力资源总监", leads: true),
                Person(Auditor, "陈审计", 1, "内审专员", leader: SuperAdmin),
                Person("lina", "李娜", Sales, "销售经理", leader: SuperAdmin, leads: true),
                Person(ScopedAdmin, "周敏", Sales, "销售运营", leader: "lina"),
                Person(NoRole, "路路", Sales, "销售代表", leader: "lina"),
                Person(Eligible, "刘洋", Sales, "销售代表", leader: "lina"),
                Person("zhangsan", "张三", Sales, "销售代表", leader: "lina"),
                Person("sunli", "孙丽", Sales, "销售代表", leader: "lina"),
                Person("zhaomin", "赵敏", Support, "客服主管", leader: SuperAdmin, leads: true),
                Person("wangwu", "王五", Support, "客服专员", leader: "zhaomin"),
            ],
            Customers =
            [
                .. Customers("zhangsan", "上海明德科技有限公司", "陈先生", "杭州云帆贸易有限公司", "刘女士", "苏州新禾电子有限公司"),
                .. Customers("sunli", "南京瑞景家居有限公司", "黄先生", "宁波海川物流有限公司"),
                .. Customers("wangwu", "周女士", "成都锦程文化传媒有限公司", "吴先生", "武汉百川医疗器械有限公司"),
            ],
            GroupChats = [.. Groups("zhangsan", "明德科技售后群", "张三的内部周报群"), .. Groups("sunli", "瑞景家居项目群", "孙丽的内部备忘群"), .. Groups("wangwu", "锦程文化服务群", "王五的内部值班群")],
        };
    }
}

[CollectionDefinition(Name)]
public sealed class OneDashboardSystem : ICollectionFixture<DashboardSystem>
{
    public const string Name = "Dashboard system";
}
