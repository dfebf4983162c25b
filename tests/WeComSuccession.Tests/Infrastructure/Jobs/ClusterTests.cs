using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using WeComSuccession.Callbacks;
using WeComSuccession.Members;
using WeComSuccession.Simulator;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Tests.Infrastructure.Jobs;

/// <summary>Two service nodes on one database form one Quartz cluster: every job runs once, on one node or the other.</summary>
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

        // Each node records the inbox rows its own ProcessInboxJob runs handed to it, and every job it ran.
        var handled = new ConcurrentQueue<(string Node, long InboxId)>();
        var jobs = new ConcurrentQueue<JobRun>();
        Action<IServiceCollection> Recording(string node) => services =>
        {
            services.AddSingleton<ICallbackEventHandler>(new RecordingHandler(node, handled));
            services.AddSingleton<IJobListener>(new JobRecorder(node, jobs));
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

        // Both nodes check in to the one cluster.
        await Wait.UntilAsync(async () => (await QueryAsync<string>("SELECT instance_name FROM qrtz_scheduler_state")).Count == 2, Deadline, "both nodes in qrtz_scheduler_state");
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

        // No job ran on both nodes at once ([DisallowConcurrentExecution] holds across the cluster).
        var ran = jobs.ToList();
        Assert.All(ran.OrderBy(r => r.Start).GroupBy(r => r.Job), g => Assert.All(g.Zip(g.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start, $"{g.Key} ran on {pair.First.Node} and {pair.Second.Node} at once")));
        TestContext.Current.TestOutputHelper!.WriteLine("job runs: " + string.Join(", ", ran.GroupBy(r => (r.Job.Group, r.Node)).OrderBy(g => g.Key).Select(g => $"{g.Key.Group} on {g.Key.Node}: {g.Count()}")));

        // Every customer and group was transferred exactly once.
        Assert.Equal(new Dictionary<string, int> { ["transferred"] = Customers + Groups }, await ItemStatesAsync());
        var transfers = sim.CustomerTransfers();
        Assert.Equal(Customers, transfers.Count);
        Assert.All(transfers.GroupBy(t => t.ExternalUserId), g => Assert.Single(g));
        Assert.All(sim.GroupTransfers().Where(g => g.ErrCode == 0).GroupBy(g => g.ChatId), g => Assert.Single(g));
        Assert.Equal(Groups, sim.GroupTransfers().Count(g => g.ErrCode == 0));

        // Both nodes are still members of the one cluster.
        Assert.Equal(2, (await QueryAsync<string>("SELECT DISTINCT instance_name FROM qrtz_scheduler_state")).Count);
    }

    private sealed record JobRun(string Node, JobKey Job, DateTimeOffset Start, DateTimeOffset End);

    /// <summary>Notes when each job ran on this node (ordered by start: a run is recorded when it ends, so order them later).</summary>
    private sealed class JobRecorder(string node, ConcurrentQueue<JobRun> runs) : IJobListener
    {
        private readonly ConcurrentDictionary<string, DateTimeOffset> _started = new();

        public string Name => "recorder-" + node;

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            _started[context.FireInstanceId] = TimeProvider.System.GetUtcNow();
            return ValueTask.CompletedTask;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            if (_started.TryRemove(context.FireInstanceId, out var start))
            {
                runs.Enqueue(new JobRun(node, context.JobDetail.Key, start, TimeProvider.System.GetUtcNow()));
            }

            return ValueTask.CompletedTask;
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
