using System.Globalization;
using WeComSuccession.Simulator.Api;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

/// <summary>A department as the control API and pages show it.</summary>
public sealed record DepartmentInfo(long Id, string Name, long ParentId, long Order);

// Address book and customer reads: user/get, department/simplelist, list, get, user/list_id,
// externalcontact/get_follow_user_list, list, get, batch/get_by_user.
public sealed partial class WeComSimulator
{
    /// <summary>Every department, by id.</summary>
    public IReadOnlyList<DepartmentInfo> Departments()
    {
        lock (_sync)
        {
            return [.. _corp.Departments.Values.Select(d => new DepartmentInfo(d.Id, d.Name, d.ParentId, d.Order))];
        }
    }

    /// <summary><c>GET department/list?id=</c>: the department and everything below it (every department without id), with names and leaders.</summary>
    internal WeComResponse DepartmentList(string? idText)
    {
        long? id = null;
        if (!string.IsNullOrEmpty(idText))
        {
            if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Error(60123, idText);
            }

            id = parsed;
        }

        lock (_sync)
        {
            if (id is { } root && !_corp.Departments.ContainsKey(root))
            {
                return Error(60123);
            }

            var departments = id is { } r ? _corp.DepartmentsUnder(r) : _corp.Departments.Values;
            var leaders = DepartmentLeaders();
            return new DepartmentListResponse { ErrMsg = "ok", Department = [.. departments.Select(d => ToJson(d, leaders))] };
        }
    }

    /// <summary><c>GET department/get?id=</c>: one department; 60123 for an unknown or missing id.</summary>
    internal WeComResponse DepartmentGet(string? idText)
    {
        lock (_sync)
        {
            if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !_corp.Departments.TryGetValue(id, out var d))
            {
                return Error(60123, idText);
            }

            return new DepartmentGetResponse { ErrMsg = "ok", Department = ToJson(d, DepartmentLeaders()) };
        }
    }

    /// <summary>Leaders by department: members in the address book whose IsLeaderInDept flag is 1 there.</summary>
    private ILookup<long, string> DepartmentLeaders() =>
        _corp.MemberIds.Select(id => _corp.Members[id]).Where(m => !m.Deleted)
            .SelectMany(m => m.Departments.Select((d, i) => (Dept: d, Leader: i < m.IsLeaderInDept.Length && m.IsLeaderInDept[i] == 1, m.UserId)))
            .Where(x => x.Leader)
            .ToLookup(x => x.Dept, x => x.UserId);

    private static DepartmentJson ToJson(Department d, ILookup<long, string> leaders) => new(d.Id, d.Name, "", [.. leaders[d.Id]], d.ParentId, d.Order);

    internal WeComResponse UserGet(string? userId)
    {
        lock (_sync)
        {
            if (string.IsNullOrEmpty(userId))
            {
                return Error(41009);
            }

            // Deleted (离职) members are removed from the address book.
            if (!_corp.Members.TryGetValue(userId, out var m) || m.Deleted)
            {
                return Error(60111, userId);
            }

            return new CgibinUserGetResponse
            {
                ErrMsg = "ok",
                UserId = m.UserId,
                Name = m.Name,
                Department = m.Departments,
                MainDepartment = m.Departments.Length > 0 ? m.Departments[0] : null,
                IsLeaderInDept = m.IsLeaderInDept,
                DirectLeader = m.DirectLeaders,
                Position = m.Position,
                Status = m.Status,
            };
        }
    }

    internal WeComResponse DepartmentSimpleList(long? id)
    {
        lock (_sync)
        {
            if (id is { } root && !_corp.Departments.ContainsKey(root))
            {
                return Error(60123);
            }

            var departments = id is { } r ? _corp.DepartmentsUnder(r) : _corp.Departments.Values;
            return new CgibinDepartmentSimpleListResponse
            {
                ErrMsg = "ok",
                DepartmentId = [.. departments.Select(d => new CgibinDepartmentSimpleListItem { Id = d.Id, ParentId = d.ParentId, Order = d.Order })],
            };
        }
    }

    internal WeComResponse UserListId(CgibinUserListIdRequest request)
    {
        var limit = request.Limit ?? 1000;
        if (limit is < 1 or > 10_000)
        {
            return Error(40058, "limit must be 1-10000");
        }

        lock (_sync)
        {
            // Keyset cursor: "userid\ndepartment" of the last row returned.
            var after = DecodeCursor(request.Cursor)?.Split('\n');
            var rows = new List<CgibinUserListIdItem>(Math.Min(limit, 1024));
            string? next = null;
            var view = after is null ? _corp.MemberIds : TailFrom(_corp.MemberIds, after[0]);
            foreach (var userId in view)
            {
                var m = _corp.Members[userId];
                if (m.Deleted)
                {
                    continue;
                }

                foreach (var dept in m.Departments)
                {
                    if (after is not null && string.Equals(userId, after[0], StringComparison.Ordinal)
                        && dept <= long.Parse(after[1], CultureInfo.InvariantCulture))
                    {
                        continue;
                    }

                    if (rows.Count == limit)
                    {
                        var last = rows[^1];
                        next = EncodeCursor(string.Create(CultureInfo.InvariantCulture, $"{last.UserId}\n{last.Department}"));
                        goto done;
                    }

                    rows.Add(new CgibinUserListIdItem { UserId = userId, Department = dept });
                }
            }

        done:
            return new CgibinUserListIdResponse { ErrMsg = "ok", DeptUser = rows, NextCursor = next ?? "" };
        }
    }

    internal WeComResponse FollowUserList()
    {
        lock (_sync)
        {
            return new ExternalContactGetFollowUserListResponse
            {
                ErrMsg = "ok",
                FollowUser = [.. _corp.MemberIds.Select(id => _corp.Members[id]).Where(m => !m.Deleted && m.CustomerContact).Select(m => m.UserId)],
            };
        }
    }

    internal WeComResponse ExternalContactList(string? userId)
    {
        lock (_sync)
        {
            if (string.IsNullOrEmpty(userId))
            {
                return Error(41009);
            }

            if (!_corp.Members.TryGetValue(userId, out var m) || m.Deleted)
            {
                return Error(40003, userId);
            }

            if (!m.CustomerContact)
            {
                return Error(84074, userId);
            }

            return new ExternalContactListResponse { ErrMsg = "ok", ExternalUserId = [.. m.Customers] };
        }
    }

    internal WeComResponse ExternalContactGet(string? externalUserId, string? cursor)
    {
        const int PageSize = 500;
        lock (_sync)
        {
            if (string.IsNullOrEmpty(externalUserId))
            {
                return Error(41035);
            }

            if (!_corp.Customers.TryGetValue(externalUserId, out var c))
            {
                return Error(40096, externalUserId);
            }

            var skip = int.TryParse(DecodeCursor(cursor), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            var followers = c.Follows.Where(f => !f.Ended && !_corp.Members[f.UserId].Deleted).OrderBy(f => f.UserId, StringComparer.Ordinal).ToList();
            if (followers.Count == 0)
            {
                // Nobody in the address book follows this customer any more.
                return Error(84061, externalUserId);
            }

            var page = followers.Skip(skip).Take(PageSize).Select(ToFollowUser).ToList();
            return new ExternalContactGetResponse
            {
                ErrMsg = "ok",
                ExternalContact = ToInfo(c),
                FollowUser = page,
                NextCursor = skip + PageSize < followers.Count ? EncodeCursor((skip + PageSize).ToString(CultureInfo.InvariantCulture)) : null,
            };
        }
    }

    internal WeComResponse BatchGetByUser(ExternalContactBatchGetByUserRequest request)
    {
        if (request.UserIdList.Count is 0 or > 100)
        {
            return Error(40058, "userid_list must hold 1-100 userids");
        }

        var limit = request.Limit is null or <= 0 ? 50 : Math.Min(request.Limit.Value, 100);
        lock (_sync)
        {
            var members = new List<Member>(request.UserIdList.Count);
            foreach (var id in request.UserIdList)
            {
                if (!_corp.Members.TryGetValue(id, out var m) || m.Deleted)
                {
                    return Error(40003, id);
                }

                members.Add(m);
            }

            // Keyset cursor: "index of the member in userid_list\nlast external_userid".
            var after = DecodeCursor(request.Cursor)?.Split('\n');
            var startIndex = after is null ? 0 : int.Parse(after[0], CultureInfo.InvariantCulture);
            var items = new List<ExternalContactBatchGetByUserItem>(limit);
            var lastIndex = 0;
            var lastExternalUserId = "";
            for (var i = startIndex; i < members.Count; i++)
            {
                var m = members[i];
                var view = after is not null && i == startIndex ? TailFrom(m.Customers, after[1]) : m.Customers;
                foreach (var externalUserId in view)
                {
                    if (after is not null && i == startIndex && string.Equals(externalUserId, after[1], StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (items.Count == limit)
                    {
                        return new ExternalContactBatchGetByUserResponse
                        {
                            ErrMsg = "ok",
                            ExternalContactList = items,
                            NextCursor = EncodeCursor(string.Create(CultureInfo.InvariantCulture, $"{lastIndex}\n{lastExternalUserId}")),
                        };
                    }

                    lastIndex = i;
                    lastExternalUserId = externalUserId;
                    var c = _corp.Customers[externalUserId];
                    var f = c.CurrentFollow(m.UserId)!;
                    items.Add(new ExternalContactBatchGetByUserItem
                    {
                        ExternalContact = ToInfo(c),
                        FollowInfo = new ExternalContactBatchGetByUserFollowInfo
                        {
                            UserId = m.UserId,
                            Remark = f.Remark ?? "",
                            CreateTime = f.CreateTime,
                            AddWay = f.AddWay,
                            TagId = f.TagIds,
                        },
                    });
                }
            }

            return new ExternalContactBatchGetByUserResponse { ErrMsg = "ok", ExternalContactList = items, NextCursor = "" };
        }
    }

    /// <summary>The elements of <paramref name="set"/> from <paramref name="from"/> on (inclusive).</summary>
    private static SortedSet<string> TailFrom(SortedSet<string> set, string from) =>
        set.Count == 0 || string.CompareOrdinal(from, set.Max) > 0 ? new SortedSet<string>(StringComparer.Ordinal) : set.GetViewBetween(from, set.Max!);

    private static ExternalContactInfo ToInfo(Customer c) => new()
    {
        ExternalUserId = c.ExternalUserId,
        Name = c.Name,
        Type = c.Type,
        Gender = c.Gender,
        CorpName = c.CorpName,
        Avatar = "",
    };

    private ExternalContactFollowUser ToFollowUser(Follow f) => new()
    {
        UserId = f.UserId,
        Remark = f.Remark ?? "",
        Description = "",
        CreateTime = f.CreateTime,
        AddWay = f.AddWay,
        // Corp tags only (type 1): the simulator has no personal or rule-group tags.
        Tags = [.. f.TagIds.Select(id => _corp.Tags[id]).Select(t => new ExternalContactFollowUserTag { GroupName = t.Group.Name, TagName = t.Name, TagId = t.Id, Type = 1 })],
    };
}
