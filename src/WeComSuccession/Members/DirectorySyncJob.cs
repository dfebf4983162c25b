using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Members;

/// <summary>The periodic snapshot of the directory (<see cref="DirectorySync"/>).</summary>
internal sealed class DirectorySyncJob(DirectorySync sync, JobRuns runs) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => runs.RunUnlessRunningAsync<DirectorySyncJob>(sync.SyncAllAsync, ct);
}
