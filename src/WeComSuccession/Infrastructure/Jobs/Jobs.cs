using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.Server;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// Hangfire on the service's own PostgreSQL (schema <see cref="Schema"/>, sharing the one
/// <see cref="NpgsqlDataSource"/>); every node is a Hangfire server, so several service processes on one database
/// run each job once. Jobs carry ids only; what to do is read from the database when they run. Each flow folder adds
/// its recurring jobs with <see cref="RecurringJobRegistrations.AddRecurringJob{TJob}"/>; row jobs are enqueued through
/// <see cref="JobQueue"/> and run one at a time per row through <see cref="JobRuns"/>.
/// </summary>
internal static class Jobs
{
    /// <summary>Hangfire's tables live in a schema of their own, beside the service's.</summary>
    public const string Schema = "hangfire";

    /// <summary>Succession steps and the recurring jobs.</summary>
    public const string Queue = "default";

    /// <summary>Callback rows the inbox sweep hands to Hangfire (a node processes its own new rows in-process,
    /// <c>InboxProcessor</c>), served by a few workers of their own (<see cref="JobOptions.InboxWorkerCount"/>).</summary>
    public const string InboxQueue = "inbox";

    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();

        // Hangfire keeps its defaults in statics (JobStorage.Current, the global filters, the activator); a process
        // that hosts two nodes (the cluster test) would share them. Each host registers its own before AddHangfire,
        // whose TryAdd then keeps them, so every node talks to its own database with its own container.
        services.AddSingleton<JobStorage>(sp => new PostgreSqlStorage(new DataSourceConnections(sp), StorageOptions(options)));
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IJobFilterProvider>(sp => Filters(options, sp.GetServices<IServerFilter>()));
        services.AddHostedService<HangfireLogs>();
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(HangfireLogs.Provider));

        // One name per host, so that the readiness check finds this node's server among the cluster's.
        var serverName = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        services.AddSingleton(new JobServerName(serverName));
        services.AddHangfireServer((_, server) =>
        {
            server.ServerName = serverName;
            server.WorkerCount = options.WorkerCount;
            server.Queues = [Queue];
            server.SchedulePollingInterval = options.SchedulePollingInterval;
            server.HeartbeatInterval = options.HeartbeatInterval;
            server.ShutdownTimeout = options.ShutdownTimeout;
        });

        // Callback processing gets workers of its own: a burst of callbacks then neither takes every worker from the
        // departures nor runs so many jobs at once that the callback endpoint itself starves for CPU and connections;
        // the inbox is durable, so its jobs may queue. Lightweight: the main server runs the schedulers and the
        // storage's processes (the sliding invisibility heartbeat covers both servers' jobs: they share the storage).
        services.AddHangfireServer((_, server) =>
        {
            server.ServerName = serverName + "-inbox";
            server.IsLightweightServer = true;
            server.WorkerCount = options.InboxWorkerCount;
            server.Queues = [InboxQueue];
            server.HeartbeatInterval = options.HeartbeatInterval;
            server.ShutdownTimeout = options.ShutdownTimeout;
        });

        services.AddSingleton<ISchemaInstaller, HangfireSchema>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobRuns>();
        services.AddHostedService<RecurringJobs>();
        services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("scheduler", tags: [HealthTags.Ready]);
        return builder;
    }

    private static PostgreSqlStorageOptions StorageOptions(JobOptions options) => new()
    {
        SchemaName = Schema,
        // The schema migrator installs Hangfire's schema under its advisory lock (HangfireSchema); nodes that start
        // together would otherwise race each other's serializable install transactions.
        PrepareSchemaIfNecessary = false,
        QueuePollInterval = options.QueuePollInterval,
        // A job whose node died is fetched again after this; running jobs keep extending it (every fifth of it).
        InvisibilityTimeout = options.InvisibilityTimeout,
        UseSlidingInvisibilityTimeout = true,
        // Hangfire's own locks (the schedulers hold theirs for milliseconds each poll) are rows that a killed node leaves
        // behind; the other nodes, or the node started again, take them over after this instead of Hangfire's 10
        // minutes. Its longest holder, the hourly expiration of old jobs, would at worst run on two nodes at once.
        DistributedLockTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>
    /// Hangfire's global filters, per host: retries (row jobs retry a few times, then stay Failed for a person to see
    /// and retry on the dashboard; the sweepers re-enqueue lost work anyway) and the dashboard's statistics. Not the
    /// culture capture (the service is culture-invariant) nor continuations (none are used). Filters registered as
    /// <see cref="IServerFilter"/> services join them (tests record what ran where).
    /// </summary>
    private static JobFilterProviderCollection Filters(JobOptions options, IEnumerable<IServerFilter> serverFilters)
    {
        var filters = new JobFilterCollection
        {
            new AutomaticRetryAttribute { Attempts = options.RetryAttempts, LogEvents = true },
            new StatisticsHistoryAttribute(),
        };
        foreach (var filter in serverFilters)
        {
            filters.Add(filter);
        }

        return new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider());
    }

    /// <summary>
    /// Hangfire's connections come from the service's one data source (its pool, its logging), resolved at the first
    /// connection: the host builds its hosted services (Hangfire's server among them) before it validates options, and
    /// a data source built then from a bad connection string would report that one key instead of every bad key.
    /// </summary>
    private sealed class DataSourceConnections(IServiceProvider services) : IConnectionFactory
    {
        private readonly Lazy<NpgsqlDataSource> _db = new(services.GetRequiredService<NpgsqlDataSource>);

        public NpgsqlConnection GetOrCreateConnection() => _db.Value.CreateConnection();
    }
}

