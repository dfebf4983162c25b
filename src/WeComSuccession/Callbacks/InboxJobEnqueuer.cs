using System.Threading.Channels;
using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Callbacks;

/// <summary>
/// Enqueues the processing job of each newly stored inbox row, off the callback's request path. A Hangfire enqueue is
/// two transactions of its own (the job, then its Enqueued state and queue row); inside the request they would make
/// the callback's 200 wait for them (see tests/WeComSuccession.Benchmarks/REPORT.md, "Hangfire replaces Quartz").
/// One reader enqueues the ids in arrival order, so a burst of callbacks queues here instead of in the requests. An id
/// lost here (a crash between the 200 and the enqueue) is still an unprocessed row, which <see cref="InboxSweepJob"/>
/// enqueues.
/// </summary>
internal sealed partial class InboxJobEnqueuer(JobQueue jobs, ILogger<InboxJobEnqueuer> logger) : BackgroundService
{
    private readonly Channel<long> _ids = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Never waits: the channel is unbounded (ids only; the rows themselves are durable already).</summary>
    public void Post(long inboxId) => _ids.Writer.TryWrite(inboxId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in _ids.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                jobs.EnqueueNew<ProcessInboxJob>(id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The row stays unprocessed; the inbox sweeper enqueues it after its grace period.
                LogEnqueueFailed(logger, id, e);
            }
        }
    }

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Inbox {InboxId}: its processing job could not be enqueued; the inbox sweep will")]
    private static partial void LogEnqueueFailed(ILogger logger, long inboxId, Exception exception);
}
