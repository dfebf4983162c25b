using System.Globalization;
using Quartz;

namespace WeComSuccession.Successions;

/// <summary>
/// Does everything that is due for one succession (plan, release, transfer, check results, notify,
/// complete). One run at a time per succession across the cluster; every step is a guarded transition in
/// the database, so a run killed halfway is simply run again.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SuccessionStepJob(SuccessionEngine engine) : IJob
{
    public static string KeyFor(long successionId) => "succession-" + successionId.ToString(CultureInfo.InvariantCulture);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = long.Parse(context.JobDetail.Key.Name["succession-".Length..], CultureInfo.InvariantCulture);
        await engine.RunAsync(id, cancellationToken);
    }
}
