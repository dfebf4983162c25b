using System.Globalization;
using Quartz;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Callbacks;

/// <summary>
/// Handles one inbox row: parses the stored event again and hands it to every handler, then marks the row
/// processed. A failure leaves the row unprocessed, and the sweeper enqueues it again.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class ProcessInboxJob(CallbackInbox inbox, IEnumerable<ICallbackEventHandler> handlers, ILogger<ProcessInboxJob> logger) : IJob
{
    public static string KeyFor(long inboxId) => "inbox-" + inboxId.ToString(CultureInfo.InvariantCulture);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var id = long.Parse(context.JobDetail.Key.Name["inbox-".Length..], CultureInfo.InvariantCulture);
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
