using System.Globalization;
using System.Text.Json;
using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.TestSupport;

/// <summary>How <see cref="SuccessionHarness.StartAsync(CorpSeed, HarnessOptions)"/> sets the system up.</summary>
public sealed class HarnessOptions
{
    /// <summary>Test: short polls, pauses and simulator retries (<see cref="SuccessionHarness.FastSettings"/>).
    /// Production: the production default of every service and simulator setting not given.</summary>
    public ServiceProfile Profile { get; init; } = ServiceProfile.Test;

    /// <summary>Changes to the simulator's options before it starts.</summary>
    public Action<SimulatorOptions>? Simulator { get; init; }

    /// <summary>Service settings on top of the profile's.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>Whether the harness returns only once the service's start-up directory sync has ended: a test that
    /// deletes a member at once needs the snapshot (the member's leaders) taken first.</summary>
    public bool SyncDirectory { get; init; } = true;

    /// <summary>False: only the database and the simulator; the caller runs the service on <see cref="SuccessionHarness.ServicePort"/>.</summary>
    public bool StartService { get; init; } = true;
}

/// <summary>
/// The whole system in one test or measurement: a database of its own, the WeCom simulator on loopback, and the
/// service on Kestrel (so the simulator's callbacks arrive over real HTTP) reading time from the simulator's clock,
/// so that "24 hours later" is one <c>AdvanceClock</c> for both.
/// </summary>
public sealed class SuccessionHarness : IAsyncDisposable
{
    /// <summary>An admin API key; pass <see cref="AdminKeySettings"/> to <see cref="StartAsync(CorpSeed, Action{SimulatorOptions}?, IReadOnlyDictionary{string, string?}?, bool)"/> to configure it.</summary>
    public const string AdminKey = "scenario-admin-key-0123456789";

    public static readonly IReadOnlyDictionary<string, string?> AdminKeySettings = new Dictionary<string, string?>
    {
        ["Admin:ApiKeys:0:Name"] = "scenarios",
        ["Admin:ApiKeys:0:Key"] = AdminKey,
    };

    /// <summary>The service's log event at the end of a directory sync ("Directory synced: …").</summary>
    private const int DirectorySynced = 300;

    private static readonly JsonSerializerOptions SeedJson = new(JsonSerializerDefaults.Web);

    private readonly ServiceFactory? _service;
    private readonly string _seedFile;

    private SuccessionHarness(TestDatabase database, RunningSimulator wecom, ServiceFactory? service, string seedFile, int servicePort)
    {
        Database = database;
        WeCom = wecom;
        _service = service;
        _seedFile = seedFile;
        ServicePort = servicePort;
    }

    public TestDatabase Database { get; }

    public RunningSimulator WeCom { get; }

    public WeComSimulator Sim => WeCom.Simulator;

    public ServiceFactory Service => _service ?? throw new InvalidOperationException("The harness was started without the service.");

    /// <summary>The loopback port the service listens on (and the simulator posts its callbacks to).</summary>
    public int ServicePort { get; }

    /// <summary>Where the service listens, for clients that must see real redirects and cookies (people signing in).</summary>
    public Uri ServiceUrl => new($"http://127.0.0.1:{ServicePort.ToString(CultureInfo.InvariantCulture)}");

    public static Task<SuccessionHarness> StartAsync(
        CorpSeed corp,
        Action<SimulatorOptions>? simulator = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool syncDirectory = true) =>
        StartAsync(corp, new HarnessOptions { Simulator = simulator, Settings = settings, SyncDirectory = syncDirectory });

    public static async Task<SuccessionHarness> StartAsync(CorpSeed corp, HarnessOptions options)
    {
        var ct = TestContext.Current.CancellationToken;
        var test = options.Profile == ServiceProfile.Test;
        TestDatabase? database = null;
        RunningSimulator? wecom = null;
        ServiceFactory? service = null;
        var seedFile = await WriteSeedAsync(corp);
        try
        {
            database = await TestDatabase.CreateAsync();
            var port = LoopbackPorts.Free();
            var simulatorOptions = test ? FastSimulator(seedFile) : TestCredentials.Simulator(seedFile);
            simulatorOptions.Callback.Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/wecom/callback";
            options.Simulator?.Invoke(simulatorOptions);
            wecom = await SimulatorHost.StartAsync(simulatorOptions, ct);

            if (options.StartService)
            {
                var all = test ? FastSettings(wecom.BaseUrl) : new Dictionary<string, string?>
                {
                    // WeCom's API and its sign-in pages are the simulator's.
                    ["WeCom:ApiBaseUrl"] = wecom.BaseUrl.ToString(),
                    ["WeCom:LoginBaseUrl"] = wecom.BaseUrl.ToString(),
                    ["WeCom:OAuthBaseUrl"] = wecom.BaseUrl.ToString(),
                };
                foreach (var (key, value) in options.Settings ?? new Dictionary<string, string?>())
                {
                    all[key] = value;
                }

                service = new ServiceFactory(database.ConnectionString, all, wecom.Simulator.Clock, profile: options.Profile);
                service.UseKestrel(port);
                service.StartServer();
                if (options.SyncDirectory)
                {
                    // Waits for the service's own sync rather than running a second one beside it: two syncs at
                    // once can insert the same member twice, and the second insert fails on members_pkey.
                    var started = service;
                    await Wait.UntilAsync(() => Task.FromResult(started.Logs.Count(DirectorySynced) > 0), TimeSpan.FromSeconds(60), "the service's start-up directory sync");
                }
            }

            return new SuccessionHarness(database, wecom, service, seedFile, port);
        }
        catch
        {
            // Leave nothing behind on the shared server when the start fails.
            await DisposeAsync(service, wecom, database, seedFile);
            throw;
        }
    }

