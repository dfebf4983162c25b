using System.Globalization;
using Quartz;

namespace WeComSuccession.Transfers;

/// <summary>Carries out one bulk action (<see cref="BulkItemCommands"/>); safe to run again, it resumes from its count.</summary>
[DisallowConcurrentExecution]
internal sealed class BulkItemJob(BulkItemCommands bulk) : IJob
{
    public static string KeyFor(long id) => "bulk-" + id.ToString(CultureInfo.InvariantCulture);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await bulk.RunAsync(long.Parse(context.JobDetail.Key.Name["bulk-".Length..], CultureInfo.InvariantCulture), cancellationToken);
}
