using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Successions;

/// <summary>
/// Does everything that is due for one succession (plan, release, transfer, check results, notify,
/// complete). One run at a time per succession across the cluster; every step is a guarded transition in
/// the database, so a run killed halfway is simply run again.
/// </summary>
internal sealed class SuccessionStepJob(SuccessionEngine engine, JobRuns runs) : IRowJob
{
    public Task RunAsync(long id, CancellationToken ct) => runs.RunAsync<SuccessionStepJob>(id, ct => engine.RunAsync(id, ct), ct);
}
