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
    /// <summary>Callbacks per second above which processing waits: WeCom sends a few a minute; more is a burst.</summary>
    public const int BurstRate = 50;

    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(200);

    private readonly Channel<long> _ids = Channel.CreateUnbounded<long>();
    private long _posted;
    private volatile bool _burst;

    /// <summary>Never waits: the channel is unbounded (ids only; the rows themselves are durable already).</summary>
    public void Post(long inboxId)
    {
        Interlocked.Increment(ref _posted);
        _ids.Writer.TryWrite(inboxId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The same run as the Hangfire job's: one run per row across the cluster, the handlers in flow order.
        var job = ActivatorUtilities.CreateInstance<ProcessInboxJob>(services);
        var watch = WatchForBurstsAsync(stoppingToken);
        await Parallel.ForEachAsync(
            _ids.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = options.InboxWorkerCount, CancellationToken = stoppingToken },
            async (id, ct) =>
            {
                await UntilNoBurstAsync(ct);
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
        await watch;
    }

    /// <summary>Measures the callbacks' rate over each <see cref="Sample"/>; a quiet node processes at once.</summary>
    private async Task WatchForBurstsAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Sample);
        var before = Interlocked.Read(ref _posted);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = Interlocked.Read(ref _posted);
                _burst = now - before > BurstRate * Sample.TotalSeconds;
                before = now;
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>
    /// While callbacks arrive faster than <see cref="BurstRate"/>, answering them comes first: WeCom wants each 200
    /// within 5 s and sends again otherwise, and both cores serve the endpoint and this processing alike. The rows
    /// are stored, so processing waits for the burst to pass instead of halving the rate at which it is answered.
    /// </summary>
    private async Task UntilNoBurstAsync(CancellationToken ct)
    {
        while (_burst)
        {
            await Task.Delay(Sample, ct);
        }
    }

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Inbox {InboxId}: processing failed; the inbox sweep will hand it to a job")]
    private static partial void LogProcessingFailed(ILogger logger, long inboxId, Exception exception);
}
