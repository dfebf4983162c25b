using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeComSuccession.Simulator.Corp;

/// <summary>The corp file (e.g. <c>demo-corp.json</c>): departments, members, corp tags, customers with followers, groups.</summary>
public sealed record CorpSeed
{
    public IReadOnlyList<SeedDepartment> Departments { get; init; } = [];

    /// <summary>The corp tag library (企业标签); followers refer to its tag ids.</summary>
    public IReadOnlyList<SeedTagGroup> CorpTags { get; init; } = [];

    public IReadOnlyList<SeedMember> Members { get; init; } = [];
    public IReadOnlyList<SeedCustomer> Customers { get; init; } = [];
    public IReadOnlyList<SeedGroupChat> GroupChats { get; init; } = [];

    /// <summary>Reads a corp file.</summary>
    public static CorpSeed Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), CorpSeedJsonContext.Default.CorpSeed)
        ?? throw new InvalidDataException($"{path} holds no corp.");
}

/// <summary>A department of the corp file.</summary>
public sealed record SeedDepartment(long Id, string Name, long ParentId, long Order = 1);

/// <summary>A member of the corp file. Times are unix seconds; 0 = "the simulator's start time".</summary>
public sealed record SeedMember
{
    public string UserId { get; init; } = "";
    public string Name { get; init; } = "";
    public int? Status { get; init; }
    public IReadOnlyList<long> Departments { get; init; } = [1];
    public IReadOnlyList<int>? IsLeaderInDept { get; init; }
    public IReadOnlyList<string>? DirectLeader { get; init; }
    public string? Position { get; init; }
    public bool? CustomerContact { get; init; }
    public bool? RealNameVerified { get; init; }
    public long LastLoginTime { get; init; }
    public int? CustomerLimit { get; init; }
    public bool Deleted { get; init; }
    public long DimissionTime { get; init; }
}

/// <summary>A customer of the corp file with its followers.</summary>
public sealed record SeedCustomer
{
    public string ExternalUserId { get; init; } = "";
    public string Name { get; init; } = "";
    public int? Type { get; init; }
    public int Gender { get; init; }
    public string? CorpName { get; init; }
    public IReadOnlyList<SeedFollow> Followers { get; init; } = [];
}

/// <summary>One follower of a corp-file customer; <see cref="Ended"/> = the relation was deleted (84061); <see cref="TagIds"/> = corp tags on this relation.</summary>
public sealed record SeedFollow(string UserId, long CreateTime = 0, string? Remark = null, int AddWay = 1, bool Ended = false, IReadOnlyList<string>? TagIds = null);

/// <summary>A corp tag group of the corp file; ids look like WeCom's (<c>et…</c>) and are required, so that followers can name them.</summary>
public sealed record SeedTagGroup
{
    public string GroupId { get; init; } = "";
    public string Name { get; init; } = "";
    public long Order { get; init; } = 1;
    public long CreateTime { get; init; }
    public IReadOnlyList<SeedTag> Tags { get; init; } = [];
}

/// <summary>A corp tag of the corp file.</summary>
public sealed record SeedTag(string Id, string Name, long Order = 1, long CreateTime = 0);

/// <summary>A group chat of the corp file; <see cref="Members"/> are userids or external userids.</summary>
public sealed record SeedGroupChat
{
    public string ChatId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Owner { get; init; } = "";
    public long CreateTime { get; init; }
    public string? Notice { get; init; }
    public IReadOnlyList<string> Members { get; init; } = [];
    public bool? IsCustomerGroup { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CorpSeed))]
internal sealed partial class CorpSeedJsonContext : JsonSerializerContext;
