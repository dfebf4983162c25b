using System.Globalization;

namespace WeComSuccession.Simulator.Corp;

/// <summary>Builds a <see cref="CorpState"/> from a corp file or from the deterministic generator.</summary>
internal static class CorpBuilder
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "晨", "欣怡", "浩然", "子涵", "雨轩", "思远"];

    public static CorpState FromSeed(CorpSeed seed, long now)
    {
        var corp = new CorpState();
        if (seed.Departments.Count == 0)
        {
            corp.AddDepartment(new Department(1, "公司", 0, 1));
        }

        foreach (var d in seed.Departments)
        {
            corp.AddDepartment(new Department(d.Id, d.Name, d.ParentId, d.Order));
        }

        foreach (var g in seed.CorpTags)
        {
            corp.AddTagGroup(ToTagGroup(g, now));
        }

        foreach (var m in seed.Members)
        {
            corp.AddMember(new Member(m.UserId, m.Name)
            {
                Status = m.Status ?? 1,
                Departments = [.. m.Departments],
                IsLeaderInDept = m.IsLeaderInDept is { } leaders ? [.. leaders] : new int[m.Departments.Count],
                DirectLeaders = m.DirectLeader is { } dl ? [.. dl] : [],
                Position = m.Position,
                CustomerContact = m.CustomerContact ?? true,
                RealNameVerified = m.RealNameVerified ?? true,
                LastLoginTime = m.LastLoginTime == 0 ? now - 3600 : m.LastLoginTime,
                CustomerLimit = m.CustomerLimit,
                Deleted = m.Deleted,
                DimissionTime = m.Deleted && m.DimissionTime == 0 ? now - 86_400 : m.DimissionTime,
            });
        }

        foreach (var c in seed.Customers)
        {
            var customer = new Customer(c.ExternalUserId, c.Name) { Type = c.Type ?? 1, Gender = c.Gender, CorpName = c.CorpName };
            corp.AddCustomer(customer);
            foreach (var f in c.Followers)
            {
                var member = corp.Members.GetValueOrDefault(f.UserId) ?? throw new InvalidDataException($"Customer {c.ExternalUserId} follows unknown member {f.UserId}.");
                var follow = corp.AddFollow(customer, member, f.CreateTime == 0 ? now - (30 * 86_400) : f.CreateTime, f.AddWay, f.Remark);
                if (f.TagIds is { Count: > 0 } tagIds)
                {
                    var unknown = tagIds.FirstOrDefault(id => !corp.Tags.ContainsKey(id));
                    follow.TagIds = unknown is null ? [.. tagIds.Distinct(StringComparer.Ordinal)] : throw new InvalidDataException($"Customer {c.ExternalUserId} (follower {f.UserId}) has unknown tag {unknown}.");
                }

                if (f.Ended)
                {
                    corp.EndFollow(customer, member);
                }
            }
        }

        foreach (var g in seed.GroupChats)
        {
            if (!corp.Members.ContainsKey(g.Owner))
            {
                throw new InvalidDataException($"Group {g.ChatId} has unknown owner {g.Owner}.");
            }

            var created = g.CreateTime == 0 ? now - (60 * 86_400) : g.CreateTime;
            var group = new GroupChat(g.ChatId, g.Name, g.Owner, created) { Notice = g.Notice, IsCustomerGroup = g.IsCustomerGroup ?? true };
            foreach (var id in g.Members.Prepend(g.Owner).Distinct(StringComparer.Ordinal))
            {
                var type = corp.Members.ContainsKey(id) ? 1 : 2;
                group.Members.Add(new GroupMember(id, type, created, 0, type == 2 ? g.Owner : null));
            }

            corp.AddGroup(group);
        }

        return corp;
    }

    /// <summary>
    /// A corp of <c>Members × CustomersPerMember</c> customers and <c>Members × GroupsPerMember</c> groups. The
    /// same options give the same corp, id for id. Member userids are <c>u00000</c>…; each department's first
    /// member leads it and is every other member's direct leader there; <c>u00000</c> leads the company.
    /// Sales departments (ids 2…) sit under regions (大区, ids after them) of <c>DepartmentsPerRegion</c> each, so
    /// that scoping by a department and its sub-departments has something to scope. Every customer's followers
    /// carry 重要客户 (<c>KeyCustomerRate</c>) or 普通客户, and a 客户来源 tag with <c>SourceTagRate</c>.
    /// </summary>
    public static CorpState Generate(CorpGeneratorOptions options, long now)
    {
        var random = new Random(options.Seed);
        // Tags draw from their own sequence: corps generated before tags existed keep their names and times.
        var tagRandom = new Random(options.Seed ^ 0x7A65);
        var corp = new CorpState();
        var memberCount = options.Members;
        var perDept = Math.Max(1, options.MembersPerDepartment);
        var deptCount = Math.Max(1, (memberCount + perDept - 1) / perDept);
        var perRegion = options.DepartmentsPerRegion;
        var regionCount = perRegion > 0 && deptCount > 1 ? (deptCount + perRegion - 1) / perRegion : 0;
        corp.AddDepartment(new Department(1, "公司", 0, 1));
        for (var r = 0; r < regionCount; r++)
        {
            corp.AddDepartment(new Department(2 + deptCount + r, string.Create(CultureInfo.InvariantCulture, $"第{r + 1}大区"), 1, r + 1));
        }

        for (var d = 0; d < deptCount; d++)
        {
            var parent = regionCount > 0 ? 2 + deptCount + (d / perRegion) : 1;
            corp.AddDepartment(new Department(2 + d, string.Create(CultureInfo.InvariantCulture, $"销售{d + 1}部"), parent, d + 1));
        }

        foreach (var g in StandardTags.Library)
        {
            corp.AddTagGroup(ToTagGroup(g, now));
        }

        var members = new Member[memberCount];
        for (var i = 0; i < memberCount; i++)
        {
            var dept = 2 + (i / perDept);
            var leaderIndex = (i / perDept) * perDept;
            var isLeader = i == leaderIndex;
            var userId = UserId(i);
            var name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];
            var member = new Member(userId, name)
            {
                Departments = [dept],
                IsLeaderInDept = [isLeader ? 1 : 0],
                DirectLeaders = isLeader ? (i == 0 ? [] : [UserId(0)]) : [UserId(leaderIndex)],
                Position = isLeader ? "销售经理" : "客户经理",
                LastLoginTime = now - random.Next(0, 30 * 86_400),
            };
            members[i] = member;
            corp.AddMember(member);
        }

        var customersOf = new List<string>[memberCount];
        var index = 0;
        for (var i = 0; i < memberCount; i++)
        {
            var own = new List<string>(options.CustomersPerMember);
            customersOf[i] = own;
            for (var j = 0; j < options.CustomersPerMember; j++, index++)
            {
                var id = ExternalUserId(options.Seed, index);
                var customer = new Customer(id, Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)])
                {
                    Gender = 1 + random.Next(2),
                    Type = random.NextDouble() < 0.1 ? 2 : 1,
                };
                corp.AddCustomer(customer);
                var tags = DrawTags(tagRandom, options);
                corp.AddFollow(customer, members[i], now - random.Next(86_400, 720 * 86_400)).TagIds = tags;
                if (memberCount > 1 && random.NextDouble() < options.SharedCustomerRate)
                {
                    var other = (i + 1 + random.Next(memberCount - 1)) % memberCount;
                    corp.AddFollow(customer, members[other], now - random.Next(86_400, 720 * 86_400)).TagIds = tags;
                }

                own.Add(id);
            }
        }

        index = 0;
        for (var i = 0; i < memberCount; i++)
        {
            for (var g = 0; g < options.GroupsPerMember; g++, index++)
            {
                var created = now - random.Next(86_400, 720 * 86_400);
                var group = new GroupChat(ChatId(options.Seed, index), string.Create(CultureInfo.InvariantCulture, $"{members[i].Name}的客户群{g + 1}"), members[i].UserId, created);
                group.Members.Add(new GroupMember(members[i].UserId, 1, created, 0, null));
                var own = customersOf[i];
                for (var k = 0; k < Math.Min(3, own.Count); k++)
                {
                    group.Members.Add(new GroupMember(own[random.Next(own.Count)], 2, created, 0, members[i].UserId));
                }

                corp.AddGroup(group);
            }
        }

        return corp;
    }

    private static readonly string[] KeyCustomerOnly = [StandardTags.KeyCustomer];
    private static readonly string[] RegularOnly = [StandardTags.RegularCustomer];
    private static readonly string[][] KeyWithSource = [.. StandardTags.Sources.Select(s => new[] { StandardTags.KeyCustomer, s })];
    private static readonly string[][] RegularWithSource = [.. StandardTags.Sources.Select(s => new[] { StandardTags.RegularCustomer, s })];

    /// <summary>One of a few shared arrays: 200k follows share them instead of holding their own.</summary>
    private static string[] DrawTags(Random random, CorpGeneratorOptions options)
    {
        var key = random.NextDouble() < options.KeyCustomerRate;
        if (random.NextDouble() < options.SourceTagRate)
        {
            var source = random.Next(StandardTags.Sources.Count);
            return key ? KeyWithSource[source] : RegularWithSource[source];
        }

        return key ? KeyCustomerOnly : RegularOnly;
    }

    private static TagGroup ToTagGroup(SeedTagGroup g, long now)
    {
        if (string.IsNullOrEmpty(g.GroupId) || g.Tags.Any(t => string.IsNullOrEmpty(t.Id)))
        {
            throw new InvalidDataException($"Tag group '{g.Name}' and each of its tags need an id (et…).");
        }

        var group = new TagGroup(g.GroupId, g.Name, g.Order, g.CreateTime == 0 ? now : g.CreateTime);
        group.Tags.AddRange(g.Tags.Select(t => new CorpTag(t.Id, t.Name, t.Order, t.CreateTime == 0 ? group.CreateTime : t.CreateTime, group)));
        return group;
    }

    public static string UserId(int index) => string.Create(CultureInfo.InvariantCulture, $"u{index:D5}");

    public static string ExternalUserId(int seed, int index) => string.Create(CultureInfo.InvariantCulture, $"wm{Mix(seed, index):x16}{index:x8}");

    public static string ChatId(int seed, int index) => string.Create(CultureInfo.InvariantCulture, $"wr{Mix(seed + 7919, index):x16}{index:x8}");

    /// <summary>SplitMix64 of (seed, index): ids that look random yet are stable.</summary>
    private static ulong Mix(int seed, int index)
    {
        var z = ((ulong)(uint)seed << 32) + (ulong)(uint)index + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
