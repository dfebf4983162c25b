using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions.Successors;

namespace WeComSuccession.Successions.Approvals;

/// <summary>A decision on a plan: the state it left the departure in, and the items it released or handed to people.</summary>
internal sealed record Decision(long Id, string State, string Api, string DecidedBy, DateTime DecidedAt, IReadOnlyList<long> Items);

/// <summary>
/// What an approver does with a plan, whichever door they use (REST API, dashboard, workbench, approval card):
/// approve, reject, transfer now, and change the successor of some of its items. Only a member who may decide
/// the plan (<see cref="MayDecideAsync"/>) changes anything; each decision is one guarded transition, audited
/// with the member as actor and the door beside it.
/// </summary>
internal sealed partial class ApprovalCommands(
    SuccessionStore store, MemberDirectory directory, ApprovalPolicy policy, SuccessionWakeUp wake, ServiceClock clock, ILogger<ApprovalCommands> logger)
{
    private const string PlanRejected = "plan rejected";

    /// <summary><c>awaiting_approval</c> → <c>transferring</c>: the plan's items are released to the queue.</summary>
    public Task<Outcome<Decision>> ApproveAsync(long successionId, Actor actor, CancellationToken ct) =>
        DecideAsync(successionId, actor, [SuccessionState.AwaitingApproval], SuccessionState.Transferring, null, ItemState.Queued, null, "succession.approve", ct);

    /// <summary>
    /// Approve and transfer at once: also from <c>awaiting_deletion</c>, where the member is disabled but not
    /// deleted, so only the on-job API can move their customers (Succession:OnDisabled allows this door).
    /// </summary>
    public Task<Outcome<Decision>> TransferNowAsync(long successionId, Actor actor, CancellationToken ct) =>
        DecideAsync(successionId, actor, [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion], SuccessionState.Transferring, null, ItemState.Queued, null,
            "succession.approve", ct);

    /// <summary>An awaiting plan is rejected: its planned items are handed to manual handling with the reason.</summary>
    public Task<Outcome<Decision>> RejectAsync(long successionId, Actor actor, string? reason, CancellationToken ct) =>
        DecideAsync(successionId, actor, [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion], SuccessionState.Rejected,
            string.IsNullOrWhiteSpace(reason) ? PlanRejected : reason.Trim(), ItemState.Manual, PlanRejected, "succession.reject", ct);

    /// <summary>
    /// While a plan awaits approval, an approver gives some of its items (planned, or manual for want of a
    /// successor) to another eligible member; they stay planned until the plan is decided.
    /// </summary>
    public async Task<Outcome<ItemChangeReport>> ChangeSuccessorAsync(long successionId, long[] itemIds, string takeover, Actor actor, CancellationToken ct)
    {
        actor = await AsSpelledInDirectoryAsync(actor, ct);
        var target = await directory.GetAsync(takeover, ct);
        var outcome = await store.ChangeAsync<ItemChangeReport>(successionId, async change =>
        {
            var s = change.Succession;
            if (await MayDecideAsync(s, actor, ct) is { } notAllowed)
            {
                return notAllowed;
            }

            if (s.State != SuccessionState.AwaitingApproval)
            {
                return Failure.Conflict($"Departure {successionId} is {s.State}: successors are changed while it awaits approval.");
            }

            if (SuccessorAssignment.Check(target, takeover, s.HandoverUserid, "takeoverUserId") is { } invalid)
            {
                return invalid;
            }

            return await change.ChangeItemsAsync(itemIds, item => item.State is not (ItemState.Planned or ItemState.Manual)
                ? (null, $"only planned and manual items of a plan are given another successor; this one is {item.State}")
                : item.TakeoverUserid == target!.Userid && item.State == ItemState.Planned
                    ? (null, $"already assigned to {target.Userid}")
                    : (SuccessorAssignment.Assign(item, target.Userid, ItemState.Planned), null),
                actor, "item.change_successor");
        }, ct);
        if (outcome.Value is { } report)
        {
            LogItemsChanged(logger, "change successor", successionId, report.Changed.Count, report.Skipped.Count, actor);
        }

        return outcome;
    }

    /// <summary>
    /// Null when <paramref name="actor"/> may decide <paramref name="s"/>: the member named is listed among its
    /// approvers (or, for a plan that was never routed to anyone, among those the approval policy would route it
    /// to) and is still an eligible approver. The caller's door (an API key) does not decide: its member does.
    /// </summary>
    public async Task<Failure?> MayDecideAsync(Succession s, Actor actor, CancellationToken ct)
    {
        if (actor.Member is not { } userid)
        {
            return Failure.NotAllowed("A decision names the member who decides.");
        }

        var approvers = s.Approvers.Length > 0 ? s.Approvers : await policy.DefaultApproversAsync(await directory.GetAsync(s.HandoverUserid, ct), ct);
        if (!approvers.Contains(userid, StringComparer.OrdinalIgnoreCase))
        {
            return Failure.NotAllowed($"'{userid}' is not an approver of departure {s.Id}.");
        }

        return Eligibility.AsApprover(await directory.GetAsync(userid, ct)) is { } why
            ? Failure.NotAllowed($"'{userid}' {why} and can no longer decide.")
            : null;
    }

    private async Task<Outcome<Decision>> DecideAsync(
        long successionId, Actor actor, string[] expected, string newState, string? reason, string itemState, string? itemReason, string action, CancellationToken ct)
    {
        actor = await AsSpelledInDirectoryAsync(actor, ct);
        var outcome = await store.ChangeAsync<Decision>(successionId, async change =>
        {
            var s = change.Succession;
            if (await MayDecideAsync(s, actor, ct) is { } notAllowed)
            {
                return notAllowed;
            }

            if (!expected.Contains(s.State))
            {
                return Failure.Conflict($"Departure {successionId} is {s.State}, not {string.Join(" or ", expected)}.");
            }

            var member = actor.Member!;
            var decidedAt = AuditFormat.ToStoredTime(clock.GetUtcNow());

            // "Transfer now" for a member who is disabled but not deleted: only the on-job API can move their customers.
            var api = newState == SuccessionState.Transferring && s.State == SuccessionState.AwaitingDeletion ? TransferApi.OnJob : s.Api;
            var items = await change.UpdateItemsAsync(
                [.. (await change.ItemsInAsync(ItemState.Planned)).Select(i => (i, i with { State = itemState, Reason = itemReason }))], actor, action);
            await change.TransitionAsync(s with { State = newState, Api = api, Reason = reason, DecidedBy = member, DecidedAt = decidedAt }, actor, action);
            return new Decision(successionId, newState, api, member, decidedAt, [.. items.Select(i => i.Id).Order()]);
        }, ct);

        if (outcome.Value is { } decision)
        {
            LogDecided(logger, successionId, decision.State, actor, decision.Items.Count);

            // Approved: the engine sends. Rejected: nothing to send, but the engine may have people to tell.
            await wake.WakeAsync(successionId, ct);
        }

        return outcome;
    }

    /// <summary>The member as the directory spells them (userids match without regard to case), so the audit names them one way.</summary>
    private async Task<Actor> AsSpelledInDirectoryAsync(Actor actor, CancellationToken ct) =>
        actor.Member is { } userid && await directory.GetAsync(userid, ct) is { } member ? actor.For(member.Userid) : actor;

    [LoggerMessage(EventId = 440, Level = LogLevel.Information, Message = "Succession {SuccessionId} is now {State}, decided by {Actor}; {Items} items moved")]
    private static partial void LogDecided(ILogger logger, long successionId, string state, Actor actor, int items);

    [LoggerMessage(EventId = 441, Level = LogLevel.Information, Message = "Items of succession {SuccessionId}: {Action} by {Actor}: {Changed} changed, {Skipped} skipped")]
    private static partial void LogItemsChanged(ILogger logger, string action, long successionId, int changed, int skipped, Actor actor);
}
