using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Members;

/// <summary>Reads every member with 客户联系 (and their leaders) from WeCom into the directory.</summary>
internal sealed partial class DirectorySync(WeComClient wecom, MemberReader reader, MemberDirectory directory, Departments departments, ILogger<DirectorySync> logger)
{
    /// <summary>
    /// Snapshots the department tree, and every member with 客户联系 permission and their direct leaders, so that the
    /// leaders and departments of a member who is deleted later are still known, and each one's customer count. One
    /// user/get per member and one externalcontact/list per member with 客户联系; run daily.
    /// </summary>
    public async Task<int> SyncAllAsync(CancellationToken ct)
    {
        // The tree first: scoped admins see departures by department, also of members who leave later.
        var tree = await wecom.ExecuteCgibinDepartmentListAsync(new CgibinDepartmentListRequest(), ct);
        await departments.SaveAsync([.. tree.Department.Select(d => new Department(d.Id, d.ParentId, string.IsNullOrEmpty(d.Name) ? null : d.Name, d.Order))], ct);

        var followers = (await wecom.ExecuteExternalContactGetFollowUserListAsync(new ExternalContactGetFollowUserListRequest(), ct)).FollowUser.ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(followers);
        while (pending.TryDequeue(out var userid))
        {
            if (!seen.Add(userid))
            {
                continue;
            }

            var lookup = await reader.ReadAsync(userid, followers.Contains(userid), ct);
            if (lookup.Member is { } member)
            {
                await directory.UpsertAsync(member, ct);
                if (followers.Contains(userid))
                {
                    // The load shown beside each member when a person picks a successor; the successor chain reads it live.
                    var customers = await wecom.ExecuteExternalContactListAsync(new ExternalContactListRequest { UserId = userid }, ct);
                    await directory.SetCustomerCountAsync(userid, customers.ExternalUserId.Count, ct);
                }

                foreach (var leader in member.DirectLeaders)
                {
                    pending.Enqueue(leader);
                }
            }
        }

        await directory.SetCustomerContactAsync(followers, ct);
        LogSynced(logger, seen.Count, followers.Count);
        return seen.Count;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Directory synced: {Members} members read, {Followers} with customer contact")]
    private static partial void LogSynced(ILogger logger, int members, int followers);
}
