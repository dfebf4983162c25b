using Quartz;

namespace WeComSuccession.Members;

/// <summary>The daily snapshot of the directory (<see cref="DirectorySync"/>).</summary>
[DisallowConcurrentExecution]
internal sealed class DirectorySyncJob(DirectorySync sync) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sync.SyncAllAsync(cancellationToken);
}
