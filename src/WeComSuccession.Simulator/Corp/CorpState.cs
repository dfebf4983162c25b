namespace WeComSuccession.Simulator.Corp;

/// <summary>
/// The corp's address book, customers and groups with the indexes the APIs page over. Not thread-safe by
/// itself: the simulator holds its one lock around every use.
/// </summary>
internal sealed class CorpState
{
    public SortedDictionary<long, Department> Departments { get; } = [];

    public Dictionary<string, Member> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>Every member id, deleted ones included, in ordinal order.</summary>
    public SortedSet<string> MemberIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Deleted members, ordinal order (get_unassigned_list pages over it).</summary>
    public SortedSet<string> DeletedMemberIds { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Customer> Customers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GroupChat> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>Every chat id in ordinal order (groupchat/list pages over it).</summary>
    public SortedSet<string> GroupIds { get; } = new(StringComparer.Ordinal);

    public int FollowCount { get; private set; }

    /// <summary>Corp tag groups in the order they were defined.</summary>
    public List<TagGroup> TagGroups { get; } = [];

    /// <summary>Every corp tag by id.</summary>
    public Dictionary<string, CorpTag> Tags { get; } = new(StringComparer.Ordinal);

    public void AddDepartment(Department department) => Departments[department.Id] = department;

    public void AddTagGroup(TagGroup group)
    {
        if (TagGroups.Exists(g => string.Equals(g.Id, group.Id, StringComparison.Ordinal)) || Tags.ContainsKey(group.Id))
        {
            throw new InvalidOperationException($"Duplicate tag group id '{group.Id}'.");
        }

        foreach (var tag in group.Tags)
        {
            if (!Tags.TryAdd(tag.Id, tag))
            {
                throw new InvalidOperationException($"Duplicate tag id '{tag.Id}'.");
            }
        }

        TagGroups.Add(group);
    }

    public void AddMember(Member member)
    {
        if (!Members.TryAdd(member.UserId, member))
        {
            throw new InvalidOperationException($"Duplicate userid '{member.UserId}'.");
        }

        MemberIds.Add(member.UserId);
        if (member.Deleted)
        {
            DeletedMemberIds.Add(member.UserId);
        }
    }

    public void MarkDeleted(Member member, long at)
    {
        member.Deleted = true;
        member.DimissionTime = at;
        DeletedMemberIds.Add(member.UserId);
    }

    public void AddCustomer(Customer customer)
    {
        if (!Customers.TryAdd(customer.ExternalUserId, customer))
        {
            throw new InvalidOperationException($"Duplicate external_userid '{customer.ExternalUserId}'.");
        }
    }

    /// <summary>Adds (or revives) the relation member ↔ customer.</summary>
    public Follow AddFollow(Customer customer, Member member, long createTime, int addWay = 1, string? remark = null)
    {
        var existing = customer.CurrentFollow(member.UserId);
        if (existing is not null)
        {
            return existing;
        }

        customer.Follows.RemoveAll(f => f.Ended && string.Equals(f.UserId, member.UserId, StringComparison.Ordinal));
        var follow = new Follow(member.UserId, createTime) { AddWay = addWay, Remark = remark };
        customer.Follows.Add(follow);
        member.Customers.Add(customer.ExternalUserId);
        FollowCount++;
        return follow;
    }

    /// <summary>Removes the relation completely (it moved to someone else by a transfer).</summary>
    public void RemoveFollow(Customer customer, Member member)
    {
        if (customer.Follows.RemoveAll(f => string.Equals(f.UserId, member.UserId, StringComparison.Ordinal)) > 0 && member.Customers.Remove(customer.ExternalUserId))
        {
            FollowCount--;
        }
    }

    /// <summary>Ends the relation but remembers it (the member or the customer deleted the other): 84061 from then on.</summary>
    public bool EndFollow(Customer customer, Member member)
    {
        var follow = customer.CurrentFollow(member.UserId);
        if (follow is null)
        {
            return false;
        }

        follow.Ended = true;
        member.Customers.Remove(customer.ExternalUserId);
        FollowCount--;
        return true;
    }

    public void AddGroup(GroupChat group)
    {
        if (!Groups.TryAdd(group.ChatId, group))
        {
            throw new InvalidOperationException($"Duplicate chat_id '{group.ChatId}'.");
        }

        GroupIds.Add(group.ChatId);
        if (Members.TryGetValue(group.Owner, out var owner))
        {
            owner.OwnedGroups.Add(group.ChatId);
        }
    }

    public void ChangeOwner(GroupChat group, string newOwner)
    {
        if (Members.TryGetValue(group.Owner, out var old))
        {
            old.OwnedGroups.Remove(group.ChatId);
        }

        group.Owner = newOwner;
        if (Members.TryGetValue(newOwner, out var owner))
        {
            owner.OwnedGroups.Add(group.ChatId);
        }

        if (!group.Members.Exists(m => m.Type == 1 && string.Equals(m.UserId, newOwner, StringComparison.Ordinal)))
        {
            group.Members.Add(new GroupMember(newOwner, 1, group.CreateTime, 0, null));
        }
    }

    /// <summary>Departments at and below <paramref name="root"/>.</summary>
    public IEnumerable<Department> DepartmentsUnder(long root)
    {
        var children = Departments.Values.ToLookup(d => d.ParentId);
        var stack = new Stack<long>();
        stack.Push(root);
        var result = new List<Department>();
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (Departments.TryGetValue(id, out var d))
            {
                result.Add(d);
            }

            foreach (var child in children[id])
            {
                stack.Push(child.Id);
            }
        }

        return result.OrderBy(d => d.Id);
    }
}
