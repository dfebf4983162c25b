using Quartz;

namespace WeComSuccession.Successions;

/// <summary>The periodic reconciliation sweep (<see cref="Reconciler"/>).</summary>
[DisallowConcurrentExecution]
internal sealed class ReconcileJob(Reconciler reconciler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await reconciler.SweepAsync(cancellationToken);
}
