using System.Threading.Channels;
using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Callbacks;

/// <summary>
/// Processes each inbox row this node has just stored, off the callback's request path, with
/// <see cref="JobOptions.InboxWorkerCount"/> rows at a time. The row is already the durable job: processing it here
/// rather than through a Hangfire job spares every callback the job's own transactions (its row, its Enqueued,
/// Processing and Succeeded states, their locks), which cost the endpoint a quarter of its rate while a burst was
/// being answered (tests/WeComSuccession.Benchmarks/REPORT.md, "Hangfire replaces Quartz"). What this node cannot
/// finish — it failed, or the node died between the 200 and the end — is still an unprocessed row, which
/// <see cref="InboxSweepJob"/> hands to Hangfire as a <see cref="ProcessInboxJob"/>, with its retries.
/// </summary>
internal sealed partial class InboxProcessor(IServiceProvider services, JobOptions options, ILogger<InboxProcessor> logger) : BackgroundService
{
    private readonly Channel<long> _ids = Channel.CreateUnbounded<long>();

    /// <summary>Never waits: the channel is unbounded (ids only; the rows themselves are durable already).</summary>
    public void Post(long inboxId) => _ids.Writer.TryWrite(inboxId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The same run as the Hangfire job's: one run per row across the cluster, the handlers in flow order.
        var job = ActivatorUtilities.CreateInstance<ProcessInboxJob>(services);
        await Parallel.ForEachAsync(
            _ids.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = options.InboxWorkerCount, CancellationToken = stoppingToken },
            async (id, ct) =>
            {
                try
                {
                    await job.RunAsync(id, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The row stays unprocessed; the inbox sweep gives it to Hangfire after its grace period.
                    LogProcessingFailed(logger, id, e);
                }
            });
    }

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Inbox {InboxId}: processing failed; the inbox sweep will hand it to a job")]
    private static partial void LogProcessingFailed(ILogger logger, long inboxId, Exception exception);
}
