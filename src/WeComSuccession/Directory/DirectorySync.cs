using Quartz;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Directory;

/// <summary>What user/get says about a member: their record, or that they are gone (60111, 40003).</summary>
internal sealed record MemberLookup(Member? Member, bool Departed);

/// <summary>Reads members from WeCom into the directory.</summary>
internal sealed partial class DirectorySync(WeComClient wecom, MemberDirectory directory, ILogger<DirectorySync> logger)
{
    /// <summary>Reads one member with user/get. A member WeCom no longer knows has departed.</summary>
    public async Task<MemberLookup> ReadAsync(string userid, bool customerContact, CancellationToken ct)
    {
        try
        {
            var u = await wecom.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = userid }, ct);
            var departments = u.Department.ToArray();
            var leaderOf = departments.Where((_, i) => u.IsLeaderInDept is { } flags && i < flags.Count && flags[i] == 1).ToArray();
            return new(new Member
            {
                Userid = u.UserId, Name = u.Name, Status = (short)u.Status, Departments = departments, LeaderOf = leaderOf,
                MainDepartment = u.MainDepartment, DirectLeaders = [.. u.DirectLeader ?? []], CustomerContact = customerContact,
            }, false);
        }
        catch (WeComApiException e) when (e.ErrCode is 60111 or 40003)
        {
            return new(null, true);
        }
    }

    /// <summary>
    /// Snapshots every member with 客户联系 permission and their direct leaders, so that the leaders of a
    /// member who is deleted later are still known. One user/get per member; run daily, not per event.
    /// </summary>
    public async Task<int> SyncAllAsync(CancellationToken ct)
    {
        var followers = (await wecom.ExecuteExternalContactGetFollowUserListAsync(new ExternalContactGetFollowUserListRequest(), ct)).FollowUser.ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(followers);
        while (pending.TryDequeue(out var userid))
        {
            if (!seen.Add(userid))
            {
                continue;
            }

            var lookup = await ReadAsync(userid, followers.Contains(userid), ct);
            if (lookup.Member is { } member)
            {
                await directory.UpsertAsync(member, ct);
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

[DisallowConcurrentExecution]
internal sealed class DirectorySyncJob(DirectorySync sync) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sync.SyncAllAsync(cancellationToken);
}
