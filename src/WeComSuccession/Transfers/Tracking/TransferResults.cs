using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Successors;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Transfers.Tracking;

/// <summary>
/// Learns what became of transferred items. Customers: transfer_result for each (handover, takeover) pair,
/// asked once soon after submission and again after each item's takeover_time, never in a tight loop; one
/// answer updates every waiting item of the pair. Groups: groupchat/list filtered by the new owner.
/// </summary>
internal sealed partial class TransferResults(
    SuccessionStore store, WeComClient wecom, Rerouter rerouter, ServiceClock clock, IOptions<SuccessionOptions> options, ILogger<TransferResults> logger)
    : ISuccessionStep
{
    public int Order => StepOrder.Track;

    public bool AppliesTo(string state) => state == SuccessionState.Transferring;

    /// <summary>The track step: checks every waiting item whose check is due.</summary>
    public Task RunAsync(Succession s, CancellationToken ct) => CheckDueAsync(s, ct);

    /// <summary>A waiting item is checked again this long after its takeover_time.</summary>
    private static readonly TimeSpan AfterTakeover = TimeSpan.FromMinutes(2);

    /// <summary>Resends of a customer WeCom keeps having no record of, before it is failed for a person to look at.</summary>
    private const int MaxAttempts = 3;

    /// <summary>Checks every waiting item whose check is due.</summary>
    public async Task CheckDueAsync(Succession s, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var waiting = await store.ItemsAsync(s.Id, [ItemState.Waiting], ct);
        var dueTakeovers = waiting.Where(i => i.Kind == ItemKind.Customer && i.NextCheckAt <= now).Select(i => i.TakeoverUserid).ToHashSet();
        await ApplyTransferResultsAsync(s, [.. waiting.Where(i => i.Kind == ItemKind.Customer && dueTakeovers.Contains(i.TakeoverUserid))], ct);

        var dueOwners = waiting.Where(i => i.Kind == ItemKind.Group && i.NextCheckAt <= now).Select(i => i.TakeoverUserid).ToHashSet();
        await ConfirmGroupsAsync(s, [.. waiting.Where(i => i.Kind == ItemKind.Group && dueOwners.Contains(i.TakeoverUserid))], ct);
    }

    /// <summary>
    /// Groups whose transfer was answered "ok" or "being inherited" (waiting), or not answered at all
    /// (submitting): one groupchat/list per new owner, filtered by that owner, says which are theirs now.
    /// A waiting group not yet theirs is checked again later and failed after its deadline; a submitting one
    /// goes back to the queue (resending a group already being inherited only earns 90507).
    /// </summary>
    public async Task ConfirmGroupsAsync(Succession s, IReadOnlyList<SuccessionItem> groups, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var changes = new List<(SuccessionItem, SuccessionItem)>();
        foreach (var owner in groups.Where(g => g.TakeoverUserid is not null).GroupBy(g => g.TakeoverUserid!))
        {
            var owned = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var chat in wecom.StreamExternalContactGroupChatListAsync(
                new() { StatusFilter = ExternalContactGroupChatStatusFilter.All, OwnerFilter = new() { UserIdList = [owner.Key] }, Limit = 1000 }, ct))
            {
                owned.Add(chat.ChatId);
            }

            foreach (var group in owner)
            {
                changes.Add((group, owned.Contains(group.TargetId)
                    ? group with { State = ItemState.Transferred, NextCheckAt = null, Reason = null }
                    : group.State == ItemState.Submitting
                        ? group with { State = ItemState.Queued, BatchId = null }
                        : group.TakeoverTime < now
                            ? group with { State = ItemState.Failed, NextCheckAt = null, Reason = "the group did not show its new owner in time" }
                            : group with { NextCheckAt = now + options.Value.Transfer.FirstResultCheck * 10 }));
            }
        }

        await store.UpdateAsync(changes, ct);
    }

    /// <summary>
    /// Reads transfer_result for each takeover of <paramref name="items"/> (waiting or submitting customers) and moves them on.
    /// With <paramref name="uncounted"/>, a send WeCom has no record of does not count against the bounded resends.
    /// </summary>
    public async Task ApplyTransferResultsAsync(Succession s, IReadOnlyList<SuccessionItem> items, CancellationToken ct, bool uncounted = false)
    {
        foreach (var pair in items.Where(i => i.TakeoverUserid is not null).GroupBy(i => i.TakeoverUserid!))
        {
            var statuses = new Dictionary<string, ExternalContactTransferResultItem>(StringComparer.Ordinal);
            await foreach (var row in StreamResultsAsync(s, pair.Key, ct))
            {
                statuses[row.ExternalUserId] = row;
            }

            SuccessionItem[] pairItems = [.. pair];
            LogChecked(logger, s.Id, pair.Key, pairItems.Length, statuses.Count);
            await ApplyAsync(s, pairItems, statuses, uncounted, ct);
        }
    }

    private IAsyncEnumerable<ExternalContactTransferResultItem> StreamResultsAsync(Succession s, string takeover, CancellationToken ct) =>
        s.Api == TransferApi.Resigned
            ? wecom.StreamExternalContactResignedTransferResultAsync(new() { HandoverUserId = s.HandoverUserid, TakeoverUserId = takeover }, ct)
            : wecom.StreamExternalContactTransferResultAsync(new() { HandoverUserId = s.HandoverUserid, TakeoverUserId = takeover }, ct);

    private async Task ApplyAsync(Succession s, IReadOnlyList<SuccessionItem> items, Dictionary<string, ExternalContactTransferResultItem> statuses, bool uncounted, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var changes = new List<(SuccessionItem, SuccessionItem)>();
        var atCapacity = new List<(SuccessionItem, string, int?)>();
        foreach (var item in items)
        {
            var status = statuses.TryGetValue(item.TargetId, out var row) ? row.Status : ExternalContactTransferStatus.NoTransferRecord;
            switch (status)
            {
                case ExternalContactTransferStatus.Completed:
                    changes.Add((item, item with { State = ItemState.Transferred, TakeoverTime = FromUnix(row!.TakeoverTime), NextCheckAt = null, Reason = null }));
                    break;
                case ExternalContactTransferStatus.Waiting:
                    var takeoverTime = FromUnix(row!.TakeoverTime) ?? now + TimeSpan.FromHours(24);
                    var nextCheck = takeoverTime > now ? takeoverTime + AfterTakeover : now + options.Value.Transfer.FirstResultCheck;
                    changes.Add((item, item with { State = ItemState.Waiting, TakeoverTime = takeoverTime, NextCheckAt = nextCheck }));
                    break;
                case ExternalContactTransferStatus.CustomerRefused:
                    changes.Add((item, item with { State = ItemState.Refused, NextCheckAt = null, Reason = "customer refused the takeover" }));
                    break;
                case ExternalContactTransferStatus.TakeoverLimitReached:
                    atCapacity.Add((item, "successor at customer limit", 40099));
                    break;
                case ExternalContactTransferStatus.NoTransferRecord or ExternalContactTransferStatus.Unknown when uncounted:
                    // No record, and the run that sent it died before the answer: the call may never have left. Send
                    // again, giving the attempt back, or a node that crashes three times mid-call fails customers WeCom never saw.
                    changes.Add((item, item with { State = ItemState.Queued, BatchId = null, NextCheckAt = null, Attempts = (short)Math.Max(0, item.Attempts - 1) }));
                    break;
                default:
                    // WeCom has no record: never started (a call that failed on its way) — safe to send again, a bounded number of times.
                    changes.Add((item, item.Attempts >= MaxAttempts
                        ? item with { State = ItemState.Failed, Reason = "WeCom has no record of this transfer after " + item.Attempts + " attempts" }
                        : item with { State = ItemState.Queued, BatchId = null, NextCheckAt = null }));
                    break;
            }
        }

        changes.AddRange(await rerouter.RerouteAsync(s, atCapacity, ct));
        await store.UpdateAsync(changes, ct);
    }

    private static DateTime? FromUnix(long seconds) => seconds > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : null;

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Succession {SuccessionId}: transfer_result for {Takeover}: {Items} items, {Rows} rows")]
    private static partial void LogChecked(ILogger logger, long successionId, string takeover, int items, int rows);
}
