using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Members;

/// <summary>What user/get says about a member: their record, or that WeCom no longer knows them (60111, 40003).</summary>
internal sealed record MemberLookup(Member? Member, bool Gone);

/// <summary>Reads one member from WeCom (user/get). WeCom's answer carries the userid as WeCom spells it.</summary>
internal sealed class MemberReader(WeComClient wecom)
{
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
        catch (WeComApiException e) when (IsGone(e))
        {
            return new(null, true);
        }
    }

    /// <summary>WeCom's answer for a member it no longer knows (deleted), from user/get or any API that names the member.</summary>
    public static bool IsGone(WeComApiException e) => e.ErrCode is 60111 or 40003;
}
