using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Callbacks;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Tests.Infrastructure.Jobs;

/// <summary>Two service nodes on one database are two Hangfire servers of one cluster: every job runs once, on one node or the other.</summary>
public sealed class ClusterTests
{
    private const int Customers = 300;
    private const int Groups = 20;
    private const int Hires = 24;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Delete_TwoNodesOnOneDatabase_EveryInboxRowAndCustomerHandledOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var corp = Corps.Build(
            [Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss"), Corps.Member("sales2", leader: "boss")],
            Corps.Customers("sales1", Customers),
            Corps.Groups("sales1", Groups));
        var seedFile = await SuccessionHarness.WriteSeedAsync(corp);
        await using var database = new TestDatabase();
        await database.InitializeAsync();
        await using var db = database.CreateDataSource();

        var options = new SimulatorOptions
        {
            CorpId = TestCredentials.CorpId,
            Secret = TestCredentials.Secret,
            SeedFile = seedFile,
            ClockFactor = 1,
            GroupTakeoverDelay = TimeSpan.FromSeconds(2),
            PumpInterval = TimeSpan.FromMilliseconds(50),
            Callback =
            {
                Token = TestCredentials.Token,
                EncodingAESKey = TestCredentials.EncodingAesKey,
                RetryDelay = TimeSpan.FromMilliseconds(200),
            },
        };
        await using var wecom = await SimulatorHost.StartAsync(options, ct);
        File.Delete(seedFile); // read at the start
        var sim = wecom.Simulator;

        // Ports chosen once the simulator holds its own; the callback URL is read at each delivery.
        var ports = LoopbackPorts.Free(2);
        var callbackUrls = ports.Select(p => $"http://127.0.0.1:{p}/wecom/callback").ToArray();
        options.Callback.Url = callbackUrls[0];

        // Each node records the inbox rows its own ProcessInboxJob runs handed to it, and every pass of the succession
        // engine's steps it made (from before the first step to after the last).
        var handled = new ConcurrentQueue<(string Node, long InboxId)>();
        var passes = new ConcurrentQueue<StepPass>();
        Action<IServiceCollection> Recording(string node) => services =>
        {
            services.AddSingleton<ICallbackEventHandler>(new RecordingHandler(node, handled));
            var recorder = new StepRecorder(node, passes);
            services.AddSingleton<ISuccessionStep>(recorder.First);
            services.AddSingleton<ISuccessionStep>(recorder.Last);
        };

        var settings = SuccessionHarness.FastSettings(wecom.BaseUrl);
        await using var nodeA = new ServiceFactory(database.ConnectionString, settings, sim.Clock, Recording("A"));
        await using var nodeB = new ServiceFactory(database.ConnectionString, settings, sim.Clock, Recording("B"));
        nodeA.UseKestrel(ports[0]);
        nodeA.StartServer();
        nodeB.UseKestrel(ports[1]);
        nodeB.StartServer();

        async Task<List<T>> QueryAsync<T>(string sql)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return [.. await connection.QueryAsync<T>(sql)];
        }

        async Task<Dictionary<string, int>> ItemStatesAsync() =>
            (await QueryAsync<(string State, int Count)>("SELECT state, count(*)::int FROM succession_items GROUP BY state")).ToDictionary(r => r.State, r => r.Count);

        async Task<string> DescribeAsync() =>
            $"items {string.Join(", ", await ItemStatesAsync())}; successions {string.Join(", ", await QueryAsync<string>("SELECT state FROM successions"))}; "
            + $"warnings A [{string.Join(" | ", nodeA.Logs.Entries.TakeLast(5))}] B [{string.Join(" | ", nodeB.Logs.Entries.TakeLast(5))}]";

        // Both nodes are servers of the one cluster (each node's main server; the inbox servers are "<name>-inbox:...").
        const string NodeServers = "SELECT id FROM hangfire.server WHERE id NOT LIKE '%-inbox:%'";
        await Wait.UntilAsync(async () => (await QueryAsync<string>(NodeServers)).Count == 2, Deadline, "both nodes in hangfire.server");
        await nodeA.Services.GetRequiredService<DirectorySync>().SyncAllAsync(ct);

        // Events arrive at both nodes (the callback URL alternates); the cluster decides where each row is processed.
        for (var i = 0; i < Hires; i++)
        {
            options.Callback.Url = callbackUrls[i % 2];
            sim.CreateMember($"hire{i:D2}", $"新人{i}", new MemberChange { Departments = [2], IsLeaderInDept = [0], DirectLeader = ["boss"], CustomerContact = true });
            await sim.WaitForCallbacksAsync(ct);
        }

