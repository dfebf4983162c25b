using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Tests.Successions;

/// <summary>
/// PostgreSQL restarted twice during a departure while the service keeps running: its readiness goes red and green
/// again each time, no job is lost (a callback that arrived while the database was down is processed, the
/// succession completes), and every customer moves exactly once.
/// </summary>
public sealed class DatabaseRestartTests
{
    private const int Customers = 1_500;
    private const int Groups = 10;
    private const string TransferPath = "/cgi-bin/externalcontact/resigned/transfer_customer";

    private static readonly JsonSerializerOptions SeedJson = new(JsonSerializerDefaults.Web);

    // The whole test took 35 s to 2 min 34 s in seven runs here (the departure resumes at different times after each
    // restart); a busy CI machine gets room beyond that.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Delete_PostgresRestartedTwiceMidway_ReadinessRecoversAndEveryCustomerTransferredOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var corp = Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss"), Corps.Member("sales2", leader: "boss")],
            Corps.Customers("sales1", Customers),
            Corps.Groups("sales1", Groups));
        var seedFile = Path.Combine(Path.GetTempPath(), $"corp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seedFile, JsonSerializer.Serialize(corp, SeedJson), ct);

        // A PostgreSQL of this test's own: the shared one serves the other test classes and must stay up.
        await using var postgres = await ThrowawayPostgres.StartAsync(ct);
        var connectionString = await postgres.CreateDatabaseAsync("wcs_restart", ct);
        await using var db = NpgsqlDataSource.Create(connectionString);

        var port = LoopbackPorts.Free();
        var options = new SimulatorOptions
        {
            CorpId = TestCredentials.CorpId,
            Secret = ServiceFactory.ValidSettings["WeCom:Secret"]!,
            SeedFile = seedFile,
            ClockFactor = 1,
            TakeoverDelay = TimeSpan.FromSeconds(1),
            GroupTakeoverDelay = TimeSpan.FromSeconds(2),
            PumpInterval = TimeSpan.FromMilliseconds(50),
            // Slow transfer answers, so that the departure is still sending when the database goes away.
            Faults = { LatencyMs = 150, Paths = { TransferPath } },
            Callback =
            {
                Url = $"http://127.0.0.1:{port}/wecom/callback",
                Token = ServiceFactory.ValidSettings["WeCom:Callback:Token"]!,
                EncodingAESKey = ServiceFactory.ValidSettings["WeCom:Callback:EncodingAESKey"]!,
                // A callback refused while the database is down is sent again until it is stored: for three
                // minutes, so that a slow restart on a busy machine does not use up the sender's patience.
                RetryDelay = TimeSpan.FromSeconds(1),
                MaxRetries = 180,
            },
        };
        await using var wecom = await SimulatorHost.StartAsync(options, ct);
        File.Delete(seedFile);
        var sim = wecom.Simulator;

        await using var service = new ServiceFactory(connectionString, SuccessionHarness.FastSettings(wecom.BaseUrl), sim.Clock);
        service.UseKestrel(port);
        service.StartServer();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        async Task<HttpStatusCode> ReadinessAsync()
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                return response.StatusCode;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return HttpStatusCode.RequestTimeout;
            }
        }

        async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return (await connection.ExecuteScalarAsync<T>(sql))!;
        }

        async Task<string> DescribeAsync()
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                var items = await connection.QueryAsync<(string State, int Count)>("SELECT state, count(*)::int FROM succession_items GROUP BY state ORDER BY 1");
                var jobs = await connection.QueryAsync<(string State, int Count)>("SELECT statename, count(*)::int FROM hangfire.job GROUP BY statename ORDER BY 1");
                return $"items [{string.Join(", ", items)}]; jobs [{string.Join(", ", jobs)}]; warnings [{string.Join(" | ", service.Logs.Entries.TakeLast(5))}]";
            }
            catch (NpgsqlException e)
            {
                return "database unreachable: " + e.Message;
            }
        }

        await Wait.UntilAsync(async () => await ReadinessAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "/readyz 200 at start");
        await Wait.UntilAsync(async () => await ScalarAsync<int>("SELECT count(*)::int FROM members") >= 3, TimeSpan.FromSeconds(60), "the directory sync at start", DescribeAsync);

        sim.DeleteMember("sales1");
        var sent = 0;
        for (var restart = 1; restart <= 2; restart++)
        {
            // Midway: more transfer calls than before, and customers still to send.
            var calls = sim.ApiCalls(TransferPath).Count;
            await Wait.UntilAsync(() => Task.FromResult(sim.ApiCalls(TransferPath).Count >= calls + 2), Deadline, $"transfer calls before restart {restart}", DescribeAsync);
            sent = sim.CustomerTransfers().Count;
            Assert.True(sent < Customers, $"the departure finished before restart {restart}: the restart would prove nothing");

            var watch = Stopwatch.StartNew();
            await postgres.StopAsync(ct);
            await Wait.UntilAsync(async () => await ReadinessAsync() == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20), $"/readyz 503 while the database is down ({restart})");
            var red = watch.Elapsed;

            // An event while the database is down: refused, retried by the sender, stored once the database is back.
            sim.CreateMember($"hire{restart}", $"新人{restart}", new MemberChange { Departments = [2], IsLeaderInDept = [0], DirectLeader = ["boss"], CustomerContact = true });
            await Task.Delay(Down, ct);
            await postgres.RestartAsync(ct);
            db.Clear(); // this test's own pooled connections died with the server (the service's must cope on their own)
            var up = watch.Elapsed;
            await Wait.UntilAsync(async () => await ReadinessAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(60), $"/readyz 200 after restart {restart}", DescribeAsync);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"restart {restart} with {sent} of {Customers} customers sent: /readyz 503 after {red.TotalSeconds:F1} s, database up after {up.TotalSeconds:F1} s, /readyz 200 after {watch.Elapsed.TotalSeconds:F1} s"));
        }

        await Wait.UntilAsync(async () => await ScalarAsync<string?>("SELECT state FROM successions WHERE handover_userid = 'sales1'") == "completed", Deadline, "the succession to complete", DescribeAsync);
        await sim.WaitForCallbacksAsync(ct).WaitAsync(TimeSpan.FromSeconds(200), ct);
        await Wait.UntilAsync(async () => await ScalarAsync<int>("SELECT count(*)::int FROM callback_inbox WHERE processed_at IS NULL") == 0, TimeSpan.FromSeconds(90), "every inbox row processed", DescribeAsync);

        // Every customer and group final, each customer sent exactly once, in one succession.
        Assert.Equal(Customers + Groups, await ScalarAsync<int>("SELECT count(*)::int FROM succession_items WHERE state = 'transferred'"));
        Assert.Equal(Customers + Groups, await ScalarAsync<int>("SELECT count(*)::int FROM succession_items"));
        Assert.Equal(1, await ScalarAsync<int>("SELECT count(*)::int FROM successions"));
        var transfers = sim.CustomerTransfers();
        Assert.Equal(Customers, transfers.Count);
        Assert.All(transfers.GroupBy(t => t.ExternalUserId), g => Assert.Single(g));

        // No job lost: both events sent while the database was down were delivered and processed (the members exist).
        Assert.All(sim.CallbackDeliveries(), d => Assert.True(d.State == "delivered",
            $"{d.ChangeType} {d.UserId}: {d.State} after {d.Attempts.Count} attempts, the last {(d.Attempts.Count > 0 ? d.Attempts[^1] : null)}"));
        Assert.Equal(2, await ScalarAsync<int>("SELECT count(*)::int FROM members WHERE userid LIKE 'hire%'"));
        Assert.Equal(0, await ScalarAsync<int>("SELECT count(*)::int FROM hangfire.job WHERE statename = 'Failed'"));
    }

    /// <summary>
    /// A PostgreSQL cluster of the test's own, made with deploy/local/postgres.sh (the test command's own script: same
    /// binaries, same disposable settings), stopped and started again on the same port and data.
    /// </summary>
    private sealed class ThrowawayPostgres : IAsyncDisposable
    {
        private static readonly string Script = Path.Combine(RepositoryRoot(), "deploy", "local", "postgres.sh");

        private ThrowawayPostgres(string directory, int port)
        {
            Directory = directory;
            Port = port;
        }

        private string Directory { get; }

        private int Port { get; }

        public static async Task<ThrowawayPostgres> StartAsync(CancellationToken ct)
        {
            var output = await BashAsync("pg_ensure_installed >&2 && pg_start_throwaway >&2 && echo \"$_PG_THROWAWAY_DIR $PGPORT\"", ct);
            var parts = output.Trim().Split(' ');
            return new ThrowawayPostgres(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
        {
            var server = $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres";
            await using (var admin = new NpgsqlConnection(server))
            {
                await admin.OpenAsync(ct);
                await admin.ExecuteAsync($"CREATE DATABASE {name}");
            }

            return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        }

        /// <summary>A fast shutdown: sessions are cut, as when a database server restarts.</summary>
        public Task<string> StopAsync(CancellationToken ct) =>
            BashAsync($"_pg_find_bin && _pg_as_owner \"$PG_BIN/pg_ctl\" -D '{Directory}/data' -m fast -w -t 30 stop >&2", ct);

        public Task<string> RestartAsync(CancellationToken ct) =>
            BashAsync($"_pg_find_bin && _pg_start '{Directory}/data' {Port.ToString(CultureInfo.InvariantCulture)} '{Directory}' '{Directory}/postgres.log'", ct);

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await BashAsync($"_pg_find_bin && _PG_THROWAWAY_DIR='{Directory}' && pg_stop_throwaway", CancellationToken.None);
        }

        private static async Task<string> BashAsync(string commands, CancellationToken ct)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"set -euo pipefail; source '{Script}'; {commands}");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"postgres.sh ({commands}) exited with {process.ExitCode}: {await stderr}");
            }

            return await stdout;
        }

        private static string RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WeComSuccession.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("WeComSuccession.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
