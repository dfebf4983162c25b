using System.Text.Json.Nodes;
using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions.Successors;

namespace WeComSuccession.Successions.Approvals;

/// <summary>
/// A decision on a plan: the state it left the departure in, and the items it released or handed to people. While a
/// two-person review waits for its second approval, <see cref="State"/> is still <c>awaiting_approval</c>,
/// <see cref="Items"/> is empty and <see cref="Approvals"/> names who approved so far.
/// </summary>
internal sealed record Decision(long Id, string State, string Api, string DecidedBy, DateTime DecidedAt, IReadOnlyList<long> Items)
{
    /// <summary>Members whose approval counts in the plan's current round.</summary>
    public IReadOnlyList<string> Approvals { get; init; } = [];

    /// <summary>How many distinct approvals the plan needs (2 for a two-person review).</summary>
    public int ApprovalsNeeded { get; init; } = 1;
}

/// <summary>
/// What an approver does with a plan, whichever door they use (REST API, dashboard, workbench, approval card):
/// approve, reject, transfer now, and change the successor of some of its items or split them among several members.
/// Only a member who may decide the plan (<see cref="MayDecideAsync"/>) changes anything; each decision is one guarded
/// transition (or, for the first of a two-person review, one recorded approval), audited with the member as actor and
/// the door beside it.
/// </summary>
internal sealed partial class ApprovalCommands(
    SuccessionStore store, MemberDirectory directory, ApprovalPolicy policy, ApprovalDecisions decisions, AdminRoles roles, SuccessionWakeUp wake,
    ServiceClock clock, ILogger<ApprovalCommands> logger)
{
    private const string PlanRejected = "plan rejected";

    /// <summary>
    /// <c>awaiting_approval</c> → <c>transferring</c>: the plan's items are released to the queue. A two-person review
    /// records the first approval and waits for a second one by another member.
    /// </summary>
    /// <param name="successionId">The plan.</param>
    /// <param name="actor">The member who decides, and their door.</param>
    /// <param name="ct">Cancels the decision.</param>
    /// <param name="taskId">The approval card clicked, when the door is a card.</param>
    public Task<Outcome<Decision>> ApproveAsync(long successionId, Actor actor, CancellationToken ct, string? taskId = null) =>
        DecideAsync(successionId, actor, DecisionKind.Approve, null, taskId, ct);

    /// <summary>
    /// Approve and transfer at once with the on-job API, for a member who is disabled but not deleted (Succession:OnDisabled
    /// Plan lets an approver choose this): from <c>awaiting_approval</c>, or from <c>awaiting_deletion</c> once approved.
    /// </summary>
    public Task<Outcome<Decision>> TransferNowAsync(long successionId, Actor actor, CancellationToken ct) =>
        DecideAsync(successionId, actor, DecisionKind.TransferNow, null, null, ct);

    /// <summary>An awaiting plan is rejected (one rejection suffices): its planned items are handed to manual handling with the reason.</summary>
    public Task<Outcome<Decision>> RejectAsync(long successionId, Actor actor, string? reason, CancellationToken ct, string? taskId = null) =>
        DecideAsync(successionId, actor, DecisionKind.Reject, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), taskId, ct);

    /// <summary>
    /// While a plan awaits approval, an approver gives some of its items (planned, or manual for want of a
    /// successor) to another eligible member; they stay planned until the plan is decided.
    /// </summary>
    public async Task<Outcome<ItemChangeReport>> ChangeSuccessorAsync(long successionId, long[] itemIds, string takeover, Actor actor, CancellationToken ct)
    {
        var target = await directory.GetAsync(takeover, ct);
        return await ChangePlanAsync(successionId, itemIds, actor, "item.change_successor",
            s => SuccessorAssignment.Check(target, takeover, s.HandoverUserid, "takeoverUserId"),
            (item, _) => Reassign(item, target!.Userid), ct);
    }

    /// <summary>
    /// While a plan awaits approval, an approver splits some of its items among several eligible members, round-robin in
    /// the order the items are given; they stay planned until the plan is decided.
    /// </summary>
    public async Task<Outcome<ItemChangeReport>> SplitAsync(long successionId, long[] itemIds, string[] takeovers, Actor actor, CancellationToken ct)
    {
        var targets = new List<Member>();
        foreach (var takeover in takeovers.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            // Checked in full (also against the leaver) inside the change; here to know each one as the directory spells them.
            var member = await directory.GetAsync(takeover, ct);
            if (Eligibility.AsSuccessor(member) is { } why)
            {
                return Failure.Invalid("takeoverUserIds", $"'{takeover}' {why}.");
            }

            if (!targets.Any(t => t.Userid == member!.Userid))
            {
                targets.Add(member!);
            }
        }

        if (targets.Count == 0)
        {
            return Failure.Invalid("takeoverUserIds", "Name at least one member to split the items among.");
        }

        return await ChangePlanAsync(successionId, itemIds, actor, "item.split",
            s => targets.Select(t => SuccessorAssignment.Check(t, t.Userid, s.HandoverUserid, "takeoverUserIds")).FirstOrDefault(f => f is not null),
            (item, index) => Reassign(item, targets[index % targets.Count].Userid), ct);
    }

    /// <summary>
    /// Null when <paramref name="actor"/> may decide <paramref name="s"/>: the member named is listed among its approvers
    /// (or, for a plan that was never routed to anyone, among those the leader route would ask), or holds an admin role
    /// (not auditor) over the leaver's department; and is still an eligible approver. The caller's door (an API key) does
    /// not decide: its member does, with the member's own rights.
    /// </summary>
    public async Task<Failure?> MayDecideAsync(Succession s, Actor actor, CancellationToken ct)
    {
        if (actor.Member is not { } userid)
        {
            return Failure.NotAllowed("A decision names the member who decides.");
        }

        var handover = await directory.GetAsync(s.HandoverUserid, ct);
        var approvers = s.Approvers.Length > 0 ? s.Approvers : await policy.DefaultApproversAsync(handover, ct);
        if (!approvers.Contains(userid, StringComparer.OrdinalIgnoreCase))
        {
            var rights = actor.Rights ?? await roles.RightsOfAsync(userid, ct);
            if (rights is not { MayAct: true } || !rights.Covers(handover?.Departments ?? []))
            {
                return Failure.NotAllowed($"'{userid}' is not an approver of departure {s.Id}.");
            }
        }

        return Eligibility.AsApprover(await directory.GetAsync(userid, ct)) is { } why
            ? Failure.NotAllowed($"'{userid}' {why} and can no longer decide.")
            : null;
    }

    /// <summary>Whether <paramref name="actor"/> may look at a plan: they may decide it, are or were asked to, or decided it.</summary>
    public async Task<bool> MayViewAsync(Succession s, Actor actor, CancellationToken ct) =>
        actor.Member is { } userid
        && (s.Approvers.Contains(userid, StringComparer.OrdinalIgnoreCase)
            || string.Equals(s.DecidedBy, userid, StringComparison.OrdinalIgnoreCase)
            || await MayDecideAsync(s, actor, ct) is null
            || await decisions.HasDecidedAsync(s.Id, userid, ct));

    private async Task<Outcome<Decision>> DecideAsync(long successionId, Actor actor, string kind, string? reason, string? taskId, CancellationToken ct)
    {
        actor = await AsSpelledInDirectoryAsync(actor, ct);
        var outcome = await store.ChangeAsync<Decision>(successionId, async change =>
        {
            var s = change.Succession;
            if (await MayDecideAsync(s, actor, ct) is { } notAllowed)
            {
                return notAllowed;
            }

            string[] expected = kind == DecisionKind.Approve ? [SuccessionState.AwaitingApproval] : [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion];
            if (!expected.Contains(s.State))
            {
                return Failure.Conflict($"Departure {successionId} is {s.State}, not {string.Join(" or ", expected)}"
                    + (s.DecidedBy is { } by ? $"; {s.ApprovalOutcome ?? "decided"} by {by}." : "."));
            }

            var member = actor.Member!;
            var decidedAt = AuditFormat.ToStoredTime(clock.GetUtcNow());
            var handover = await directory.GetAsync(s.HandoverUserid, ct);
            if (kind == DecisionKind.TransferNow && handover?.DepartedAt is not null)
            {
                return Failure.Conflict($"{s.HandoverUserid} has been deleted: the resigned API applies, so approve the plan instead of transferring now.");
            }

            IReadOnlyList<string> approvals = [];
            if (s.State == SuccessionState.AwaitingApproval)
            {
                var round = await ApprovalDecisions.OfRoundAsync(change, ct);
                if (round.FirstOrDefault(d => string.Equals(d.Approver, member, StringComparison.OrdinalIgnoreCase)) is { } earlier)
                {
                    // The same member twice does not count twice (双人复核).
                    return Failure.Conflict($"'{member}' has decided this plan already ({earlier.Decision}); it waits for {s.ApprovalsNeeded - round.Count(IsApproval)} more approval(s) by other members.");
                }

                await ApprovalDecisions.RecordAsync(change, new ApprovalDecision(s.Id, s.ApprovalRound, member, kind, reason, actor.Door, taskId, decidedAt), ct);
                approvals = [.. round.Where(IsApproval).Select(d => d.Approver).Append(member)];
                if (kind != DecisionKind.Reject && approvals.Count < s.ApprovalsNeeded)
                {
                    // The first approval of a two-person review: recorded, one audit entry, and the plan waits.
                    change.Audit(AuditEntry.By(actor, "succession.approve", AuditEntity.Succession, SuccessionStore.Id(s.Id),
                        new JsonObject { ["state"] = s.State, ["approvals"] = Names(approvals.SkipLast(1)) },
                        new JsonObject { ["state"] = s.State, ["approvals"] = Names(approvals), ["approvals_needed"] = s.ApprovalsNeeded, ["round"] = s.ApprovalRound }));
                    return new Decision(s.Id, s.State, s.Api, member, decidedAt, []) { Approvals = approvals, ApprovalsNeeded = s.ApprovalsNeeded };
                }

                // Transfer now by any approver of the round moves a disabled member's customers with the on-job API.
                if (round.Any(d => d.Decision == DecisionKind.TransferNow))
                {
                    kind = kind == DecisionKind.Reject ? kind : DecisionKind.TransferNow;
                }
            }

            var rejected = kind == DecisionKind.Reject;
            var (newState, itemState, itemReason, action) = rejected
                ? (SuccessionState.Rejected, ItemState.Manual, PlanRejected, "succession.reject")
                : (SuccessionState.Transferring, ItemState.Queued, (string?)null, "succession.approve");

            // "Transfer now" for a member who is disabled but not deleted: only the on-job API can move their customers.
            var api = !rejected && (s.State == SuccessionState.AwaitingDeletion || (kind == DecisionKind.TransferNow && handover?.DepartedAt is null)) ? TransferApi.OnJob : s.Api;
            var items = await change.UpdateItemsAsync(
                [.. (await change.ItemsInAsync(ItemState.Planned)).Select(i => (i, i with { State = itemState, Reason = itemReason }))], actor, action);
            await change.TransitionAsync(
                s with
                {
                    State = newState, Api = api, Reason = rejected ? reason ?? PlanRejected : null, DecidedBy = member, DecidedAt = decidedAt,
                    ApprovalOutcome = rejected ? ApprovalOutcomes.Rejected : ApprovalOutcomes.Approved, RemindAt = null, EscalateAt = null, ExpireAt = null,
                },
                actor, action);
            return new Decision(successionId, newState, api, member, decidedAt, [.. items.Select(i => i.Id).Order()]) { Approvals = approvals, ApprovalsNeeded = s.ApprovalsNeeded };
        }, ct);

        if (outcome.Value is { } decision)
        {
            LogDecided(logger, successionId, decision.State, actor, decision.Items.Count);

            // Approved: the engine sends. Rejected, or one approval of two: nothing to send, but the engine may have people to tell.
            await wake.WakeAsync(successionId, ct);
        }

        return outcome;
    }

    /// <summary>
    /// An approver's change of a plan that awaits approval. A change after someone approved starts a new round: the plan
    /// they approved is not this one, so their approval no longer counts and every approver is asked again.
    /// </summary>
    private async Task<Outcome<ItemChangeReport>> ChangePlanAsync(
        long successionId, long[] itemIds, Actor actor, string action, Func<Succession, Failure?> validate,
        Func<SuccessionItem, int, (SuccessionItem? After, string? Skipped)> decide, CancellationToken ct)
    {
        actor = await AsSpelledInDirectoryAsync(actor, ct);
        var newRound = false;
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

            if (validate(s) is { } invalid)
            {
                return invalid;
            }

            var index = 0;
            var report = await change.ChangeItemsAsync(itemIds, item => decide(item, index++), actor, action);
            if (report.Changed.Count > 0 && (await ApprovalDecisions.OfRoundAsync(change, ct)).Any(IsApproval))
            {
                await change.TransitionAsync(s with { ApprovalRound = (short)(s.ApprovalRound + 1) }, actor, "succession.new_round");
                newRound = true;
            }

            return report;
        }, ct);

        if (outcome.Value is { } report)
        {
            LogItemsChanged(logger, action, successionId, report.Changed.Count, report.Skipped.Count, actor);
            if (newRound)
            {
                // The approvers are asked again (the notify step sends the new round's cards).
                await wake.WakeAsync(successionId, ct);
            }
        }

        return outcome;
    }

    private static (SuccessionItem? After, string? Skipped) Reassign(SuccessionItem item, string takeover) =>
        item.State is not (ItemState.Planned or ItemState.Manual)
            ? (null, $"only planned and manual items of a plan are given another successor; this one is {item.State}")
            : item.TakeoverUserid == takeover && item.State == ItemState.Planned
                ? (null, $"already assigned to {takeover}")
                : (SuccessorAssignment.Assign(item, takeover, ItemState.Planned), null);

    private static bool IsApproval(ApprovalDecision d) => d.Decision != DecisionKind.Reject;

    private static JsonArray Names(IEnumerable<string> userids) => [.. userids.Select(u => (JsonNode?)u)];

    /// <summary>The member as the directory spells them (userids match without regard to case), so the audit names them one way.</summary>
    private async Task<Actor> AsSpelledInDirectoryAsync(Actor actor, CancellationToken ct) =>
        actor.Member is { } userid && await directory.GetAsync(userid, ct) is { } member ? actor.For(member.Userid) : actor;

    [LoggerMessage(EventId = 440, Level = LogLevel.Information, Message = "Succession {SuccessionId} is now {State}, decided by {Actor}; {Items} items moved")]
    private static partial void LogDecided(ILogger logger, long successionId, string state, Actor actor, int items);

    [LoggerMessage(EventId = 441, Level = LogLevel.Information, Message = "Items of succession {SuccessionId}: {Action} by {Actor}: {Changed} changed, {Skipped} skipped")]
    private static partial void LogItemsChanged(ILogger logger, string action, long successionId, int changed, int skipped, Actor actor);
}
