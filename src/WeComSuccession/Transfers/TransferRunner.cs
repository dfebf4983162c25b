using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Successors;
using WeComSuccession.Transfers.Tracking;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Transfers;

/// <summary>
/// Sends a succession's queued items to WeCom in batches: ≤ 100 per call per (handover, takeover), groups
/// within the day's quota. Before a call leaves, its batch row is written and its items become
/// <c>submitting</c> in one transaction; the answer moves them on. Items left <c>submitting</c> (a crash, a
/// timeout) are first checked with transfer_result (customers) or the new owner's groups (groups): a transfer POST has
/// no idempotency key, so nothing is sent twice on a guess.
/// </summary>
internal sealed partial class TransferRunner(
    SuccessionStore store, TransferBatches batches, WeComClient wecom, Rerouter rerouter, GroupQuota quota, TransferResults results,
    ServiceClock clock, IOptions<SuccessionOptions> options, ILogger<TransferRunner> logger) : ISuccessionStep
{
    public int Order => StepOrder.Send;

    public bool AppliesTo(string state) => state == SuccessionState.Transferring;

    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        // Left submitting by a run that died (a crash, a kill) before it stored its call's answer.
        await RecoverAsync(s, await store.ItemsAsync(s.Id, [ItemState.Submitting], ct), runDied: true, ct);

        var now = clock.GetUtcNow().UtcDateTime;
        var due = (await store.ItemsAsync(s.Id, [ItemState.Queued], ct)).Where(i => i.TakeoverUserid is not null && (i.NotBefore is null || i.NotBefore <= now));
        foreach (var lane in due.GroupBy(i => (i.Kind, Takeover: i.TakeoverUserid!)))
        {
            foreach (var chunk in lane.Chunk(options.Value.Transfer.BatchSize))
            {
                if (!await SendAsync(s, lane.Key.Kind, lane.Key.Takeover, chunk, ct))
                {
                    return; // the succession is waiting for something (deletion, a throttle): stop sending for now
                }
            }
        }
    }

    /// <returns>False when sending should stop for this run.</returns>
    private async Task<bool> SendAsync(Succession s, string kind, string takeover, SuccessionItem[] chunk, CancellationToken ct)
    {
        if (kind == ItemKind.Group)
        {
            var granted = await quota.ReserveAsync(s.HandoverUserid, chunk.Length, ct);
            if (granted < chunk.Length)
            {
                var tomorrow = quota.NextDayUtc();
                await store.UpdateAsync([.. chunk[granted..].Select(i => (i, i with { NotBefore = tomorrow, Reason = "daily limit of groups per owner reached; carried to the next day" }))], ct);
                LogCarried(logger, s.Id, chunk.Length - granted, tomorrow);
                if (granted == 0)
                {
                    return true;
                }

                chunk = chunk[..granted];
            }
        }

        var (batchId, submitting) = await batches.BeginAsync(s, kind, takeover, chunk, ct);
        if (submitting.Count == 0)
        {
            return true;
        }

        try
        {
            var outcomes = kind == ItemKind.Customer
                ? await TransferCustomersAsync(s, takeover, submitting, ct)
                : await TransferGroupsAsync(s, takeover, submitting, ct);
            await batches.EndAsync(batchId, "answered", null, ct);
            await ApplyAsync(s, submitting, outcomes, ct);
            return true;
        }
        catch (WeComThrottledException e)
        {
            // Refused before WeCom acted: the items may go again after the pause, and the call was no attempt
            // (attempts bound resends after unknown outcomes; throttles must not use them up).
            var retryAt = clock.GetUtcNow().UtcDateTime + e.RetryAfter;
            await batches.EndAsync(batchId, "answered", e.ErrCode, ct);
            await store.UpdateAsync([.. submitting.Select(i => (i, i with { State = ItemState.Queued, BatchId = null, NotBefore = retryAt, Attempts = (short)(i.Attempts - 1) }))], ct);
            if (kind == ItemKind.Group)
            {
                await quota.ReleaseAsync(s.HandoverUserid, submitting.Count, ct);
            }

            return false;
        }
        catch (WeComOutcomeUnknownException e)
        {
            LogOutcomeUnknown(logger, s.Id, batchId, e.Reason);
            await batches.EndAsync(batchId, "unknown", null, ct);
            await RecoverAsync(s, submitting, runDied: false, ct);
            return true;
        }
        catch (WeComApiException e)
        {
            await batches.EndAsync(batchId, "answered", e.ErrCode, ct);
            return await ApplyCallErrorAsync(s, submitting, e, ct);
        }
    }

    private async Task<Dictionary<string, int>> TransferCustomersAsync(Succession s, string takeover, IReadOnlyList<SuccessionItem> items, CancellationToken ct)
    {
        IReadOnlyList<ExternalContactTransferCustomerItem> results = s.Api == TransferApi.Resigned
            ? (await wecom.ExecuteExternalContactResignedTransferCustomerAsync(
                new() { HandoverUserId = s.HandoverUserid, TakeoverUserId = takeover, ExternalUserId = [.. items.Select(i => i.TargetId)] }, ct)).Customer
            : (await wecom.ExecuteExternalContactTransferCustomerAsync(
                new() { HandoverUserId = s.HandoverUserid, TakeoverUserId = takeover, ExternalUserId = [.. items.Select(i => i.TargetId)] }, ct)).Customer;
        return results.GroupBy(r => r.ExternalUserId).ToDictionary(g => g.Key, g => g.First().ErrCode);
    }

    private async Task<Dictionary<string, int>> TransferGroupsAsync(Succession s, string takeover, IReadOnlyList<SuccessionItem> items, CancellationToken ct)
    {
        IReadOnlyList<ExternalContactGroupChatTransferFailedItem> failed = s.Api == TransferApi.Resigned
            ? (await wecom.ExecuteExternalContactGroupChatTransferAsync(new() { ChatIdList = [.. items.Select(i => i.TargetId)], NewOwner = takeover }, ct)).FailedChatList
            : (await wecom.ExecuteExternalContactGroupChatOnJobTransferAsync(new() { ChatIdList = [.. items.Select(i => i.TargetId)], NewOwner = takeover }, ct)).FailedChatList;

        // Only failures are listed; every other chat of the call changed owner.
        var codes = items.ToDictionary(i => i.TargetId, _ => 0);
        foreach (var f in failed)
        {
            codes[f.ChatId] = f.ErrCode;
        }

        return codes;
    }

    /// <summary>Per-item errcodes → next states (<see cref="TransferOutcomes"/>).</summary>
    private async Task ApplyAsync(Succession s, IReadOnlyList<SuccessionItem> items, Dictionary<string, int> codes, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var transfer = options.Value.Transfer;
        var changes = new List<(SuccessionItem, SuccessionItem)>();
        var reroutes = new List<(SuccessionItem, string, int?)>();
        var notResigned = new List<SuccessionItem>();
        foreach (var item in items)
        {
            int? code = codes.TryGetValue(item.TargetId, out var c) ? c : null;
            var outcome = TransferOutcomes.Of(item.Kind, s.Api, code, transfer.ConfirmGroupOwner);
            switch (outcome)
            {
                case TransferOutcome.ReRoute:
                    reroutes.Add((item, WeComErrorCodes.Describe(code!.Value), code));
                    break;
                case TransferOutcome.AwaitDeletion:
                    notResigned.Add(item);
                    break;
                default:
                    changes.Add((item, TransferOutcomes.Next(item, outcome, code, now + transfer.FirstResultCheck, now + transfer.GroupConfirmDeadline)!));
                    break;
            }
        }

        changes.AddRange(await rerouter.RerouteAsync(s, reroutes, ct));
        await store.UpdateAsync(changes, ct);
        if (notResigned.Count > 0)
        {
            await WaitForDeletionAsync(s, notResigned, ct);
        }
    }

    /// <summary>A call-level error applies to every item of the call.</summary>
    private async Task<bool> ApplyCallErrorAsync(Succession s, IReadOnlyList<SuccessionItem> items, WeComApiException e, CancellationToken ct)
    {
        switch (e.Class)
        {
            case WeComErrorClass.WrongApi when s.Api == TransferApi.Resigned:
                await WaitForDeletionAsync(s, items, ct);
                return false;
            case WeComErrorClass.Configuration or WeComErrorClass.Busy or WeComErrorClass.Unknown:
                // Nothing is wrong with the items: keep them queued, try again later, and say why on the succession.
                var later = clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(10);
                await store.UpdateAsync([.. items.Select(i => (i, i with { State = ItemState.Queued, BatchId = null, NotBefore = later, Errcode = e.ErrCode, Reason = WeComErrorCodes.Describe(e.ErrCode) }))], ct);
                return false;
            case WeComErrorClass.ReRoute or WeComErrorClass.TerminalForItem:
                // The call names one takeover; an error for the whole call is about the takeover.
                await store.UpdateAsync(await rerouter.RerouteAsync(s, [.. items.Select(i => (i, WeComErrorCodes.Describe(e.ErrCode), (int?)e.ErrCode))], ct), ct);
                return true;
            default:
                await store.UpdateAsync([.. items.Select(i => (i, i with { State = ItemState.Failed, Errcode = e.ErrCode, Reason = WeComErrorCodes.Describe(e.ErrCode) }))], ct);
                return true;
        }
    }

    /// <summary>WeCom says the member has not left yet (40097 / 90500): hold the items until the deletion arrives.</summary>
    private async Task WaitForDeletionAsync(Succession s, IReadOnlyList<SuccessionItem> items, CancellationToken ct)
    {
        await store.UpdateAsync([.. items.Select(i => (i, i with { State = ItemState.Queued, BatchId = null, NotBefore = null }))], ct);
        await store.TransitionAsync(s.Id, [SuccessionState.Transferring], SuccessionState.AwaitingDeletion, "WeCom says the member has not resigned yet (40097)", ct);
    }

    /// <summary>
    /// Items whose transfer call has no recorded answer. Customers: transfer_result says what WeCom did; only
    /// a customer WeCom has no record of goes back to the queue. Groups: the owner says. <paramref name="runDied"/>:
    /// the items were left by a run that died (not by a call that timed out in this one), so their call may never
    /// have left, and a customer WeCom has no record of goes back without using up one of its bounded resends.
    /// </summary>
    private async Task RecoverAsync(Succession s, IReadOnlyList<SuccessionItem> submitting, bool runDied, CancellationToken ct)
    {
        if (submitting.Count == 0)
        {
            return;
        }

        LogRecovering(logger, s.Id, submitting.Count);
        await results.ApplyTransferResultsAsync(s, [.. submitting.Where(i => i.Kind == ItemKind.Customer)], ct, uncounted: runDied);
        await results.ConfirmGroupsAsync(s, [.. submitting.Where(i => i.Kind == ItemKind.Group)], ct);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Succession {SuccessionId}: {Count} groups carried to {NotBefore:o} (daily limit)")]
    private static partial void LogCarried(ILogger logger, long successionId, int count, DateTime notBefore);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Succession {SuccessionId}: batch {BatchId} outcome unknown ({Reason}); asking WeCom before sending again")]
    private static partial void LogOutcomeUnknown(ILogger logger, long successionId, long batchId, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Succession {SuccessionId}: checking {Count} items whose transfer call has no recorded answer")]
    private static partial void LogRecovering(ILogger logger, long successionId, int count);
}
