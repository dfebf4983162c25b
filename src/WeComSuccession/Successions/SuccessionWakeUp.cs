using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Successions;

/// <summary>Marks a succession as having due work and enqueues its step job (after a run in progress, if there is one).</summary>
internal sealed class SuccessionWakeUp(SuccessionStore store, JobQueue jobs)
{
    public async Task WakeAsync(long successionId, CancellationToken ct)
    {
        await store.MarkDueAsync(successionId, ct);
        await jobs.EnqueueAsync<SuccessionStepJob>(successionId, ct: ct);
    }
}
