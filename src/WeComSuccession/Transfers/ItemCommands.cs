using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Successors;

namespace WeComSuccession.Transfers;

/// <summary>
/// What an admin does with items that need a person, whichever door they use: retry them, or give them to a
/// successor of their choosing — for departures within their departments (<see cref="SuccessionAccess"/>). Each call reports every item asked for (changed, or skipped and why); a completed
/// departure with a changed item reopens, and the engine is woken to send.
/// </summary>
internal sealed partial class ItemCommands(
    SuccessionStore store, SuccessionAccess access, MemberDirectory directory, SuccessionWakeUp wake, ServiceClock clock, ILogger<ItemCommands> logger)
{
    /// <summary>Succession states in which items may be retried or re-assigned.</summary>
    public static readonly string[] Changeable = [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion, SuccessionState.Transferring, SuccessionState.Completed];

    /// <summary>States a person may retry from: the item reached an end that a person can undo.</summary>
    public static readonly string[] Retryable = [ItemState.Failed, ItemState.Manual, ItemState.Refused];

    /// <summary>
    /// Failed, refused and manual items that have a successor go back to the queue (or to <c>planned</c> while the
    /// departure awaits approval or deletion) with their error cleared.
    /// </summary>
    public Task<Outcome<ItemChangeReport>> RetryAsync(long successionId, long[] itemIds, Actor actor, CancellationToken ct) =>
        ChangeAsync(successionId, itemIds, actor, "item.retry", null, (s, item) =>
            !Retryable.Contains(item.State) ? (null, $"only failed, refused and manual items are retried; this one is {item.State}")
            : item.TakeoverUserid is null ? (null, "no successor: re-assign it instead")
            : (Unhandled(item) with { State = ReleasedState(s), Reason = null, Errcode = null, NotBefore = null }, null),
            ct);

    /// <summary>
    /// Records that a person took care of failed, refused or manual items outside the service (the note says how):
    /// their state stays what it was, and they no longer wait for a person.
    /// </summary>
    public Task<Outcome<ItemChangeReport>> MarkHandledAsync(long successionId, long[] itemIds, string note, Actor actor, CancellationToken ct)
    {
        var at = AuditFormat.ToStoredTime(clock.GetUtcNow());
        return ChangeAsync(successionId, itemIds, actor, "item.handled",
            _ => string.IsNullOrWhiteSpace(note) || note.Length > MaxNoteLength
                ? Failure.Invalid("note", $"A note of 1 to {MaxNoteLength} characters says how the items were handled.")
                : null,
            (_, item) => !Retryable.Contains(item.State) && item.State != ItemState.Refused
                ? (null, $"only failed, refused and manual items are handled by a person; this one is {item.State}")
                : item.HandledAt is not null ? (null, "already handled: " + item.HandledNote)
                : (item with { HandledNote = note.Trim(), HandledBy = actor.AuditName, HandledAt = at }, null),
            ct,
            wakeEngine: false);
    }

    public const int MaxNoteLength = 500;

    private static SuccessionItem Unhandled(SuccessionItem item) => item with { HandledNote = null, HandledBy = null, HandledAt = null };

    /// <summary>
    /// Items that nothing is in flight for get the successor a person chose (rule <c>manual</c>), who must be
    /// eligible (<see cref="Eligibility.AsSuccessor"/>) and not the departing member.
    /// </summary>
    public async Task<Outcome<ItemChangeReport>> ReassignAsync(long successionId, long[] itemIds, string takeover, Actor actor, CancellationToken ct)
    {
        var target = await directory.GetAsync(takeover, ct);
        return await ChangeAsync(successionId, itemIds, actor, "item.reassign",
            s => SuccessorAssignment.Check(target, takeover, s.HandoverUserid, "takeoverUserId"),
            (s, item) =>
            {
                if (!ItemState.Reassignable.Contains(item.State))
                {
                    return (null, $"only {string.Join(", ", ItemState.Reassignable)} items are re-assigned; this one is {item.State}");
                }

                var changed = SuccessorAssignment.Assign(Unhandled(item), target!.Userid, ReleasedState(s));
                return changed == item ? (null, $"already assigned to {target.Userid}") : (changed, null);
            },
            ct);
    }

    private static string ReleasedState(Succession s) =>
        s.State is SuccessionState.AwaitingApproval or SuccessionState.AwaitingDeletion ? ItemState.Planned : ItemState.Queued;

    private async Task<Outcome<ItemChangeReport>> ChangeAsync(
        long successionId,
        long[] itemIds,
        Actor actor,
        string action,
        Func<Succession, Failure?>? validate,
        Func<Succession, SuccessionItem, (SuccessionItem? After, string? Skipped)> decide,
        CancellationToken ct,
        bool wakeEngine = true)
    {
        var outcome = await store.ChangeAsync<ItemChangeReport>(successionId, async change =>
        {
            var s = change.Succession;
            if (await access.MayActAsync(s, actor, ct) is { } denied)
            {
                return denied;
            }

            if (!Changeable.Contains(s.State))
            {
                return Failure.Conflict($"Departure {successionId} is {s.State}; items can be changed while it is {string.Join(", ", Changeable)}.");
            }

            if (validate?.Invoke(s) is { } invalid)
            {
                return invalid;
            }

            var report = await change.ChangeItemsAsync(itemIds, item => decide(s, item), actor, action);
            if (report.Changed.Count > 0 && s.State == SuccessionState.Completed && wakeEngine)
            {
                await change.TransitionAsync(s with { State = SuccessionState.Transferring }, actor, "succession.reopen");
            }

            return report with { SuccessionState = change.Succession.State };
        }, ct);

        if (outcome.Value is { } done)
        {
            LogItemsChanged(logger, action, successionId, done.Changed.Count, done.Skipped.Count, actor);
            if (done.Changed.Count > 0 && wakeEngine)
            {
                await wake.WakeAsync(successionId, ct);
            }
        }

        return outcome;
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Items of succession {SuccessionId}: {Action} by {Actor}: {Changed} changed, {Skipped} skipped")]
    private static partial void LogItemsChanged(ILogger logger, string action, long successionId, int changed, int skipped, Actor actor);
}
