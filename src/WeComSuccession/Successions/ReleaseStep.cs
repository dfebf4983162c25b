using WeComSuccession.Members;

namespace WeComSuccession.Successions;

/// <summary>
/// Before anything is sent: a plan released (e.g. approved) while its member is disabled but not yet deleted
/// waits for the deletion, because the resigned APIs refuse a member who has not left (40097).
/// </summary>
internal sealed class ReleaseStep(SuccessionStore store, MemberDirectory directory) : ISuccessionStep
{
    public int Order => StepOrder.Release;

    public bool AppliesTo(string state) => state == SuccessionState.Transferring;

    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        if (s.Api == TransferApi.Resigned && (await directory.GetAsync(s.HandoverUserid, ct))?.DepartedAt is null)
        {
            await store.TransitionAsync(s.Id, [SuccessionState.Transferring], SuccessionState.AwaitingDeletion, "member is disabled, not deleted", ct);
        }
    }
}
