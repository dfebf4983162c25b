using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>Readiness: this node's scheduler runs.</summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return scheduler.Status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("scheduler is " + scheduler.Status);
    }
}
