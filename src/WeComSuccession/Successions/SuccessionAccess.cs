using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Successions;

/// <summary>
/// Whose departures an actor may see as an admin (权限分级): every one with rights over all departments; a scoped
/// admin's only when the leaver is (or, for a member who has left, was last seen) in one of their departments or
/// below. Commands answer NotFound for a departure outside the actor's sight, so a crafted URL or POST learns nothing.
/// </summary>
internal sealed class SuccessionAccess(MemberDirectory directory)
{
    public async Task<bool> CanSeeAsync(Succession s, AdminRights? rights, CancellationToken ct)
    {
        if (rights is null)
        {
            return false;
        }

        if (rights.Departments is null)
        {
            return true;
        }

        var leaver = await directory.GetAsync(s.HandoverUserid, ct);
        return leaver is not null && rights.Covers(leaver.Departments);
    }

    /// <summary>Null when the actor may change the departure as an admin; otherwise why not (NotFound when they cannot see it).</summary>
    public async Task<Failure?> MayActAsync(Succession s, Actor actor, CancellationToken ct)
    {
        if (!await CanSeeAsync(s, actor.Rights, ct))
        {
            return Failure.NotFound($"Departure {s.Id} does not exist.");
        }

        return actor.Rights!.MayAct ? null : Failure.NotAllowed("An auditor reads and changes nothing.");
    }
}
