using WeComSuccession.Audit;

namespace WeComSuccession.Successions.Approvals;

/// <summary>
/// The timers of a plan that awaits approval, due through the engine (<see cref="SuccessionStore.NextDueAsync"/> and the
/// due-work poll), set from its rule when it was routed: the reminder (the notify step then sends a new card to those who
/// have not decided), the escalation to the next leader up (again every so often while someone is left above), and the
/// expiry: every item to manual handling, the plan completed, the admins told (by the notify step).
/// </summary>
internal sealed partial class ApprovalTimers(SuccessionStore store, ApprovalPolicy policy, ServiceClock clock, ILogger<ApprovalTimers> logger) : ISuccessionStep
{
    public const string Expired = "approval expired";

    public int Order => StepOrder.Approve;

    public bool AppliesTo(string state) => state == SuccessionState.AwaitingApproval;

    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        var now = AuditFormat.ToStoredTime(clock.GetUtcNow());
        if (s.ExpireAt <= now)
        {
            await ExpireAsync(s.Id, now, ct);
            return;
        }

        var up = s.EscalateAt <= now ? await policy.EscalationTargetsAsync(s, ct) : null;
        if (up is null && !(s.RemindAt <= now))
        {
            return;
        }

        await store.ChangeAsync<Succession>(s.Id, async change =>
        {
            var c = change.Succession;
            if (c.State != SuccessionState.AwaitingApproval)
            {
                return Failure.Conflict("decided meanwhile");
            }

            var after = c;
            var actions = new List<string>();
            if (c.EscalateAt <= now && up is not null)
            {
                var added = up.Where(u => !c.Approvers.Contains(u, StringComparer.OrdinalIgnoreCase)).ToArray();
                after = after with { Approvers = [.. c.Approvers, .. added], EscalateAt = added.Length > 0 && c.EscalateEvery is { } every ? now + every : null };
                actions.Add("succession.escalate");
                LogEscalated(logger, c.Id, added.Length == 0 ? "nobody (no leader above, no admin left)" : string.Join(", ", added));
            }

            if (c.RemindAt <= now)
            {
                after = after with { RemindAt = null, RemindedAt = now };
                actions.Add("succession.remind");
            }

            await change.TransitionAsync(after, Actor.System, string.Join('+', actions));
            return after;
        }, ct);
    }

    /// <summary>Nobody decided in time: the planned items go to manual handling and the plan is over (every item is final).</summary>
    private async Task ExpireAsync(long id, DateTime now, CancellationToken ct)
    {
        var outcome = await store.ChangeAsync<Succession>(id, async change =>
        {
            var c = change.Succession;
            if (c.State != SuccessionState.AwaitingApproval || !(c.ExpireAt <= now))
            {
                return Failure.Conflict("decided meanwhile");
            }

            await change.UpdateItemsAsync([.. (await change.ItemsInAsync(ItemState.Planned)).Select(i => (i, i with { State = ItemState.Manual, Reason = Expired }))],
                Actor.System, "succession.expire");
            var after = c with
            {
                State = SuccessionState.Completed, Reason = Expired, ApprovalOutcome = ApprovalOutcomes.Expired, RemindAt = null, EscalateAt = null, ExpireAt = null,
            };
            await change.TransitionAsync(after, Actor.System, "succession.expire");
            return after;
        }, ct);
        if (outcome.IsDone)
        {
            LogExpired(logger, id);
        }
    }

    [LoggerMessage(EventId = 443, Level = LogLevel.Information, Message = "Succession {SuccessionId} escalated to {Approvers}")]
    private static partial void LogEscalated(ILogger logger, long successionId, string approvers);

    [LoggerMessage(EventId = 444, Level = LogLevel.Warning, Message = "Succession {SuccessionId}: nobody decided in time; its items go to manual handling")]
    private static partial void LogExpired(ILogger logger, long successionId);
}
