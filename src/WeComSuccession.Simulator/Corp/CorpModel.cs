namespace WeComSuccession.Simulator.Corp;

// The corp's mutable state. Every instance is read and written only under CorpState's lock.

/// <summary>A department (部门).</summary>
internal sealed class Department(long id, string name, long parentId, long order)
{
    public long Id { get; } = id;
    public string Name { get; set; } = name;
    public long ParentId { get; } = parentId;
    public long Order { get; } = order;
}

/// <summary>A member (成员). Deleted members stay here: the succession APIs still know them.</summary>
internal sealed class Member(string userId, string name)
{
    public string UserId { get; } = userId;
    public string Name { get; set; } = name;

    /// <summary>1 active, 2 disabled, 4 not activated, 5 quit.</summary>
    public int Status { get; set; } = 1;

    public long[] Departments { get; set; } = [1];
    public int[] IsLeaderInDept { get; set; } = [0];
    public string[] DirectLeaders { get; set; } = [];
    public string? Position { get; set; }
    public bool CustomerContact { get; set; } = true;
    public bool RealNameVerified { get; set; } = true;
    public long LastLoginTime { get; set; }
    public int? CustomerLimit { get; set; }

    /// <summary>Deleted from the address book (离职): user APIs answer 60111, resigned APIs apply.</summary>
    public bool Deleted { get; set; }

    /// <summary>Unix seconds of the deletion (get_unassigned_list's dimission_time).</summary>
    public long DimissionTime { get; set; }

    /// <summary>Customers this member follows now, ordinal order (keyset paging).</summary>
    public SortedSet<string> Customers { get; } = new(StringComparer.Ordinal);

    /// <summary>Group chats this member owns now.</summary>
    public SortedSet<string> OwnedGroups { get; } = new(StringComparer.Ordinal);
}

/// <summary>An external contact (客户).</summary>
internal sealed class Customer(string externalUserId, string name)
{
    public string ExternalUserId { get; } = externalUserId;
    public string Name { get; set; } = name;

    /// <summary>1 WeChat user, 2 WeCom user.</summary>
    public int Type { get; set; } = 1;

    public int Gender { get; set; }
    public string? CorpName { get; set; }

    /// <summary>Follow relations, current and ended (ended ones answer 84061).</summary>
    public List<Follow> Follows { get; } = new(1);

    /// <summary>Control-API override: true = refuses every transfer, false = never refuses, null = the refusal rate decides.</summary>
    public bool? Refuses { get; set; }

    public Follow? CurrentFollow(string userId)
    {
        foreach (var f in Follows)
        {
            if (!f.Ended && string.Equals(f.UserId, userId, StringComparison.Ordinal))
            {
                return f;
            }
        }

        return null;
    }

    public Follow? EndedFollow(string userId)
    {
        foreach (var f in Follows)
        {
            if (f.Ended && string.Equals(f.UserId, userId, StringComparison.Ordinal))
            {
                return f;
            }
        }

        return null;
    }
}

/// <summary>A member ↔ customer relation (跟进关系).</summary>
internal sealed class Follow(string userId, long createTime)
{
    public string UserId { get; } = userId;
    public long CreateTime { get; } = createTime;
    public string? Remark { get; set; }

    /// <summary>How it was added; 202 = assigned by an admin (transfer).</summary>
    public int AddWay { get; set; } = 1;

    public string? State { get; set; }

    /// <summary>Corp tag ids (企业标签) this member put on the customer; shared empty array when untagged (200k follows in large corps).</summary>
    public string[] TagIds { get; set; } = [];

    /// <summary>The relation ended (the member or the customer deleted the other): transfers answer 84061.</summary>
    public bool Ended { get; set; }
}

/// <summary>A customer group chat (客户群).</summary>
internal sealed class GroupChat(string chatId, string name, string owner, long createTime)
{
    public string ChatId { get; } = chatId;
    public string Name { get; set; } = name;
    public string Owner { get; set; } = owner;
    public long CreateTime { get; } = createTime;
    public string? Notice { get; set; }

    /// <summary>Members: userids (type 1) and external userids (type 2), with join times.</summary>
    public List<GroupMember> Members { get; } = [];

    /// <summary>False for an internal group, which the transfer APIs refuse with 90501.</summary>
    public bool IsCustomerGroup { get; set; } = true;

    /// <summary>A resigned transfer is under way (status 2, 90507).</summary>
    public bool Inheriting { get; set; }

    public string? PendingOwner { get; set; }

    /// <summary>A resigned transfer completed (status 3, 90508).</summary>
    public bool Inherited { get; set; }

    /// <summary>Unix seconds of on-job transfers (2 per 90 days).</summary>
    public List<long> OnJobTransfers { get; } = [];
}

/// <summary>A corp tag group (企业标签组), e.g. 客户等级.</summary>
internal sealed class TagGroup(string id, string name, long order, long createTime)
{
    public string Id { get; } = id;
    public string Name { get; } = name;

    /// <summary>Larger comes first, as WeCom sorts.</summary>
    public long Order { get; } = order;

    public long CreateTime { get; } = createTime;
    public List<CorpTag> Tags { get; } = [];
}

/// <summary>A corp tag (企业标签), e.g. 重要客户 in 客户等级.</summary>
internal sealed class CorpTag(string id, string name, long order, long createTime, TagGroup group)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public long Order { get; } = order;
    public long CreateTime { get; } = createTime;
    public TagGroup Group { get; } = group;
}

/// <summary>One member of a group chat.</summary>
internal sealed record GroupMember(string UserId, int Type, long JoinTime, int JoinScene, string? Invitor);
