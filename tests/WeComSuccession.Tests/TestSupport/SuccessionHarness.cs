using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Members;
using WeComSuccession.Simulator;

namespace WeComSuccession.Tests.TestSupport;

/// <summary>
/// The whole system in one test: a fresh PostgreSQL database, the WeCom simulator on loopback, and the service
/// on Kestrel (so the simulator's callbacks arrive over real HTTP) reading time from the simulator's clock, so
/// that "24 hours later" is one <c>AdvanceClock</c> for both.
/// </summary>
public sealed class SuccessionHarness : IAsyncDisposable
{
    public const string CorpId = "ww1436e0e65a779aee";

    private static readonly JsonSerializerOptions SeedJson = new(JsonSerializerDefaults.Web);

    private SuccessionHarness(TestDatabase database, RunningSimulator wecom, ServiceFactory service, string seedFile)
    {
        Database = database;
        WeCom = wecom;
        Service = service;
        SeedFile = seedFile;
    }

    public TestDatabase Database { get; }

    public RunningSimulator WeCom { get; }

    public WeComSuccession.Simulator.Engine.WeComSimulator Sim => WeCom.Simulator;

    public ServiceFactory Service { get; }

    private string SeedFile { get; }

    public static async Task<SuccessionHarness> StartAsync(
        CorpSeed corp,
        Action<SimulatorOptions>? simulator = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool syncDirectory = true)
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        var seedFile = Path.Combine(Path.GetTempPath(), $"corp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seedFile, JsonSerializer.Serialize(corp, SeedJson));

        var port = FreePort();
        var options = new SimulatorOptions
        {
            CorpId = CorpId,
            Secret = ServiceFactory.ValidSettings["WeCom:Secret"]!,
            SeedFile = seedFile,
            ClockFactor = 1,
            PumpInterval = TimeSpan.FromMilliseconds(50),
            Callback =
            {
                Url = $"http://127.0.0.1:{port}/wecom/callback",
                Token = ServiceFactory.ValidSettings["WeCom:Callback:Token"]!,
                EncodingAESKey = ServiceFactory.ValidSettings["WeCom:Callback:EncodingAESKey"]!,
                RetryDelay = TimeSpan.FromMilliseconds(200),
            },
        };
        simulator?.Invoke(options);
        var wecom = await SimulatorHost.StartAsync(options, TestContext.Current.CancellationToken);

        var all = FastSettings(wecom.BaseUrl);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var service = new ServiceFactory(database.ConnectionString, all, wecom.Simulator.Clock);
        service.UseKestrel(port);
        service.StartServer();
        var harness = new SuccessionHarness(database, wecom, service, seedFile);
        if (syncDirectory)
        {
            await service.Services.GetRequiredService<DirectorySync>().SyncAllAsync(TestContext.Current.CancellationToken);
        }

        return harness;
    }

    /// <summary>The service pointed at <paramref name="weComBaseUrl"/>, with short pauses, polls and timeouts.</summary>
    public static Dictionary<string, string?> FastSettings(Uri weComBaseUrl) => new()
    {
        ["WeCom:ApiBaseUrl"] = weComBaseUrl.ToString(),
        ["WeCom:OAuthBaseUrl"] = weComBaseUrl.ToString(),
        ["WeCom:LoginBaseUrl"] = weComBaseUrl.ToString(),
        ["WeCom:ThrottlePause"] = "00:00:01",
        ["WeCom:MaxPauseWait"] = "00:00:02",
        ["WeCom:RequestTimeout"] = "00:00:05",
        ["Succession:Transfer:DuePollInterval"] = "00:00:00.200",
        ["Succession:Transfer:FirstResultCheck"] = "00:00:01",
        ["Succession:ReconcileInterval"] = "01:00:00",
        ["Directory:SyncInterval"] = "1.00:00:00",
        ["Jobs:IdleWaitTime"] = "00:00:01",
        ["Jobs:ClusterCheckinInterval"] = "00:00:02",
    };

    public HttpClient CreateClient() => Service.CreateClient();

    /// <summary>An admin API key; pass <see cref="AdminKeySettings"/> to <see cref="StartAsync"/> to configure it.</summary>
    public const string AdminKey = "scenario-admin-key-0123456789";

    public static readonly IReadOnlyDictionary<string, string?> AdminKeySettings = new Dictionary<string, string?>
    {
        ["Admin:ApiKeys:0:Name"] = "scenarios",
        ["Admin:ApiKeys:0:Key"] = AdminKey,
    };

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

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var db = Database.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value: " + sql);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var db = Database.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return [.. await connection.QueryAsync<T>(sql, args)];
    }

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
        var triggers = await QueryAsync<(string Name, string State)>("SELECT trigger_name, trigger_state FROM qrtz_triggers ORDER BY 1");
        return $"now {Sim.Clock.GetUtcNow():O}; successions [{string.Join("; ", rows)}]; items [{string.Join("; ", items)}]; triggers [{string.Join(", ", triggers)}]; last warnings [{string.Join(" | ", logs)}]";
    }

    public Task<string?> SuccessionStateAsync(string handover) =>
        QueryAsync<string?>("SELECT state FROM successions WHERE handover_userid = @handover ORDER BY id DESC LIMIT 1", new { handover })
            .ContinueWith(t => t.Result.FirstOrDefault(), TaskScheduler.Default);

    public static int FreePort() => FreePorts(1)[0];

    /// <summary>Distinct free loopback ports (each held until all are chosen, so none is handed out twice).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await WeCom.DisposeAsync();
        await Database.DisposeAsync();
        File.Delete(SeedFile);
    }
}
