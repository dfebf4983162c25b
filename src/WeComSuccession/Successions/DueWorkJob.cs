using Quartz;
using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Successions;

/// <summary>Enqueues the step job of every succession whose due time has come (a retry, a takeover time, the next day).</summary>
[DisallowConcurrentExecution]
internal sealed class DueWorkJob(SuccessionStore store, JobQueue jobs) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        foreach (var id in await store.DueAsync(200, cancellationToken))
        {
            await jobs.EnqueueAsync<SuccessionStepJob>(SuccessionStepJob.KeyFor(id), cancellationToken);
        }
    }
}
