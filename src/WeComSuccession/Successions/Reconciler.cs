using Dapper;
using Quartz;
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
        foreach (var chatId in await UnknownChatsAsync(chats, ct))
        {
            var chat = await wecom.ExecuteExternalContactGroupChatGetAsync(new() { ChatId = chatId }, ct);
            if (chat.GroupChat?.Owner is { Length: > 0 } owner)
            {
                departed.Add(owner);
            }
        }

        var known = await store.KnownHandoversAsync(departed, ct);
        var waiting = await AwaitingDeletionAsync(departed, ct);
        var opened = departed.Where(h => !known.Contains(h) || waiting.Contains(h)).Order(StringComparer.Ordinal).ToList();
        foreach (var handover in opened)
        {
            await triggers.DepartedAsync(handover, "sweep", ct);
        }

        LogSwept(logger, departed.Count, opened.Count);
        return opened;
    }

    private async Task<IReadOnlyList<string>> UnknownChatsAsync(List<string> chats, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        var known = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT i.target_id FROM succession_items i JOIN successions s ON s.id = i.succession_id
            WHERE i.kind = 'group' AND i.target_id = ANY(@chats) AND s.state <> 'awaiting_deletion'
            """, new { chats = chats.ToArray() }, cancellationToken: ct))).ToHashSet();
        return [.. chats.Where(c => !known.Contains(c))];
    }

    private async Task<HashSet<string>> AwaitingDeletionAsync(HashSet<string> handovers, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT handover_userid FROM successions WHERE state = 'awaiting_deletion' AND handover_userid = ANY(@ids)",
            new { ids = handovers.ToArray() }, cancellationToken: ct))];
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Information, Message = "Reconciliation sweep: {Departed} departed members in WeCom, {Opened} successions opened or released")]
    private static partial void LogSwept(ILogger logger, int departed, int opened);
}

[DisallowConcurrentExecution]
internal sealed class ReconcileJob(Reconciler reconciler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await reconciler.SweepAsync(cancellationToken);
}

/// <summary>Enqueues the step job of every succession whose due time has come (a retry, a takeover time, the next day).</summary>
[DisallowConcurrentExecution]
internal sealed class DueWorkJob(SuccessionStore store, Infrastructure.Jobs.JobQueue jobs) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        foreach (var id in await store.DueAsync(200, cancellationToken))
        {
            await jobs.EnqueueAsync<SuccessionStepJob>(SuccessionStepJob.KeyFor(id), cancellationToken);
        }
    }
}
