using WeComSuccession.Callbacks;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Successors;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Transfers.Tracking;

/// <summary>
/// <c>transfer_fail</c> settles a waiting customer at once (its UserID is the takeover; the handover is not
/// given, so the waiting item of that takeover and customer is the match). <c>add_external_contact</c> by a
/// takeover is only a hint: it brings that item's transfer_result check forward.
/// </summary>
internal sealed class TransferEventsHandler(SuccessionStore store, Rerouter rerouter, SuccessionWakeUp wake, ServiceClock clock) : ICallbackEventHandler
{
    public async Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct)
    {
        switch (evt)
        {
            case TransferFailedEvent failed:
                foreach (var item in await store.WaitingForAsync(failed.UserId, failed.ExternalUserId, ct))
                {
                    var s = (await store.GetAsync(item.SuccessionId, ct))!;
                    var changes = failed.FailReason == "customer_limit_exceed"
                        ? await rerouter.RerouteAsync(s, [(item, "successor at customer limit (transfer_fail)", 40099)], ct)
                        : [(item, item with { State = ItemState.Refused, NextCheckAt = null, Reason = "customer refused the takeover (transfer_fail: " + failed.FailReason + ")" })];
                    await store.UpdateAsync(changes, ct);
                    await wake.WakeAsync(item.SuccessionId, ct);
                }

                break;
            case ExternalContactAddedEvent added:
                foreach (var item in await store.WaitingForAsync(added.UserId, added.ExternalUserId, ct))
                {
                    await store.UpdateAsync([(item, item with { NextCheckAt = clock.GetUtcNow().UtcDateTime })], ct);
                    await wake.WakeAsync(item.SuccessionId, ct);
                }

                break;
        }
    }
}