        options.Callback.Url = callbackUrls[1];
        sim.DeleteMember("sales1");

        await Wait.UntilAsync(async () => await ItemStatesAsync() is var s && s.GetValueOrDefault("waiting") == Customers && s.GetValueOrDefault("transferred") == Groups,
            Deadline, "every customer waiting and every group transferred", DescribeAsync);
        sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => (await QueryAsync<string>("SELECT state FROM successions")).SequenceEqual(["completed"]), Deadline, "the succession to complete", DescribeAsync);
        await sim.WaitForCallbacksAsync(ct);
        await Wait.UntilAsync(async () => (await QueryAsync<long>("SELECT id FROM callback_inbox WHERE processed_at IS NULL")).Count == 0, Deadline, "every inbox row processed", DescribeAsync);

        // Every inbox row was handled exactly once, on one node or the other.
        var inbox = await QueryAsync<long>("SELECT id FROM callback_inbox ORDER BY id");
        Assert.Equal(Hires + 1, inbox.Count);
        var runs = handled.ToList();
        Assert.Equal(inbox, runs.Select(r => r.InboxId).Order());
        Assert.All(runs.GroupBy(r => r.InboxId), g => Assert.Single(g));
        var perNode = runs.GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Count());
        TestContext.Current.TestOutputHelper!.WriteLine($"inbox rows handled per node: A {perNode.GetValueOrDefault("A")}, B {perNode.GetValueOrDefault("B")}");

        // No succession's steps ran on both nodes at once (one run per succession across the cluster, held by the database).
        var ran = passes.ToList();
        Assert.NotEmpty(ran);
        Assert.All(ran.OrderBy(r => r.Start).GroupBy(r => r.SuccessionId), g => Assert.All(g.Zip(g.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start, $"succession {g.Key} ran on {pair.First.Node} and {pair.Second.Node} at once")));
        TestContext.Current.TestOutputHelper!.WriteLine("engine passes: " + string.Join(", ", ran.GroupBy(r => r.Node).OrderBy(g => g.Key).Select(g => $"on {g.Key}: {g.Count()}")));

        // Every customer and group was transferred exactly once.
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = Customers + Groups }, await ItemStatesAsync());
        var transfers = sim.CustomerTransfers();
        Assert.Equal(Customers, transfers.Count);
        Assert.All(transfers.GroupBy(t => t.ExternalUserId), g => Assert.Single(g));
        Assert.All(sim.GroupTransfers().Where(g => g.ErrCode == 0).GroupBy(g => g.ChatId), g => Assert.Single(g));
        Assert.Equal(Groups, sim.GroupTransfers().Count(g => g.ErrCode == 0));

        // Both nodes are still servers of the one cluster.
        Assert.Equal(2, (await QueryAsync<string>(NodeServers)).Count);
    }

    private sealed record StepPass(string Node, long SuccessionId, DateTimeOffset Start, DateTimeOffset End);

    /// <summary>Two steps around every other: the first notes when a pass over a succession began, the last records it.</summary>
    private sealed class StepRecorder(string node, ConcurrentQueue<StepPass> passes)
    {
        private readonly ConcurrentDictionary<long, DateTimeOffset> _started = new();

        public ISuccessionStep First => new Mark(int.MinValue, s => _started[s.Id] = TimeProvider.System.GetUtcNow());

        public ISuccessionStep Last => new Mark(int.MaxValue, s =>
        {
            if (_started.TryRemove(s.Id, out var start))
            {
                passes.Enqueue(new StepPass(node, s.Id, start, TimeProvider.System.GetUtcNow()));
            }
        });

        private sealed class Mark(int order, Action<Succession> note) : ISuccessionStep
        {
            public int Order => order;

            public bool AppliesTo(string state) => true;

            public Task RunAsync(Succession succession, CancellationToken ct)
            {
                note(succession);
                return Task.CompletedTask;
            }
        }
    }

    /// <summary>Notes which node handed which inbox row to the handlers.</summary>
    private sealed class RecordingHandler(string node, ConcurrentQueue<(string Node, long InboxId)> handled) : ICallbackEventHandler
    {
        public Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct)
        {
            handled.Enqueue((node, inboxId));
            return Task.CompletedTask;
        }
    }
}
