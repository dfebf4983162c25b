using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WeComSuccession.Simulator;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// The dashboard measure's system. <see cref="SuccessionHarness"/> always starts on a fresh database and on the real
/// time; the dashboard needs a filled database (kept across runs, it takes minutes to fill) and a clock that starts at
/// the fill's "now", so it composes the same parts (the simulator with the test app's credentials, the service in
/// this process on Kestrel with the production defaults) itself.
/// </summary>
internal sealed class DashboardSystem : IAsyncDisposable
{
    private readonly string _seedFile;

    private DashboardSystem(RunningSimulator wecom, ServiceFactory service, int port, string seedFile)
    {
        WeCom = wecom;
        Service = service;
        ServiceUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _seedFile = seedFile;
    }

    public RunningSimulator WeCom { get; }

    public ServiceFactory Service { get; }

    public Uri ServiceUrl { get; }

    /// <summary>The simulator (WeCom with the dataset's department tree and its two admins) and the service on <paramref name="database"/>,
    /// with <paramref name="timings"/>' middleware first in its pipeline.</summary>
    public static async Task<DashboardSystem> StartAsync(DatasetDatabase database, DashboardDataset dataset, ServerTimings timings)
    {
        var seedFile = await SuccessionHarness.WriteSeedAsync(DashboardData.Corp());
        RunningSimulator? wecom = null;
        try
        {
            var port = LoopbackPorts.Free();
            var options = TestCredentials.Simulator(seedFile);
            options.StartTime = dataset.FilledAt;
            options.Callback.Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/wecom/callback";
            wecom = await SimulatorHost.StartAsync(options, CancellationToken.None);
            var settings = new Dictionary<string, string?>
            {
                ["WeCom:ApiBaseUrl"] = wecom.BaseUrl.ToString(),
                ["WeCom:LoginBaseUrl"] = wecom.BaseUrl.ToString(),
                ["WeCom:OAuthBaseUrl"] = wecom.BaseUrl.ToString(),
                ["Admin:SuperAdmins:0"] = dataset.SuperAdmin,
            };
            var service = new ServiceFactory(
                database.ConnectionString, settings, wecom.Simulator.Clock, s => s.AddSingleton<IStartupFilter>(new TimingStartupFilter(timings)), ServiceProfile.Production);
            service.UseKestrel(port);
            service.StartServer();
            return new DashboardSystem(wecom, service, port, seedFile);
        }
        catch
        {
            if (wecom is not null)
            {
                await wecom.DisposeAsync();
            }

            File.Delete(seedFile);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await WeCom.DisposeAsync();
        File.Delete(_seedFile);
    }
}

/// <summary>A database of the measure's own on the server of <c>ConnectionStrings__Postgres</c>, dropped on dispose unless kept.</summary>
internal sealed class DatasetDatabase : IAsyncDisposable
{
    private DatasetDatabase(string name, bool keep)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Database = name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Keep = keep;
    }

    public string Name { get; }

    /// <summary>Left on the server at the end (a filled dataset reused by the next run).</summary>
    public bool Keep { get; }

    public string ConnectionString { get; }

    /// <summary>For the measurement's own reads and writes.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>A new database, dropped at the end.</summary>
    public static async Task<DatasetDatabase> CreateAsync() =>
        (await OpenAsync("wcs_measure_" + Guid.NewGuid().ToString("N")[..12], keep: false)).Database;

    /// <summary>The database <paramref name="name"/>, created when missing; kept at the end when <paramref name="keep"/>.</summary>
    /// <returns>The database, and whether it existed already.</returns>
    public static async Task<(DatasetDatabase Database, bool Existed)> OpenAsync(string name, bool keep)
    {
        await using var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await admin.OpenAsync();
        var existed = await admin.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", new { name });
        if (!existed)
        {
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        }

        return (new DatasetDatabase(name, keep), existed);
    }

    /// <summary>Drops <paramref name="name"/> if it exists (a kept dataset of another shape).</summary>
    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args, commandTimeout: 0))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql, args, commandTimeout: 0)];
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (!Keep)
        {
            await DropAsync(Name);
        }
    }
}
