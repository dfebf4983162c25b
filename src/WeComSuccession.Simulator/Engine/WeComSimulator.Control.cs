using System.Globalization;
using WeComSuccession.Simulator.Callbacks;
using WeComSuccession.Simulator.Corp;

namespace WeComSuccession.Simulator.Engine;

/// <summary>A member as the control API shows it.</summary>
public sealed record MemberInfo(
    string UserId,
    string Name,
    int Status,
    bool Deleted,
    long DimissionTime,
    IReadOnlyList<long> Departments,
    IReadOnlyList<int> IsLeaderInDept,
    IReadOnlyList<string> DirectLeader,
    string? Position,
    bool CustomerContact,
    bool RealNameVerified,
    int CustomerLimit,
    int CustomerCount,
    int GroupCount);

/// <summary>A follow relation as the control API shows it, with its corp tag ids.</summary>
public sealed record FollowerInfo(string UserId, long CreateTime, int AddWay, bool Ended, IReadOnlyList<string> TagIds);

/// <summary>A customer as the control API shows it.</summary>
public sealed record CustomerInfo(string ExternalUserId, string Name, IReadOnlyList<FollowerInfo> Followers, bool? Refuses, string? WaitingTransferTo);

/// <summary>A group as the control API shows it (status: 0 normal, 1 owner resigned, 2 inheriting, 3 inherited).</summary>
public sealed record GroupInfo(string ChatId, string Name, string Owner, int Status, int MemberCount, bool IsCustomerGroup, string? PendingOwner);

/// <summary>A member change through the control API; null fields stay as they are.</summary>
public sealed record MemberChange
{
    public string? Name { get; init; }
    public int? Status { get; init; }
    public IReadOnlyList<long>? Departments { get; init; }
    public IReadOnlyList<int>? IsLeaderInDept { get; init; }
    public IReadOnlyList<string>? DirectLeader { get; init; }
    public string? Position { get; init; }
    public bool? CustomerContact { get; init; }
    public bool? RealNameVerified { get; init; }
    public int? CustomerLimit { get; init; }
    public long? LastLoginTime { get; init; }
}

/// <summary>Counts for the control page.</summary>
public sealed record SimulatorSummary(string CorpId, DateTimeOffset SimTime, double ClockFactor, int Members, int DeletedMembers, int Customers, int Follows, int Groups, int WaitingTransfers);

// Control: members change here the way an admin changes them in WeCom's console, and WeCom's callbacks follow.
public sealed partial class WeComSimulator
{
    public SimulatorSummary Summary()
    {
        lock (_sync)
        {
            return new SimulatorSummary(Options.CorpId, Clock.GetUtcNow(), Clock.Factor, _corp.Members.Count, _corp.DeletedMemberIds.Count, _corp.Customers.Count, _corp.FollowCount, _corp.Groups.Count, _inFlight.Count);
        }
    }

    public IReadOnlyList<MemberInfo> Members()
    {
        lock (_sync)
        {
            return [.. _corp.MemberIds.Select(id => ToInfo(_corp.Members[id]))];
        }
    }

    public MemberInfo? Member(string userId)
    {
        lock (_sync)
        {
            return _corp.Members.TryGetValue(userId, out var m) ? ToInfo(m) : null;
        }
    }

    /// <summary>The customers a member follows now.</summary>
    public IReadOnlyList<string> CustomersOf(string userId)
    {
        lock (_sync)
        {
            return _corp.Members.TryGetValue(userId, out var m) ? [.. m.Customers] : [];
        }
    }

    /// <summary>Every external userid of the corp.</summary>
    public IReadOnlyList<string> AllCustomerIds()
    {
        lock (_sync)
        {
            return [.. _corp.Customers.Keys];
        }
    }

    public CustomerInfo? Customer(string externalUserId)
    {
        lock (_sync)
        {
            if (!_corp.Customers.TryGetValue(externalUserId, out var c))
            {
                return null;
            }

            return new CustomerInfo(
                c.ExternalUserId,
                c.Name,
                [.. c.Follows.Select(f => new FollowerInfo(f.UserId, f.CreateTime, f.AddWay, f.Ended, f.TagIds))],
                c.Refuses,
                _inFlight.TryGetValue(externalUserId, out var r) ? r.Takeover : null);
        }
    }

    /// <summary>The groups a member owns now.</summary>
    public IReadOnlyList<GroupInfo> GroupsOf(string userId)
    {
        lock (_sync)
        {
            return _corp.Members.TryGetValue(userId, out var m) ? [.. m.OwnedGroups.Select(id => ToInfo(_corp.Groups[id]))] : [];
        }
    }

    public GroupInfo? Group(string chatId)
    {
        lock (_sync)
        {
            return _corp.Groups.TryGetValue(chatId, out var g) ? ToInfo(g) : null;
        }
    }

    /// <summary>Adds a member (create_user callback unless <paramref name="silent"/>).</summary>
    public MemberInfo CreateMember(string userId, string name, MemberChange? details = null, bool silent = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        lock (_sync)
        {
            var m = new Member(userId, name) { LastLoginTime = Now };
            _corp.AddMember(m);
            Apply(m, details ?? new MemberChange());
            if (!silent)
            {
                PushContact("create_user", m, ContactFields(m));
            }

            return ToInfo(m);
        }
    }

