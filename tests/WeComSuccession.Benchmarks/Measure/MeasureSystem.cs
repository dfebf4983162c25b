using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Corp;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// What a measurement runs against: the test harness (a database of its own on the PostgreSQL of
/// <c>ConnectionStrings__Postgres</c>, the WeCom simulator on loopback, the service on Kestrel in this process
/// reading time from the simulator's clock) with the production defaults of every setting not given.
/// </summary>
internal static class MeasureSystem
{
    /// <param name="corp">The simulated corp.</param>
    /// <param name="settings">Service settings beyond the test app's credentials and the simulator's address.</param>
    /// <param name="startService">False: only the database and the simulator; the caller starts the service on <see cref="SuccessionHarness.ServicePort"/>.</param>
    /// <param name="simulator">Changes to the simulator's options before it starts.</param>
    public static Task<SuccessionHarness> StartAsync(
        CorpSeed corp, IReadOnlyDictionary<string, string?>? settings = null, bool startService = true, Action<SimulatorOptions>? simulator = null) =>
        SuccessionHarness.StartAsync(corp, new HarnessOptions
        {
            Profile = ServiceProfile.Production,
            Settings = settings,
            StartService = startService,
            Simulator = simulator,

            // The service's own start-up sync reads the directory, as in production; measurements wait for it.
            SyncDirectory = false,
        });

    /// <summary>The ledger's last sequence number now: calls after it are the ones a measurement caused.</summary>
    public static long LedgerMark(this SuccessionHarness system) => system.Sim.ApiCalls() is { Count: > 0 } calls ? calls[^1].Seq : 0;

    /// <summary>Waits until the simulator has answered no call for <paramref name="quiet"/> (start-up sync and sweep done).</summary>
    public static async Task WaitForQuietAsync(this SuccessionHarness system, TimeSpan quiet, TimeSpan deadline)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var last = (Count: system.Sim.ApiCalls().Count, At: watch.Elapsed);
        while (watch.Elapsed - last.At < quiet)
        {
            if (watch.Elapsed > deadline)
            {
                throw new TimeoutException($"the simulator was not quiet for {quiet.TotalSeconds} s within {deadline.TotalSeconds} s");
            }

            await Task.Delay(250);
            var count = system.Sim.ApiCalls().Count;
            if (count != last.Count)
            {
                last = (count, watch.Elapsed);
            }
        }
    }

    /// <summary>
    /// Transactions committed and rolled back in this database so far, as the server counts them
    /// (<c>pg_stat_database</c>), read from a connection to the server's maintenance database so that the
    /// reading itself is not counted.
    /// </summary>
    public static async Task<long> TransactionsAsync(this TestDatabase database)
    {
        await using var admin = new Npgsql.NpgsqlConnection(TestDatabase.ServerConnectionString);
        await admin.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(admin, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = @Name", new { database.Name });
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
