using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using WeComSuccession.Infrastructure;
using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// What a measurement runs against: a fresh database on the PostgreSQL of <c>ConnectionStrings__Postgres</c>
/// (dropped afterwards), the WeCom simulator on loopback, and the service on Kestrel in this process with the
/// production defaults of every setting not given, reading time from the simulator's clock (as the test
/// harness does, so that "24 hours later" is one <c>AdvanceClock</c> for both).
/// </summary>
internal sealed class MeasureSystem : IAsyncDisposable
{
    public const string CorpId = "ww1436e0e65a779aee";
    public const string Secret = "measure-secret";
    public const string Token = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo";
    public const string EncodingAesKey = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt";

    private static readonly JsonSerializerOptions SeedJson = new(JsonSerializerDefaults.Web);

    private readonly string _seedFile;

    private MeasureSystem(MeasureDatabase database, RunningSimulator wecom, MeasureService? service, string seedFile, SimulatorOptions options)
    {
        Database = database;
        WeCom = wecom;
        Service = service;
        _seedFile = seedFile;
        SimulatorOptions = options;
    }

    /// <summary>The simulator's options; it reads the callback URL and the faults at each use, so they may be changed.</summary>
    public SimulatorOptions SimulatorOptions { get; }

    public MeasureDatabase Database { get; }

    public RunningSimulator WeCom { get; }

    public WeComSimulator Sim => WeCom.Simulator;

    /// <summary>Null when the caller runs the service itself (e.g. as a process).</summary>
    public MeasureService? Service { get; }

    public int ServicePort { get; private init; }

    /// <summary>The settings every service instance needs; the rest keep their production defaults.</summary>
    public static Dictionary<string, string?> RequiredSettings(Uri apiBase) => new()
    {
        ["WeCom:CorpId"] = CorpId,
        ["WeCom:AgentId"] = "1000002",
        ["WeCom:Secret"] = Secret,
        ["WeCom:ApiBaseUrl"] = apiBase.ToString(),
        ["WeCom:Callback:Token"] = Token,
        ["WeCom:Callback:EncodingAESKey"] = EncodingAesKey,
    };

    /// <param name="corp">The simulated corp.</param>
    /// <param name="settings">Service settings beyond <see cref="RequiredSettings"/> (null values are skipped).</param>
    /// <param name="startService">False: only the database and the simulator; the caller starts the service on <see cref="ServicePort"/>.</param>
    /// <param name="simulator">Changes to the simulator's options before it starts.</param>
    public static async Task<MeasureSystem> StartAsync(
        CorpSeed corp, IReadOnlyDictionary<string, string?>? settings = null, bool startService = true, Action<SimulatorOptions>? simulator = null)
    {
        var database = await MeasureDatabase.CreateAsync();
        var seedFile = Path.Combine(Path.GetTempPath(), $"measure-corp-{Guid.NewGuid():N}.json");
        RunningSimulator? wecom = null;
        MeasureService? service = null;
        try
        {
            await File.WriteAllTextAsync(seedFile, JsonSerializer.Serialize(corp, SeedJson));
            var port = FreePort();
            var options = new SimulatorOptions
            {
                CorpId = CorpId,
                Secret = Secret,
                SeedFile = seedFile,
                ClockFactor = 1,
                Callback = { Url = $"http://127.0.0.1:{port}/wecom/callback", Token = Token, EncodingAESKey = EncodingAesKey },
            };
            simulator?.Invoke(options);
            wecom = await SimulatorHost.StartAsync(options);

            if (startService)
            {
                var all = RequiredSettings(wecom.BaseUrl);
                foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                {
                    all[key] = value;
                }

                service = new MeasureService(database.ConnectionString, all, wecom.Simulator.Clock);
                service.UseKestrel(port);
                service.StartServer();
            }

            return new MeasureSystem(database, wecom, service, seedFile, options) { ServicePort = port };
        }
        catch
        {
            // Leave nothing behind on the shared server when the start fails.
            if (service is not null)
            {
                await service.DisposeAsync();
            }

            if (wecom is not null)
            {
                await wecom.DisposeAsync();
            }

            await database.DisposeAsync();
            File.Delete(seedFile);
            throw;
        }
    }

    /// <summary>The ledger's last sequence number now: calls after it are the ones a measurement caused.</summary>
    public long LedgerMark() => Sim.ApiCalls() is { Count: > 0 } calls ? calls[^1].Seq : 0;

    /// <summary>Waits until the simulator has answered no call for <paramref name="quiet"/> (start-up sync and sweep done).</summary>
    public async Task WaitForQuietAsync(TimeSpan quiet, TimeSpan deadline)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var last = (Count: Sim.ApiCalls().Count, At: watch.Elapsed);
        while (watch.Elapsed - last.At < quiet)
        {
            if (watch.Elapsed > deadline)
            {
                throw new TimeoutException($"the simulator was not quiet for {quiet.TotalSeconds} s within {deadline.TotalSeconds} s");
            }

            await Task.Delay(250);
            var count = Sim.ApiCalls().Count;
            if (count != last.Count)
            {
                last = (count, watch.Elapsed);
            }
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > deadline)
            {
                throw new TimeoutException($"timed out after {deadline.TotalSeconds:F0} s waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        await WeCom.DisposeAsync();
        await Database.DisposeAsync();
        File.Delete(_seedFile);
    }
}

/// <summary>The service in this process on Kestrel, environment Production, logs on stderr.</summary>
internal sealed class MeasureService(string connectionString, IReadOnlyDictionary<string, string?> settings, TimeProvider? clock) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                builder.UseSetting(key, value);
            }
        }

        builder.ConfigureLogging(logging => logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(new ServiceClock(clock)));
        }
    }
}

/// <summary>A database of its own on the server of <c>ConnectionStrings__Postgres</c>, dropped on dispose.</summary>
internal sealed class MeasureDatabase : IAsyncDisposable
{
    private MeasureDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>For the measurement's own reads of the service's tables.</summary>
    public NpgsqlDataSource DataSource { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("Set ConnectionStrings__Postgres to a PostgreSQL server on which databases may be created.");

    public static async Task<MeasureDatabase> CreateAsync()
    {
        var name = "wcs_measure_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        }

        return new MeasureDatabase(name, new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql, args)];
    }

    /// <summary>
    /// Transactions committed and rolled back in this database so far, as the server counts them
    /// (<c>pg_stat_database</c>), read from a connection to the server's maintenance database so that the
    /// reading itself is not counted.
    /// </summary>
    public async Task<long> TransactionsAsync()
    {
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        return await admin.ExecuteScalarAsync<long>("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = @Name", new { Name });
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}

/// <summary>Small corps: one department, a boss who leads it, and members with customers and groups.</summary>
internal static class MeasureCorps
{
    public const string Boss = "boss";

    /// <summary>The boss (direct leader of everyone, leader of the department) and <paramref name="members"/>
    /// members, each with <paramref name="customers"/> customers and <paramref name="groups"/> groups.</summary>
    public static CorpSeed Build(IReadOnlyList<string> members, Func<string, int> customers, Func<string, int> groups) => new()
    {
        Departments = [new SeedDepartment(1, "公司", 0), new SeedDepartment(2, "销售部", 1)],
        Members = [Corps.Member(Boss, isDeptLeader: true), .. members.Select(m => Corps.Member(m, leader: Boss))],
        Customers = [.. members.SelectMany(m => Corps.Customers(m, customers(m)))],
        GroupChats = [.. members.SelectMany(m => Corps.Groups(m, groups(m)))],
    };
}
