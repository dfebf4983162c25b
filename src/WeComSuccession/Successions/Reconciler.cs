using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Successions;

/// <summary>
/// The reconciliation sweep: WeCom retries a callback only about three times, so every interval the service
/// reads who has departed from WeCom itself — members with unassigned customers (get_unassigned_list) and
/// owners of groups waiting for inheritance (groupchat/list status 1, which also finds group-only owners) —
/// and opens a succession for each one it does not know yet (or releases one still waiting for a deletion).
/// </summary>
internal sealed partial class Reconciler(SuccessionStore store, SuccessionTriggers triggers, WeComClient wecom, ILogger<Reconciler> logger)
{
    /// <returns>The members whose succession the sweep opened or released.</returns>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        var departed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in wecom.StreamExternalContactGetUnassignedListAsync(new() { PageSize = 1000 }, ct))
        {
            departed.Add(row.HandoverUserId);
        }

        var chats = new List<string>();
        await foreach (var chat in wecom.StreamExternalContactGroupChatListAsync(new() { StatusFilter = ExternalContactGroupChatStatusFilter.OwnerResigned, Limit = 1000 }, ct))
        {
            chats.Add(chat.ChatId);
        }

        // groupchat/list does not name owners; ask only for chats no succession holds yet, or whose succession
        // still waits for the owner's deletion (a group-only owner is not in get_unassigned_list to release it).
        var held = await store.HeldChatsAsync(chats, ct);
        foreach (var chatId in chats.Where(c => !held.Contains(c)))
        {
            var chat = await wecom.ExecuteExternalContactGroupChatGetAsync(new() { ChatId = chatId }, ct);
            if (chat.GroupChat?.Owner is { Length: > 0 } owner)
            {
                departed.Add(owner);
            }
        }

        var known = await store.KnownHandoversAsync(departed, ct);
        var waiting = await store.AwaitingDeletionAsync(departed, ct);
        var opened = departed.Where(h => !known.Contains(h) || waiting.Contains(h)).Order(StringComparer.Ordinal).ToList();
        foreach (var handover in opened)
        {
            await triggers.DepartedAsync(handover, "sweep", ct);
        }

        LogSwept(logger, departed.Count, opened.Count);
        return opened;
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Information, Message = "Reconciliation sweep: {Departed} departed members in WeCom, {Opened} successions opened or released")]
    private static partial void LogSwept(ILogger logger, int departed, int opened);
}
