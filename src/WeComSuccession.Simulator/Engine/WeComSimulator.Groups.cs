using System.Globalization;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Ledger;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

// Customer groups: groupchat/list, groupchat/get, groupchat/transfer (resigned), groupchat/onjob_transfer.
public sealed partial class WeComSimulator
{
    internal const string GroupTransferApi = "groupchat/transfer";
    internal const string GroupOnJobTransferApi = "groupchat/onjob_transfer";

    private readonly PriorityQueue<GroupChat, long> _groupDue = new();
    private readonly Dictionary<(string Owner, long Day), int> _groupsPerDay = [];

    internal WeComResponse GroupChatList(ExternalContactGroupChatListRequest request)
    {
        if (request.Limit is < 1 or > 1000)
        {
            return Error(40058, "limit must be 1-1000");
        }

        var owners = request.OwnerFilter?.UserIdList ?? [];
        if (owners.Count > 100)
        {
            return Error(40058, "owner_filter.userid_list holds more than 100 userids");
        }

        var filter = (int)(request.StatusFilter ?? ExternalContactGroupChatStatusFilter.All);
        if (filter is < 0 or > 3)
        {
            return Error(40058, "status_filter must be 0-3");
        }

        lock (_sync)
        {
            IEnumerable<string> candidates;
            if (owners.Count > 0)
            {
                var chats = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var owner in owners)
                {
                    if (!_corp.Members.TryGetValue(owner, out var m)
                        || (m.Deleted && Options.Switches.OwnerFilterWithResignedOwnerFails))
                    {
                        return Error(40003, owner);
                    }

                    chats.UnionWith(m.OwnedGroups);
                }

                candidates = chats;
            }
            else
            {
                var max = Options.Switches.GroupListWithoutOwnerFilterMaxMembers;
                if (max > 0 && _corp.Members.Count - _corp.DeletedMemberIds.Count > max)
                {
                    return Error(81017, "give owner_filter");
                }

                candidates = _corp.GroupIds;
            }

            var after = DecodeCursor(request.Cursor);
            if (after is not null && candidates is SortedSet<string> sorted)
            {
                candidates = TailFrom(sorted, after);
            }

            var rows = new List<ExternalContactGroupChatListItem>(Math.Min(request.Limit, 1024));
            var next = "";
            foreach (var chatId in candidates)
            {
                if (after is not null && string.CompareOrdinal(chatId, after) <= 0)
                {
                    continue;
                }

                var status = GroupStatus(_corp.Groups[chatId]);
                if (filter != 0 && status != filter)
                {
                    continue;
                }

                if (rows.Count == request.Limit)
                {
                    next = EncodeCursor(rows[^1].ChatId);
                    break;
                }

                rows.Add(new ExternalContactGroupChatListItem { ChatId = chatId, Status = (ExternalContactGroupChatStatus)status });
            }

            return new ExternalContactGroupChatListResponse { ErrMsg = "ok", GroupChatList = rows, NextCursor = next };
        }
    }

    internal WeComResponse GroupChatGet(ExternalContactGroupChatGetRequest request)
    {
        lock (_sync)
        {
            if (!_corp.Groups.TryGetValue(request.ChatId, out var g))
            {
                return Error(40050, request.ChatId);
            }

            var needName = request.NeedName == 1;
            return new ExternalContactGroupChatGetResponse
            {
                ErrMsg = "ok",
                GroupChat = new ExternalContactGroupChat
                {
                    ChatId = g.ChatId,
                    Name = g.Name,
                    Owner = g.Owner,
                    CreateTime = g.CreateTime,
                    Notice = g.Notice ?? "",
                    MemberList = [.. g.Members.Select(m => new ExternalContactGroupChatMember
                    {
                        UserId = m.UserId,
                        Type = m.Type,
                        JoinTime = m.JoinTime,
                        JoinScene = m.JoinScene,
                        Invitor = m.Invitor is null ? null : new ExternalContactGroupChatInvitor { UserId = m.Invitor },
                        Name = needName ? MemberName(m) : null,
                    })],
                    AdminList = [],
                    MemberVersion = string.Create(CultureInfo.InvariantCulture, $"{g.Members.Count:x8}{g.Owner.GetHashCode(StringComparison.Ordinal):x8}"),
                },
            };
        }
    }

    internal WeComResponse GroupChatTransfer(IReadOnlyList<string> chatIds, string newOwner, bool onJob)
    {
        if (chatIds.Count is 0 or > 100)
        {
            return Error(40058, "chat_id_list must hold 1-100 chat ids");
        }

        var api = onJob ? GroupOnJobTransferApi : GroupTransferApi;
        lock (_sync)
        {
            var now = Now;
            PumpLocked(now);
            var time = Clock.GetUtcNow();
            var problem = TakeoverProblem(newOwner, out _);
            if (problem != 0)
            {
                foreach (var chatId in chatIds)
                {
                    Ledger.RecordGroup(new GroupTransferEntry(Ledger.NextSeq(), time, api, chatId, _corp.Groups.GetValueOrDefault(chatId)?.Owner ?? "", newOwner ?? "", problem, 0));
                }

                return Error(problem, newOwner);
            }

            var failed = new List<ExternalContactGroupChatTransferFailedItem>();
            foreach (var chatId in chatIds)
            {
                var group = _corp.Groups.GetValueOrDefault(chatId);
                var oldOwner = group?.Owner ?? "";
                var code = group is null ? 40050 : onJob ? CheckOnJobGroup(group, newOwner, now) : CheckResignedGroup(group, newOwner, now);
                if (code == 0)
                {
                    var key = (group!.Owner, ChinaDay(now));
                    _groupsPerDay[key] = _groupsPerDay.GetValueOrDefault(key) + 1;
                    if (onJob)
                    {
                        group.OnJobTransfers.Add(now);
                        group.Inherited = false;
                        _corp.ChangeOwner(group, newOwner);
                    }
                    else if (Options.GroupTakeoverDelay <= TimeSpan.Zero)
                    {
                        group.Inherited = true;
                        _corp.ChangeOwner(group, newOwner);
                    }
                    else
                    {
                        group.Inheriting = true;
                        group.PendingOwner = newOwner;
                        _groupDue.Enqueue(group, now + (long)Options.GroupTakeoverDelay.TotalSeconds);
                    }
                }
                else
                {
                    failed.Add(new ExternalContactGroupChatTransferFailedItem { ChatId = chatId, ErrCode = code, ErrMsg = ErrMsg(code) });
                }

                Ledger.RecordGroup(new GroupTransferEntry(Ledger.NextSeq(), time, api, chatId, oldOwner, newOwner, code, 0));
            }

            return onJob
                ? new ExternalContactGroupChatOnJobTransferResponse { ErrMsg = "ok", FailedChatList = failed }
                : new ExternalContactGroupChatTransferResponse { ErrMsg = "ok", FailedChatList = failed };
        }
    }

    private int CheckResignedGroup(GroupChat group, string newOwner, long now)
    {
        if (!group.IsCustomerGroup)
        {
            return 90501;
        }

        if (group.Inheriting)
        {
            return 90507;
        }

        var owner = _corp.Members[group.Owner];
        if (!IsResigned(owner))
        {
            // An inherited group now has an active owner: 已经完成继承 rather than 群主并未离职.
            return group.Inherited ? 90508 : 90500;
        }

        if (string.Equals(group.Owner, newOwner, StringComparison.Ordinal))
        {
            return 90504;
        }

        return DailyLimitReached(group.Owner, now) ? Options.GroupDailyLimitErrCode : 0;
    }

    private int CheckOnJobGroup(GroupChat group, string newOwner, long now)
    {
        if (!group.IsCustomerGroup)
        {
            return 90501;
        }

        if (group.Inheriting)
        {
            return 90507;
        }

        if (IsResigned(_corp.Members[group.Owner]))
        {
            return 90502;
        }

        if (string.Equals(group.Owner, newOwner, StringComparison.Ordinal))
        {
            return 90504;
        }

        if (group.OnJobTransfers.Count(t => t > now - (90 * Day)) >= Options.OnJobTransfersPer90Days)
        {
            // WeCom documents the 2-per-90-days rule for groups without a code; the customer one fits.
            return 40128;
        }

        return DailyLimitReached(group.Owner, now) ? Options.GroupDailyLimitErrCode : 0;
    }

    private bool DailyLimitReached(string owner, long now) => _groupsPerDay.GetValueOrDefault((owner, ChinaDay(now))) >= Options.GroupsPerOwnerPerDay;

    private void CompleteGroupInheritance(GroupChat group)
    {
        if (!group.Inheriting || group.PendingOwner is null)
        {
            return;
        }

        group.Inheriting = false;
        group.Inherited = true;
        _corp.ChangeOwner(group, group.PendingOwner);
        group.PendingOwner = null;
    }

    private int GroupStatus(GroupChat g) =>
        g.Inheriting ? 2 : IsResigned(_corp.Members[g.Owner]) ? 1 : g.Inherited ? 3 : 0;

    private string? MemberName(GroupMember m) =>
        m.Type == 1 ? _corp.Members.GetValueOrDefault(m.UserId)?.Name : _corp.Customers.GetValueOrDefault(m.UserId)?.Name;

    /// <summary>Every group-transfer item with the group's status now.</summary>
    public IReadOnlyList<GroupTransferEntry> GroupTransfers(string? chatId = null)
    {
        var entries = Ledger.Groups();
        lock (_sync)
        {
            return [.. entries
                .Where(e => chatId is null || string.Equals(e.ChatId, chatId, StringComparison.Ordinal))
                .Select(e => e with { Status = _corp.Groups.TryGetValue(e.ChatId, out var g) ? GroupStatus(g) : 0 })];
        }
    }
}
