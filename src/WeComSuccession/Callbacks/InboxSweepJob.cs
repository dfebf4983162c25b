using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Callbacks;

/// <summary>Re-enqueues inbox rows whose processing job never ran (a crash between insert and enqueue).</summary>
internal sealed class InboxSweepJob(CallbackInbox inbox, JobQueue jobs, JobRuns runs, ServiceClock clock) : IRecurringJob
{
    /// <summary>A row younger than this is probably still on its way through its own job.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public Task RunAsync(CancellationToken ct) => runs.RunUnlessRunningAsync<InboxSweepJob>(SweepAsync, ct);

    private async Task SweepAsync(CancellationToken ct)
    {
        foreach (var id in await inbox.UnprocessedAsync(clock.GetUtcNow() - Grace, 500, ct))
        {
            await jobs.EnqueueAsync<ProcessInboxJob>(id, ct: ct);
        }
    }
}
