using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Callbacks;

/// <summary>
/// Handles one inbox row: parses the stored event again and hands it to every handler, then marks the row
/// processed. One run per row at a time; a failure leaves the row unprocessed, and the sweeper enqueues it again.
/// </summary>
[JobQueue(Jobs.InboxQueue)]
internal sealed partial class ProcessInboxJob(CallbackInbox inbox, IEnumerable<ICallbackEventHandler> handlers, JobRuns runs, ILogger<ProcessInboxJob> logger)
    : IRowJob
{
    public Task RunAsync(long id, CancellationToken ct) => runs.RunAsync<ProcessInboxJob>(id, ct => ProcessAsync(id, ct), ct);

    private async Task ProcessAsync(long id, CancellationToken ct)
    {
        if (await inbox.GetAsync(id, ct) is not { ProcessedAt: null } row)
        {
            return;
        }

        if (CallbackEventParser.Parse(row.Payload).Event is { } evt)
        {
            foreach (var handler in handlers)
            {
                await handler.HandleAsync(evt, id, ct);
            }
        }

        await inbox.MarkProcessedAsync(id, ct);
        LogProcessed(logger, id, row.Event, row.ChangeType);
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Inbox {InboxId} processed: {Event}/{ChangeType}")]
    private static partial void LogProcessed(ILogger logger, long inboxId, string @event, string? changeType);
}