    /// <summary>
    /// The simulator's options for a test: the test app, real time, a pump and callback retries fast enough for
    /// a test's deadlines, loading <paramref name="seedFile"/> (<see cref="WriteSeedAsync"/>).
    /// </summary>
    public static SimulatorOptions FastSimulator(string seedFile)
    {
        var options = TestCredentials.Simulator(seedFile);
        options.PumpInterval = TimeSpan.FromMilliseconds(50);
        options.Callback.RetryDelay = TimeSpan.FromMilliseconds(200);
        return options;
    }

    /// <summary>Writes <paramref name="corp"/> where the simulator can load it (<see cref="SimulatorOptions.SeedFile"/>).</summary>
    public static async Task<string> WriteSeedAsync(CorpSeed corp)
    {
        var seedFile = Path.Combine(Path.GetTempPath(), $"corp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seedFile, JsonSerializer.Serialize(corp, SeedJson), TestContext.Current.CancellationToken);
        return seedFile;
    }

    /// <summary>The service pointed at <paramref name="weComBaseUrl"/>, with short pauses, polls and timeouts.</summary>
    public static Dictionary<string, string?> FastSettings(Uri weComBaseUrl) => new()
    {
        ["WeCom:ApiBaseUrl"] = weComBaseUrl.ToString(),
        ["WeCom:LoginBaseUrl"] = weComBaseUrl.ToString(),
        ["WeCom:OAuthBaseUrl"] = weComBaseUrl.ToString(),
        ["WeCom:ThrottlePause"] = "00:00:01",
        ["WeCom:MaxPauseWait"] = "00:00:02",
        ["WeCom:RequestTimeout"] = "00:00:05",
        ["Succession:Transfer:DuePollInterval"] = "00:00:01",
        ["Succession:Transfer:FirstResultCheck"] = "00:00:01",
        ["Succession:ReconcileInterval"] = "01:00:00",
        ["Directory:SyncInterval"] = "1.00:00:00",
        // Recurring jobs (the due-work poll) and retries are looked for every second; idle workers poll every 5 s
        // (a job enqueued on a node wakes that node's workers at once); a killed node's job is run again after 10 s.
        ["Jobs:SchedulePollingInterval"] = "00:00:01",
        ["Jobs:QueuePollInterval"] = "00:00:05",
        ["Jobs:HeartbeatInterval"] = "00:00:02",
        ["Jobs:InvisibilityTimeout"] = "00:00:10",
    };

    public HttpClient CreateClient() => Service.CreateClient();

    /// <summary>A client that sends <see cref="AdminKey"/> on every request.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    /// <summary>How many successions (open or closed) the member has had.</summary>
    public Task<long> SuccessionCountAsync(string handover) =>
        ScalarAsync<long>("SELECT count(*) FROM successions WHERE handover_userid = @handover", new { handover });

    /// <summary>The member's latest succession id, or null.</summary>
    public async Task<long?> SuccessionIdAsync(string handover) =>
        (await QueryAsync<long?>("SELECT id FROM successions WHERE handover_userid = @handover ORDER BY id DESC LIMIT 1", new { handover })).FirstOrDefault();

    public Task<T> ScalarAsync<T>(string sql, object? args = null) => Database.ScalarAsync<T>(sql, args);

    public Task<List<T>> QueryAsync<T>(string sql, object? args = null) => Database.QueryAsync<T>(sql, args);

    /// <summary>Item states of the member's succession, e.g. { "transferred": 250 }.</summary>
    public async Task<Dictionary<string, int>> ItemStatesAsync(string handover) =>
        (await QueryAsync<(string State, int Count)>(
            "SELECT i.state, count(*)::int FROM succession_items i JOIN successions s ON s.id = i.succession_id WHERE s.handover_userid = @handover GROUP BY i.state",
            new { handover })).ToDictionary(r => r.State, r => r.Count);

    /// <summary>The succession and its items in one line, for a failed wait.</summary>
    public async Task<string> DescribeAsync(string handover)
    {
        var rows = await QueryAsync<(string State, string? Reason, DateTime? NextRunAt)>(
            "SELECT state, reason, next_run_at FROM successions WHERE handover_userid = @handover ORDER BY id", new { handover });
        var items = await QueryAsync<(string Kind, string State, string? Reason, int? Errcode, DateTime? NotBefore, DateTime? NextCheckAt, int Count)>(
            """
            SELECT i.kind, i.state, i.reason, i.errcode, min(i.not_before), min(i.next_check_at), count(*)::int
            FROM succession_items i JOIN successions s ON s.id = i.succession_id WHERE s.handover_userid = @handover
            GROUP BY i.kind, i.state, i.reason, i.errcode ORDER BY 1, 2
            """, new { handover });
        var logs = Service.Logs.Entries.TakeLast(8);
        // Which jobs, by state: e.g. a step job failing on every due-work poll shows as many Scheduled (retries).
        var jobs = await QueryAsync<(string State, string? Job, int Count)>(
            """
            SELECT statename, split_part(split_part(invocationdata::jsonb->>'Type', ',', 1), '.', -1) || '.' || (invocationdata::jsonb->>'Method'), count(*)::int
            FROM hangfire.job GROUP BY 1, 2 ORDER BY 1, 2
            """);
        var pending = await QueryAsync<string>("SELECT key FROM job_pending ORDER BY 1");
        return $"now {Sim.Clock.GetUtcNow():O}; successions [{string.Join("; ", rows)}]; items [{string.Join("; ", items)}]; jobs [{string.Join(", ", jobs)}]; pending [{string.Join(", ", pending)}]; last warnings [{string.Join(" | ", logs)}]";
    }

    public async Task<string?> SuccessionStateAsync(string handover) =>
        (await QueryAsync<string?>("SELECT state FROM successions WHERE handover_userid = @handover ORDER BY id DESC LIMIT 1", new { handover })).FirstOrDefault();

    /// <summary>
    /// Waits until the engine has finished with the member's latest succession for now: no pass is running and none
    /// is due, because its <c>next_run_at</c> is NULL (nothing until an event or a person wakes it) or still ahead.
    /// The engine writes <c>next_run_at</c> at the end of every pass, and a wake-up or a due time has set it to now
    /// or earlier before a pass starts, so this holds only between passes. Use it before asserting that the engine
    /// did not do something.
    /// </summary>
    public Task WaitUntilSettledAsync(string handover, TimeSpan deadline) => Wait.UntilAsync(
        async () => (await QueryAsync<bool>(
            "SELECT next_run_at IS NULL OR next_run_at > @now FROM successions WHERE handover_userid = @handover ORDER BY id DESC LIMIT 1",
            new { handover, now = Sim.Clock.GetUtcNow() })).SingleOrDefault(),
        deadline, $"the engine to settle the succession of {handover}", () => DescribeAsync(handover));

    /// <summary>
    /// Posts a callback the service stores and no handler acts on (an event type it does not model, with an id of
    /// its own), and waits until its processing job has run. The service schedules the jobs of stored callbacks
    /// one at a time in arrival order, so by then the job of every callback stored before it has been picked up:
    /// use it before asserting that a callback (e.g. a duplicate) started nothing. The marker adds an inbox row.
    /// </summary>
    public async Task FlushCallbacksAsync(TimeSpan deadline)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var xml = $"<xml><ToUserName><![CDATA[{TestCredentials.CorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{Sim.Now}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event><Id><![CDATA[{marker}]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType></xml>";
        using var client = CreateClient();
        using var response = await new CallbackSender(client).PostAsync(xml, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await Wait.UntilAsync(
            async () => await ScalarAsync<bool>("SELECT count(*) = 1 FROM callback_inbox WHERE payload LIKE @pattern AND processed_at IS NOT NULL", new { pattern = $"%{marker}%" }),
            deadline, "the marker callback to be processed");
    }

    public ValueTask DisposeAsync() => DisposeAsync(_service, WeCom, Database, _seedFile);

    private static async ValueTask DisposeAsync(ServiceFactory? service, RunningSimulator? wecom, TestDatabase? database, string seedFile)
    {
        if (service is not null)
        {
            await service.DisposeAsync();
        }

        if (wecom is not null)
        {
            await wecom.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        File.Delete(seedFile);
    }
}