/// <summary>The Hangfire server name of this host (its server ids start with it).</summary>
internal sealed record JobServerName(string Value);

/// <summary><c>Jobs</c>: this node's Hangfire server and its polling. The defaults keep an idle node's database load low.</summary>
internal sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs one node runs at once.</summary>
    public int WorkerCount { get; set; } = 10;

    /// <summary>Callback rows processed at once: a node's own new rows in-process, and the swept ones on Hangfire's
    /// <c>inbox</c> queue (as many workers again), beside <see cref="WorkerCount"/>.</summary>
    public int InboxWorkerCount { get; set; } = 2;

    /// <summary>How often an idle worker asks the database for a job. A job enqueued on this node wakes its workers at
    /// once; the poll only finds jobs enqueued by other nodes and jobs of a dead node, so it bounds the idle load.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a node looks for recurring jobs and retries that are due; a recurring job runs at most this often.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A job whose node stopped extending it (a killed node) is run again after this.</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node records that its server is alive; readiness needs one within twice this.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stopping node waits for its running jobs to observe cancellation. Every job is a guarded,
    /// resumable step, so a job cut short loses nothing: it is fetched again.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Automatic retries of a failed row job before it stays Failed (the sweepers still re-enqueue its work).</summary>
    public int RetryAttempts { get; set; } = 3;

    /// <summary>The time zone of recurring schedules that name a time of day (an IANA id: Windows ids do not resolve
    /// under invariant globalization).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
}

/// <summary>Every bad <c>Jobs</c> key in one message, before Hangfire throws on the first.</summary>
internal sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions o)
    {
        var failures = new List<string>();
        if (o.WorkerCount is < 1 or > 100 || o.InboxWorkerCount is < 1 or > 100)
        {
            failures.Add("Jobs:WorkerCount and Jobs:InboxWorkerCount must be between 1 and 100.");
        }

        if (o.QueuePollInterval < TimeSpan.FromMilliseconds(50) || o.SchedulePollingInterval < TimeSpan.FromSeconds(1)
            || o.HeartbeatInterval < TimeSpan.FromSeconds(1) || o.InvisibilityTimeout < TimeSpan.FromSeconds(5) || o.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add("Jobs:QueuePollInterval (≥ 50 ms), Jobs:SchedulePollingInterval, Jobs:HeartbeatInterval (≥ 1 s), Jobs:InvisibilityTimeout (≥ 5 s) and Jobs:ShutdownTimeout (≥ 0) are out of range.");
        }

        if (o.RetryAttempts is < 0 or > 10)
        {
            failures.Add("Jobs:RetryAttempts must be between 0 and 10.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _))
        {
            failures.Add($"Jobs:TimeZone '{o.TimeZone}' is not a known time zone (use an IANA id such as Asia/Shanghai).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
