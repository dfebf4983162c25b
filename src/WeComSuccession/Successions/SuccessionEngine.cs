using Dapper;
using WeComSuccession.Directory;
using WeComSuccession.Notifications;
using WeComSuccession.Results;
using WeComSuccession.Transfers;

namespace WeComSuccession.Successions;

/// <summary>
/// One step of one succession: plan it if new; if transferring, send what is queued, check what is due, and
/// complete it when every item is final; then record when it next has due work. The database holds all state,
/// so a step cut short by a crash is simply run again.
/// </summary>
internal sealed partial class SuccessionEngine(
    SuccessionStore store, Planner planner, TransferRunner transfers, TransferResults results, MemberDirectory directory,
    SuccessionNotifier notifier, ServiceClock clock, ILogger<SuccessionEngine> logger)
{
    /// <summary>Passes per run while work stays due at once (e.g. re-routed items); bounds a run.</summary>
    private const int MaxPasses = 5;

    public async Task RunAsync(long successionId, CancellationToken ct)
    {
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            if (await store.GetAsync(successionId, ct) is not { } s)
            {
                return;
            }

            if (s.State == SuccessionState.Planning)
            {
                await planner.PlanAsync(s, ct);
                continue;
            }

            if (s.State == SuccessionState.Transferring)
            {
                await StepAsync(s, ct);
            }

            var next = await NextDueAsync(s, ct);
            await store.SetNextRunAsync(successionId, next, ct);
            if (next is null || next > clock.GetUtcNow())
            {
                return;
            }
        }
    }

    private async Task StepAsync(Succession s, CancellationToken ct)
    {
        if (s.Api == TransferApi.Resigned && (await directory.GetAsync(s.HandoverUserid, ct))?.DepartedAt is null)
        {
            // Released (e.g. approved) before the member was deleted: resigned transfers wait for the deletion.
            await store.TransitionAsync(s.Id, [SuccessionState.Transferring], SuccessionState.AwaitingDeletion, "member is disabled, not deleted", ct);
            return;
        }

        await transfers.RunAsync(s, ct);
        await results.CheckDueAsync(s, ct);

        var counts = await store.CountsAsync(s.Id, ct);
        if (counts.Keys.All(ItemState.Final.Contains)
            && await store.TransitionAsync(s.Id, [SuccessionState.Transferring], SuccessionState.Completed, null, ct))
        {
            var summary = string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
            LogCompleted(logger, s.Id, s.HandoverUserid, summary);
            await notifier.NotifyCompletedAsync(s, ct);
        }
    }

    /// <summary>The earliest moment something of this succession is due, or null.</summary>
    private async Task<DateTimeOffset?> NextDueAsync(Succession s, CancellationToken ct)
    {
        var current = await store.GetAsync(s.Id, ct);
        if (current?.State is not (SuccessionState.Transferring or SuccessionState.Planning))
        {
            return null;
        }

        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        var next = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            """
            SELECT min(CASE state WHEN 'queued' THEN COALESCE(not_before, @now)
                                  WHEN 'submitting' THEN @now
                                  WHEN 'waiting' THEN next_check_at END)
            FROM succession_items WHERE succession_id = @Id AND state IN ('queued', 'submitting', 'waiting')
            """,
            new { s.Id, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
        return current.State == SuccessionState.Planning ? clock.GetUtcNow() : next is { } n ? new DateTimeOffset(n, TimeSpan.Zero) : null;
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Succession {SuccessionId} of {Handover} completed: {Counts}")]
    private static partial void LogCompleted(ILogger logger, long successionId, string handover, string counts);
}
