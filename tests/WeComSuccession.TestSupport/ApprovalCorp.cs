using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Audit;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.TestSupport;

/// <summary>
/// A corp for approval scenarios: 公司 (1) → 销售中心 (5) → 销售一部 (2), and 客服部 (3) under the company; the standard
/// corp tags (重要客户). Helpers to add rules as a super admin, wait for a plan, and find its approval cards.
/// </summary>
internal static class ApprovalCorp
{
    public const long SalesCentre = 5;
    public const long SalesOne = 2;
    public const long Service = 3;

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static CorpSeed Build(IEnumerable<SeedMember> members, IEnumerable<SeedCustomer>? customers = null, IEnumerable<SeedGroupChat>? groups = null) =>
        Corps.Build(members, customers, groups) with
        {
            Departments = [new SeedDepartment(1, "公司", 0), new SeedDepartment(SalesCentre, "销售中心", 1), new SeedDepartment(SalesOne, "销售一部", SalesCentre), new SeedDepartment(Service, "客服部", 1)],
        };

    public static SeedMember Member(string userId, long department, string? leader = null, bool isDeptLeader = false) =>
        Corps.Member(userId, leader, isDeptLeader) with { Departments = [department] };

    /// <summary>
    /// <paramref name="count"/> customers of <paramref name="owner"/>, the first <paramref name="keyCustomers"/> tagged 重要客户
    /// by the owner and, when <paramref name="alsoFollowedBy"/> is given, followed and tagged by that colleague too: once the
    /// owner is deleted, WeCom shows only the tags of followers still in the address book.
    /// </summary>
    public static IEnumerable<SeedCustomer> Customers(string owner, int count, int keyCustomers = 0, string? alsoFollowedBy = null) =>
        Corps.Customers(owner, count, keyCustomers: keyCustomers).Select((c, i) => i < keyCustomers && alsoFollowedBy is not null
            ? c with { Followers = [.. c.Followers, new SeedFollow(alsoFollowedBy, 1_700_000_000, TagIds: [StandardTags.KeyCustomer])] }
            : c);

    public static ApprovalRuleInput Rule(
        string name, string route, long[]? departments = null, int? minCustomers = null, int? maxCustomers = null, string[]? keyTags = null, string[]? triggers = null,
        string[]? members = null, int? remindAfterHours = null, int? escalateAfterHours = null, int? expireAfterHours = null) =>
        new(name, true, departments ?? [], minCustomers, maxCustomers, keyTags ?? [], triggers ?? [], route, members ?? [], remindAfterHours, escalateAfterHours, expireAfterHours);

    /// <summary>Adds a rule as a super admin, as the dashboard's 审批规则 page does.</summary>
    public static async Task<ApprovalRule> AddRuleAsync(this SuccessionHarness h, ApprovalRuleInput rule)
    {
        var outcome = await h.Service.Services.GetRequiredService<ApprovalRules>().SaveAsync(null, rule, new Actor("rules-admin", "dashboard", AdminRights.Everything), Ct);
        Assert.True(outcome.IsDone, outcome.Detail);
        return outcome.Value!;
    }

    /// <summary>Waits until the member's latest succession is in <paramref name="state"/>; its id.</summary>
    public static async Task<long> WaitForStateAsync(this SuccessionHarness h, string handover, string state)
    {
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync(handover) == state, Deadline, $"{handover}'s plan to be {state}", () => h.DescribeAsync(handover));
        return (await h.SuccessionIdAsync(handover))!.Value;
    }

    /// <summary>The approval cards of a plan as WeCom (the simulator) holds them, in the order sent.</summary>
    public static IReadOnlyList<CardInfo> CardsOf(this SuccessionHarness h, long successionId) =>
        [.. h.Sim.Cards().Where(c => c.TaskId.StartsWith($"wcs-{successionId}-", StringComparison.Ordinal))];

    /// <summary>Waits until the plan has <paramref name="count"/> cards.</summary>
    public static async Task<IReadOnlyList<CardInfo>> WaitForCardsAsync(this SuccessionHarness h, long successionId, int count)
    {
        // Also until the service has recorded them as sent (with their send time and code): a test that moves the clock
        // right after WeCom (the simulator) holds a card would otherwise race the service's own record of it.
        await Wait.UntilAsync(
            async () => h.CardsOf(successionId).Count >= count
                && await h.ScalarAsync<long>("SELECT count(*) FROM approval_cards WHERE succession_id = @successionId AND sent_at IS NOT NULL", new { successionId }) >= count,
            Deadline, $"{count} approval cards of plan {successionId}, sent and recorded");
        return h.CardsOf(successionId);
    }

    /// <summary>One recipient's copy of a card now.</summary>
    public static CardRecipient Copy(this SuccessionHarness h, string taskId, string userId) =>
        h.Sim.Card(taskId)!.Recipients.Single(r => r.UserId == userId);
}
