namespace WeComSuccession.Simulator.Corp;

/// <summary>Small corps for scenarios (tests, measurements): one department (2, under the company 1), the
/// <see cref="StandardTags"/> library, and members with customers and groups, in the shape <see cref="CorpSeed"/> loads.</summary>
public static class Corps
{
    public static SeedMember Member(string userId, string? leader = null, bool isDeptLeader = false, int? status = null, bool customerContact = true, int? customerLimit = null) => new()
    {
        UserId = userId,
        Name = userId,
        Status = status ?? 1,
        Departments = [2],
        IsLeaderInDept = [isDeptLeader ? 1 : 0],
        DirectLeader = leader is null ? [] : [leader],
        CustomerContact = customerContact,
        RealNameVerified = true,
        LastLoginTime = 1_760_000_000,
        CustomerLimit = customerLimit,
    };

    /// <summary><paramref name="count"/> customers of <paramref name="owner"/>; the first <paramref name="keyCustomers"/> are tagged 重要客户.</summary>
    public static IEnumerable<SeedCustomer> Customers(string owner, int count, string prefix = "wm", int keyCustomers = 0) =>
        Enumerable.Range(0, count).Select(i => new SeedCustomer
        {
            ExternalUserId = $"{prefix}{owner}{i:D5}",
            Name = $"客户{i}",
            Type = 1,
            Followers = [new SeedFollow(owner, 1_700_000_000, TagIds: i < keyCustomers ? [StandardTags.KeyCustomer] : null)],
        });

    public static IEnumerable<SeedGroupChat> Groups(string owner, int count) =>
        Enumerable.Range(0, count).Select(i => new SeedGroupChat
        {
            ChatId = $"wr{owner}{i:D5}",
            Name = $"客户群{i}",
            Owner = owner,
            CreateTime = 1_700_000_000,
            Members = [owner],
        });

    public static CorpSeed Build(IEnumerable<SeedMember> members, IEnumerable<SeedCustomer>? customers = null, IEnumerable<SeedGroupChat>? groups = null) => new()
    {
        Departments = [new SeedDepartment(1, "公司", 0), new SeedDepartment(2, "销售部", 1)],
        CorpTags = StandardTags.Library,
        Members = [.. members],
        Customers = [.. customers ?? []],
        GroupChats = [.. groups ?? []],
    };
}
