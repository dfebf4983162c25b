using System.Text.Json.Nodes;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Successions;

/// <summary>
/// A person starts a member's departure by hand (when WeCom's callback never came and the sweep has not run yet).
/// WeCom decides: the member is read with user/get first. A member WeCom does not know and this service never saw
/// is not found (nothing is written); an active member is a conflict; a disabled one follows Succession:OnDisabled.
/// </summary>
internal sealed class OpenDeparture(MemberReader reader, MemberDirectory directory, SuccessionTriggers triggers, SuccessionStore store)
{
    public async Task<Outcome<Succession>> OpenAsync(string userid, Actor actor, CancellationToken ct)
    {
        var known = await directory.GetAsync(userid, ct);
        var lookup = await reader.ReadAsync(known?.Userid ?? userid, known?.CustomerContact ?? false, ct);
        if (lookup.Gone && known is null)
        {
            return Failure.NotFound($"WeCom does not know a member '{userid}', and no member of that id was ever seen here.");
        }

        // WeCom's spelling of the id (userids are matched without regard to case).
        var canonical = lookup.Member?.Userid ?? known!.Userid;
        if (actor.Rights is not { } rights || !rights.Covers(lookup.Member?.Departments ?? known!.Departments))
        {
            return Failure.NotFound($"No member '{userid}' in your departments.");
        }

        if (!rights.MayAct)
        {
            return Failure.NotAllowed("An auditor reads and changes nothing.");
        }

        Succession? s;
        if (lookup.Gone || lookup.Member!.Status == Member.Quit)
        {
            s = await triggers.DepartedAsync(canonical, "manual", ct);
        }
        else if (lookup.Member.Status == Member.Disabled)
        {
            await directory.UpsertAsync(lookup.Member, ct);
            s = await triggers.DisabledAsync(canonical, ct);
            if (s is null)
            {
                return Failure.Conflict("The member is disabled and Succession:OnDisabled is Ignore.");
            }
        }
        else
        {
            return Failure.Conflict("WeCom reports this member as active: an active member's customers are not inherited.");
        }

        // The succession itself is audited by the system; this records who asked for it.
        return await store.ChangeAsync<Succession>(s.Id, change =>
        {
            change.Audit(AuditEntry.By(actor, "succession.request", AuditEntity.Succession, SuccessionStore.Id(s.Id), null,
                new JsonObject { ["handover_userid"] = canonical }));
            return Task.FromResult<Outcome<Succession>>(change.Succession);
        }, ct);
    }
}
