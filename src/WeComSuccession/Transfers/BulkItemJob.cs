using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Transfers;

/// <summary>Carries out one bulk action (<see cref="BulkItemCommands"/>), one run at a time per operation; safe to run
/// again, it resumes from its count.</summary>
internal sealed class BulkItemJob(BulkItemCommands bulk, JobRuns runs) : IRowJob
{
    public Task RunAsync(long id, CancellationToken ct) => runs.RunAsync<BulkItemJob>(id, ct => bulk.RunAsync(id, ct), ct);
}
