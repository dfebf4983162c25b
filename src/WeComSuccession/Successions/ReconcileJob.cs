using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Successions;

/// <summary>The periodic reconciliation sweep (<see cref="Reconciler"/>).</summary>
internal sealed class ReconcileJob(Reconciler reconciler, JobRuns runs) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => runs.RunUnlessRunningAsync<ReconcileJob>(reconciler.SweepAsync, ct);
}
