using Npgsql;
using Quartz;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// Quartz on the service's own PostgreSQL: a persistent, clustered store sharing the one
/// <see cref="NpgsqlDataSource"/>, so several service processes on one database run each job once.
/// Jobs carry ids only; what to do is read from the database when they run. Each feature adds its own jobs
/// and schedules with <c>Services.AddQuartz(...)</c>, which composes with this registration.
/// </summary>
internal static class Jobs
{
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "WeComSuccession";
                scheduler.GenerateInstanceId = true;
                scheduler.IdleWaitTime = options.IdleWaitTime;
            });
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = options.MaxConcurrency);

            // Quartz only decides when a job runs, in real time. Business time (takeover times, the next day's
            // group quota) is the service's TimeProvider, compared in the database by the due-work sweeper; a
            // clock that jumps (a test advancing a day) must not throw the scheduler into misfire handling.
            quartz.UseTimeProvider(TimeProvider.System);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(source => source.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                store.UseSystemTextJsonSerializer();
                store.UseClustering(cluster => cluster.CheckinInterval = options.ClusterCheckinInterval);
                store.ProvisionSchema();
            });
        });
        builder.Services.AddQuartzHostedService(hosted =>
        {
            hosted.WaitForJobsToComplete = options.WaitForJobsToComplete;
            hosted.AwaitApplicationStarted = true;
        });
        builder.Services.AddSingleton<JobQueue>();
        builder.Services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("scheduler", tags: [HealthTags.Ready]);
        return builder;
    }
}

internal sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs one node runs at once.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>How often a node tells the cluster it is alive; a silent node's jobs are recovered after a few intervals.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Whether stopping a node waits for its running jobs. Every job is a guarded, resumable step and asks
    /// for recovery, so not waiting loses nothing: another node (or this one, restarted) runs it again.</summary>
    public bool WaitForJobsToComplete { get; set; } = true;

    /// <summary>How long an idle node waits before asking the store for due triggers again; new work
    /// scheduled on this node wakes it at once, so this only bounds the idle database load.</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Schedules a job to run now. A job key names the work ("succession-42"), so a second request while one
/// is waiting is dropped: every job does all that is due for its key when it runs.
/// </summary>
internal sealed class JobQueue(ISchedulerFactory schedulers)
{
    public async Task EnqueueAsync<TJob>(string key, CancellationToken ct)
        where TJob : IJob
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var jobKey = new JobKey(key, typeof(TJob).Name);
        var job = JobBuilder.Create<TJob>().WithIdentity(jobKey).RequestRecovery().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(key + "-now", typeof(TJob).Name).StartNow().Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), ct);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Already waiting or running: the run will see the new work (or the sweeper will re-enqueue it).
        }
    }
}
