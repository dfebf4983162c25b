namespace WeComSuccession.Simulator.Corp;

/// <summary>
/// The corp tag library that generated corps, <see cref="Corps"/> and <c>demo-corp.json</c> share, so that a test or a
/// service setting can name 重要客户 (key customer) by one id everywhere. The ids are made up but shaped like WeCom's
/// (<c>et</c> + 30 characters).
/// </summary>
public static class StandardTags
{
    public const string GradeGroupId = "et4jZ0CwAAq1mHkLw0Tg3bXq9Rvz1Ha0";
    public const string GradeGroupName = "客户等级";

    /// <summary>重要客户: the tag the service treats as a key customer.</summary>
    public const string KeyCustomer = "et4jZ0CwAAkB7yKq2pHfM5dVwYcZ3eA1";
    public const string KeyCustomerName = "重要客户";
    public const string RegularCustomer = "et4jZ0CwAAnP0sRt6vLqJ8gXbCdE2fB2";

    public const string SourceGroupId = "et4jZ0CwAA9xTqWm3kLpV7rNsYhG5dC3";
    public const string OfflineEvent = "et4jZ0CwAAcR2mVb8nJxK4tQwZpL6eD4";
    public const string Referral = "et4jZ0CwAAfG6hNs1qWzT9yBvXcM7gE5";
    public const string Website = "et4jZ0CwAAjL3kPd5rXyU2wCnVbH8hF6";

    /// <summary>Created 2024-01-01 00:00 +08:00.</summary>
    private const long Created = 1_704_038_400;

    /// <summary>客户等级 {重要客户, 普通客户} and 客户来源 {线下活动, 转介绍, 官网咨询}.</summary>
    public static IReadOnlyList<SeedTagGroup> Library { get; } =
    [
        new SeedTagGroup
        {
            GroupId = GradeGroupId,
            Name = GradeGroupName,
            Order = 2,
            CreateTime = Created,
            Tags = [new SeedTag(KeyCustomer, KeyCustomerName, 2, Created), new SeedTag(RegularCustomer, "普通客户", 1, Created)],
        },
        new SeedTagGroup
        {
            GroupId = SourceGroupId,
            Name = "客户来源",
            Order = 1,
            CreateTime = Created,
            Tags = [new SeedTag(OfflineEvent, "线下活动", 3, Created), new SeedTag(Referral, "转介绍", 2, Created), new SeedTag(Website, "官网咨询", 1, Created)],
        },
    ];

    /// <summary>The 客户来源 tags, in the order the generator draws from.</summary>
    internal static IReadOnlyList<string> Sources { get; } = [OfflineEvent, Referral, Website];
}
