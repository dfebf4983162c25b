using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Successions;

/// <summary>
/// Enqueues the step job of every succession whose due time has come (a retry, a takeover time, the next day). A
/// succession whose run is still going is left to that run, which records its next due time as it ends.
/// </summary>
internal sealed class DueWorkJob(SuccessionStore store, JobQueue jobs, JobRuns runs) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => runs.RunUnlessRunningAsync<DueWorkJob>(EnqueueDueAsync, ct);

    private async Task EnqueueDueAsync(CancellationToken ct)
    {
        foreach (var id in await store.DueAsync(200, ct))
        {
            await jobs.EnqueueAsync<SuccessionStepJob>(id, unlessRunning: true, ct);
        }
    }
}
