using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Callbacks;

/// <summary>
/// Something that acts on stored callback events (the directory, succession triggers, transfer results). Each
/// inbox row's event is given to every handler in the order their folders were added (the flow order), so the
/// directory is current before a succession trigger reads it.
/// </summary>
internal interface ICallbackEventHandler
{
    Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct);
}