    /// <summary>Changes a member (update_user callback with the changed fields unless <paramref name="silent"/>).</summary>
    public MemberInfo? UpdateMember(string userId, MemberChange change, bool silent = false)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_sync)
        {
            if (!_corp.Members.TryGetValue(userId, out var m) || m.Deleted)
            {
                return null;
            }

            var fields = Apply(m, change);
            if (!silent)
            {
                PushContact("update_user", m, fields);
            }

            return ToInfo(m);
        }
    }

    /// <summary>Disables a member (已禁用, status 2): update_user with Status 2.</summary>
    public MemberInfo? DisableMember(string userId, bool silent = false) => UpdateMember(userId, new MemberChange { Status = 2 }, silent);

    /// <summary>Enables a member again (status 1): update_user with Status 1.</summary>
    public MemberInfo? EnableMember(string userId, bool silent = false) => UpdateMember(userId, new MemberChange { Status = 1 }, silent);

    /// <summary>Deletes a member (离职): delete_user with only UserID; their customers become unassigned and their groups status 1.</summary>
    public MemberInfo? DeleteMember(string userId, bool silent = false)
    {
        lock (_sync)
        {
            if (!_corp.Members.TryGetValue(userId, out var m) || m.Deleted)
            {
                return null;
            }

            var now = Now;
            _corp.MarkDeleted(m, now);
            if (!silent)
            {
                Callbacks.Enqueue("change_contact", "delete_user", userId, null, now, CallbackXml.DeleteUser(Options.CorpId, now, userId));
            }

            return ToInfo(m);
        }
    }

    private static List<KeyValuePair<string, string>> Apply(Member m, MemberChange change)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (change.Name is { } name && !string.Equals(name, m.Name, StringComparison.Ordinal))
        {
            m.Name = name;
            fields.Add(new("Name", name));
        }

        if (change.Departments is { } departments)
        {
            m.Departments = [.. departments];
            m.IsLeaderInDept = change.IsLeaderInDept is { } l ? [.. l] : new int[departments.Count];
            fields.Add(new("Department", string.Join(',', m.Departments)));
            fields.Add(new("MainDepartment", m.Departments.Length > 0 ? m.Departments[0].ToString(CultureInfo.InvariantCulture) : "0"));
            fields.Add(new("IsLeaderInDept", string.Join(',', m.IsLeaderInDept)));
        }
        else if (change.IsLeaderInDept is { } leaders)
        {
            m.IsLeaderInDept = [.. leaders];
            fields.Add(new("IsLeaderInDept", string.Join(',', m.IsLeaderInDept)));
        }

        if (change.DirectLeader is { } directLeader)
        {
            m.DirectLeaders = [.. directLeader];
            fields.Add(new("DirectLeader", string.Join(',', m.DirectLeaders)));
        }

        if (change.Position is { } position)
        {
            m.Position = position;
            fields.Add(new("Position", position));
        }

        if (change.Status is { } status)
        {
            m.Status = status;
            fields.Add(new("Status", status.ToString(CultureInfo.InvariantCulture)));
        }

        m.CustomerContact = change.CustomerContact ?? m.CustomerContact;
        m.RealNameVerified = change.RealNameVerified ?? m.RealNameVerified;
        m.CustomerLimit = change.CustomerLimit ?? m.CustomerLimit;
        m.LastLoginTime = change.LastLoginTime ?? m.LastLoginTime;
        return fields;
    }

    private static List<KeyValuePair<string, string>> ContactFields(Member m) =>
        [
            new("Name", m.Name),
            new("Department", string.Join(',', m.Departments)),
            new("MainDepartment", m.Departments.Length > 0 ? m.Departments[0].ToString(CultureInfo.InvariantCulture) : "0"),
            new("IsLeaderInDept", string.Join(',', m.IsLeaderInDept)),
            new("DirectLeader", string.Join(',', m.DirectLeaders)),
            new("Position", m.Position ?? ""),
            new("Status", m.Status.ToString(CultureInfo.InvariantCulture)),
        ];

    private void PushContact(string changeType, Member m, List<KeyValuePair<string, string>> fields)
    {
        if (Options.Callback.OmitContactDetails)
        {
            // 通讯录同步 after 2022-08-15: UserID and Department only.
            fields = [new("Department", string.Join(',', m.Departments))];
        }

        var now = Now;
        Callbacks.Enqueue("change_contact", changeType, m.UserId, null, now, CallbackXml.ContactUser(Options.CorpId, now, changeType, m.UserId, fields));
    }

    private MemberInfo ToInfo(Member m) => new(
        m.UserId, m.Name, m.Status, m.Deleted, m.DimissionTime, m.Departments, m.IsLeaderInDept, m.DirectLeaders, m.Position,
        m.CustomerContact, m.RealNameVerified, CustomerLimit(m), m.Customers.Count, m.OwnedGroups.Count);

    private GroupInfo ToInfo(GroupChat g) => new(g.ChatId, g.Name, g.Owner, GroupStatus(g), g.Members.Count, g.IsCustomerGroup, g.PendingOwner);
}
