using System.Globalization;
using Dapper;
using Npgsql;
using Quartz;
using WeComSuccession.Infrastructure.Jobs;

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

/// <summary>Marks a succession as having due work and enqueues its step job.</summary>
internal sealed class SuccessionWakeUp(NpgsqlDataSource db, JobQueue jobs, ServiceClock clock)
{
    public async Task WakeAsync(long successionId, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE successions SET next_run_at = LEAST(COALESCE(next_run_at, @Now), @Now) WHERE id = @successionId",
                new { successionId, Now = clock.GetUtcNow() }, cancellationToken: ct));
        }

        await jobs.EnqueueAsync<SuccessionStepJob>(SuccessionStepJob.KeyFor(successionId), ct);
    }
}
