using Quartz;
using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Callbacks;

/// <summary>Re-enqueues inbox rows whose processing job never ran (a crash between insert and enqueue).</summary>
[DisallowConcurrentExecution]
internal sealed class InboxSweepJob(CallbackInbox inbox, JobQueue jobs, ServiceClock clock) : IJob
{
    /// <summary>A row younger than this is probably still on its way through its own job.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        foreach (var id in await inbox.UnprocessedAsync(clock.GetUtcNow() - Grace, 500, cancellationToken))
        {
            await jobs.EnqueueAsync<ProcessInboxJob>(ProcessInboxJob.KeyFor(id), cancellationToken);
        }
    }
}
