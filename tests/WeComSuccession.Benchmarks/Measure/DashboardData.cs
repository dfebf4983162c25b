using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Db;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Successions;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>How big the dashboard's dataset is; <see cref="Key"/> tells whether a kept database holds this shape.</summary>
internal sealed record DashboardShape(int Members, int Departures, int Items, int Big, int Small, int Huge, int Seed)
{
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"v1;members={Members};departures={Departures};items={Items};big={Big};small={Small};huge={Huge};seed={Seed}");
}

/// <summary>What the measurement needs to know of a filled dataset (kept in its <c>measure_dataset</c> table).</summary>
internal sealed record DashboardDataset(
    string Shape, DateTimeOffset FilledAt, double FillSeconds, long BigDeparture, long SmallDeparture, long? HugeDeparture, long ScopeDepartment,
    string SuperAdmin, string ScopedAdmin);

/// <summary>
/// Fills a database with what 12 months of departures leave behind, fast: the department tree and members by
/// parameterised inserts, 10,000 successions through a binary COPY into a staging table, 1,000,000 items and their
/// transfer batches by <c>INSERT … SELECT</c> over <c>generate_series</c> (every random choice of an item is a hash of
/// its id, so the same shape gives the same rows), and the audit log of people's actions through a binary COPY that
/// continues the real hash chain (<see cref="AuditFormat"/>), so <c>/api/v1/audit/verify</c> holds on it.
/// </summary>
internal static class DashboardData
{
    public const string SuperAdmin = "perf_super";
    public const string ScopedAdmin = "perf_scoped";

    /// <summary>The scoped admin's department: one business unit of ten (华东事业部), about an eighth of the members.</summary>
    public const long ScopeUnit = 2;

    public const long HrDepartment = 12;

    private static readonly string[] Units = ["华东事业部", "华南事业部", "华北事业部", "华中事业部", "西南事业部", "西北事业部", "东北事业部", "大客户事业部", "渠道事业部", "电商事业部"];
    private static readonly string[] Numbers = ["一", "二", "三", "四"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["静", "娜", "敏", "伟", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "芳", "丽", "婷", "浩", "宇", "欣怡", "子涵", "晨", "雪", "建华"];
    private static readonly string[] HandledNotes = ["已电话联系客户，手动添加为好友", "客户已流失，无需处理", "已由主管在企业微信中手动分配", "客户要求由原销售所在门店继续服务"];

    /// <summary>The department tree: 公司 › 10 business units › 4 regions each › 4 sales teams each, and 人力资源部.</summary>
    public static IReadOnlyList<SeedDepartment> Departments()
    {
        var list = new List<SeedDepartment> { new(1, "公司", 0) };
        for (var u = 0; u < Units.Length; u++)
        {
            list.Add(new SeedDepartment(UnitId(u), Units[u], 1, u + 1));
            for (var r = 0; r < 4; r++)
            {
                var region = $"{Units[u][..2]}{Numbers[r]}区";
                list.Add(new SeedDepartment(RegionId(u, r), region, UnitId(u), r + 1));
                for (var t = 0; t < 4; t++)
                {
                    list.Add(new SeedDepartment(TeamId(u, r, t), $"{region}销售{Numbers[t]}组", RegionId(u, r), t + 1));
                }
            }
        }

        list.Add(new SeedDepartment(HrDepartment, "人力资源部", 1, 99));
        return list;
    }

    private static long UnitId(int u) => 2 + u;

    private static long RegionId(int u, int r) => 100 + (u * 10) + r;

    private static long TeamId(int u, int r, int t) => 1000 + (u * 100) + (r * 10) + t;

    /// <summary>The WeCom the service talks to during the measurement: the same tree, and the two admins who sign in.</summary>
    public static CorpSeed Corp() => new()
    {
        Departments = [.. Departments()],
        Members =
        [
            new SeedMember { UserId = SuperAdmin, Name = "性能超管", Status = 1, Departments = [HrDepartment], IsLeaderInDept = [0], CustomerContact = false, RealNameVerified = true },
            new SeedMember { UserId = ScopedAdmin, Name = "华东管理员", Status = 1, Departments = [ScopeUnit], IsLeaderInDept = [0], CustomerContact = false, RealNameVerified = true },
        ],
    };

    /// <summary>The dataset in <paramref name="db"/> if it holds <paramref name="shape"/>, else null.</summary>
    public static async Task<DashboardDataset?> ReadAsync(NpgsqlDataSource db, DashboardShape shape)
    {
        await using var connection = await db.OpenConnectionAsync();
        if (!await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('measure_dataset') IS NOT NULL"))
        {
            return null;
        }

        var json = await connection.ExecuteScalarAsync<string?>("SELECT value FROM measure_dataset WHERE key = 'dataset'");
        var dataset = json is null ? null : JsonSerializer.Deserialize<DashboardDataset>(json);
        return dataset?.Shape == shape.Key ? dataset : null;
    }

    /// <summary>Applies the service's schema and fills it; prints what it did and how long each step took.</summary>
    public static async Task<DashboardDataset> FillAsync(NpgsqlDataSource db, DashboardShape shape)
    {
        var total = Stopwatch.StartNew();

        // As the service maps rows (Database.AddDatabase): the fill reads successions and items back into its records.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        await new SchemaMigrator(db, SchemaMigrator.EmbeddedMigrations(typeof(Program).Assembly), NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);

        // Whole seconds: the clock the service reads later starts here, and the rows' times are exact offsets from it.
        var now = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
        var random = new Random(shape.Seed);
        var plan = Plan(shape, now, random);

        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("SET maintenance_work_mem = '256MB'; SET work_mem = '64MB'", commandTimeout: 0);

        await Step("departments and members", async () =>
        {
            await InsertDepartmentsAsync(connection, now);
            await InsertMembersAsync(connection, plan.Members, now);
            return plan.Members.Count;
        });
        await Step("successions (staging)", async () =>
        {
            await StageSuccessionsAsync(connection, plan.Successions);
            return plan.Successions.Count;
        });
        await Step("items (staging)", () => StageItemsAsync(connection, now));
        await Step("successions", () => InsertSuccessionsAsync(connection));
        var batches = await Step("transfer batches", () => InsertBatchesAsync(connection));
        await Step("items", () => InsertItemsAsync(connection, now));
        await Step("audit log", () => InsertAuditAsync(connection, plan, now));
        await Step("VACUUM ANALYZE", async () =>
        {
            await connection.ExecuteAsync("DROP TABLE fill_i; DROP TABLE fill_b; DROP TABLE fill_s", commandTimeout: 0);
            await connection.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
            return 0;
        });

        var dataset = new DashboardDataset(
            shape.Key, now, Math.Round(total.Elapsed.TotalSeconds, 1), plan.Big, plan.Small, plan.Huge, ScopeUnit, SuperAdmin, ScopedAdmin);
        await connection.ExecuteAsync(
            """
            CREATE TABLE IF NOT EXISTS measure_dataset (key text PRIMARY KEY, value text NOT NULL);
            INSERT INTO measure_dataset VALUES ('dataset', @json) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
            """, new { json = JsonSerializer.Serialize(dataset) });
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"filled in {total.Elapsed.TotalSeconds:F1} s ({batches} transfer batches)"));
        return dataset;
    }

    private static async Task<T> Step<T>(string what, Func<Task<T>> step)
    {
        var watch = Stopwatch.StartNew();
        var result = await step();
        Report.Line(string.Create(CultureInfo.InvariantCulture, $"  fill: {what,-26} {watch.Elapsed.TotalSeconds,6:F1} s  ({result:N0} rows)"));
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The plan: members and successions, decided in C# with one seeded Random (small: 15,000 + 10,000 rows).
    // ---------------------------------------------------------------------------------------------------------

    private sealed record PlannedMember(
        string Userid, string Name, int Status, long Department, bool Leader, string? DirectLeader, int? CustomerCount, DateTimeOffset? DepartedAt);

    private sealed record PlannedSuccession
    {
        public long Id { get; set; }

        public required string Handover { get; init; }

        public required long Team { get; init; }

        public string Api { get; set; } = TransferApi.Resigned;

        public string State { get; set; } = SuccessionState.Completed;

        /// <summary>How its items look: completed, fresh (transferring, under a day), settling (a day or two), stuck, planned, rejected, ignored.</summary>
        public string Phase { get; set; } = "completed";

        public string Trigger { get; set; } = "callback";

        public string? Reason { get; set; }

        public string[] Approvers { get; set; } = [];

        public string? DecidedBy { get; set; }

        public DateTimeOffset? DecidedAt { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset TransferStart { get; set; }

        public int Size { get; set; }

        public int Groups { get; set; }

        public required string Successor { get; init; }

        public required string SuccessorRule { get; init; }

        public required string[] Pool { get; init; }

        public long ItemBase { get; set; }

        public string? RequestedBy { get; set; }
    }

    private sealed record FillPlan(List<PlannedMember> Members, List<PlannedSuccession> Successions, long Big, long Small, long? Huge, string[] HrAdmins);

    private static FillPlan Plan(DashboardShape shape, DateTimeOffset now, Random random)
    {
        var departments = Departments();
        var teams = departments.Where(d => d.Id >= 1000).Select(d => d.Id).ToArray();

        // Teams differ in size; the scoped business unit is a little larger than the rest.
        var weights = teams.Select(t => (0.5 + random.NextDouble()) * (t / 100 == 10 ? 1.25 : 1.0)).ToArray();
        var cumulative = new double[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative[i] = weights[i] + (i == 0 ? 0 : cumulative[i - 1]);
        }

        long PickTeam()
        {
            var x = random.NextDouble() * cumulative[^1];
            var i = Array.BinarySearch(cumulative, x);
            return teams[i < 0 ? ~i : i];
        }

        string Name() => Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)];
        int Customers() => (int)Math.Min(5_000, Math.Exp(5.7 + (0.8 * Gaussian(random))));

        var members = new List<PlannedMember>();
        var sequence = 0;
        string NextUserid() => string.Create(CultureInfo.InvariantCulture, $"u{++sequence:D5}");

        // Leaders first: the head of the company, of each unit and region, and of each team (the team's direct leader).
        var ceo = NextUserid();
        members.Add(new PlannedMember(ceo, Name(), 1, 1, true, null, 50, null));
        var unitHead = new Dictionary<long, string>();
        var regionHead = new Dictionary<long, string>();
        var teamHead = new Dictionary<long, string>();
        foreach (var d in departments.Where(d => d.ParentId == 1 && d.Id != HrDepartment))
        {
            unitHead[d.Id] = NextUserid();
            members.Add(new PlannedMember(unitHead[d.Id], Name(), 1, d.Id, true, ceo, Customers() / 4, null));
        }

        foreach (var d in departments.Where(d => d.Id is >= 100 and < 1000))
        {
            regionHead[d.Id] = NextUserid();
            members.Add(new PlannedMember(regionHead[d.Id], Name(), 1, d.Id, true, unitHead[d.ParentId], Customers() / 2, null));
        }

        var regionOf = departments.Where(d => d.Id >= 1000).ToDictionary(d => d.Id, d => d.ParentId);
        foreach (var team in teams)
        {
            teamHead[team] = NextUserid();
            members.Add(new PlannedMember(teamHead[team], Name(), 1, team, true, regionHead[regionOf[team]], Customers(), null));
        }

        // 人力资源部: the admins who handle failed items by hand.
        var hrAdmins = Enumerable.Range(0, 6).Select(_ => NextUserid()).ToArray();
        members.AddRange(hrAdmins.Select(u => new PlannedMember(u, Name(), 1, HrDepartment, false, ceo, 0, null)));

        var teamMembers = teams.ToDictionary(t => t, _ => new List<string>());
        while (members.Count < shape.Members)
        {
            var team = PickTeam();
            var userid = NextUserid();
            teamMembers[team].Add(userid);
            members.Add(new PlannedMember(userid, Name(), 1, team, false, teamHead[team], Customers(), null));
        }

        // Departures: created over the last 365 days, ids in time order; each leaver is a member of their own (departed).
        var created = Enumerable.Range(0, shape.Departures).Select(_ => now - TimeSpan.FromSeconds(60 + (random.NextDouble() * 365 * 86_400))).Order().ToArray();
        var successions = new List<PlannedSuccession>(shape.Departures);
        for (var i = 0; i < shape.Departures; i++)
        {
            var team = PickTeam();
            var mates = teamMembers[team];
            var handover = string.Create(CultureInfo.InvariantCulture, $"d{i + 1:D5}");
            var rule = random.NextDouble() switch { < 0.75 => "direct_leader", < 0.85 => "registered", _ => "department_leader" };
            var successor = rule switch
            {
                "direct_leader" => teamHead[team],
                "registered" when mates.Count > 0 => mates[random.Next(mates.Count)],
                _ => regionHead[regionOf[team]],
            };
            var pool = mates.Count == 0 ? [teamHead[team]] : Enumerable.Range(0, 3).Select(_ => mates[random.Next(mates.Count)]).Distinct().ToArray();
            successions.Add(new PlannedSuccession
            {
                Id = i + 1, Handover = handover, Team = team, CreatedAt = created[i], Successor = successor, SuccessorRule = rule, Pool = pool,
                Trigger = random.NextDouble() switch { < 0.85 => "callback", < 0.95 => "sweep", _ => "manual" },
            });
            members.Add(new PlannedMember(handover, Name(), 5, team, false, teamHead[team], null, created[i] - TimeSpan.FromSeconds(random.Next(5, 1800))));
        }

        // States by age (see REPORT.md): recent departures are open, old ones completed, a few rejected or ignored.
        foreach (var s in successions)
        {
            var age = now - s.CreatedAt;
            var x = random.NextDouble();
            (s.State, s.Phase) = age.TotalHours switch
            {
                < 24 => x switch
                {
                    < 0.70 => (SuccessionState.Transferring, "fresh"), < 0.90 => (SuccessionState.AwaitingApproval, "planned"),
                    < 0.97 => (SuccessionState.AwaitingDeletion, "planned"), _ => (SuccessionState.Planning, "planned"),
                },
                < 48 => x switch
                {
                    < 0.85 => (SuccessionState.Transferring, "settling"), < 0.95 => (SuccessionState.AwaitingApproval, "planned"), _ => (SuccessionState.AwaitingDeletion, "planned"),
                },
                < 14 * 24 => x switch
                {
                    < 0.92 => (SuccessionState.Completed, "completed"), < 0.94 => (SuccessionState.Transferring, "stuck"), < 0.96 => (SuccessionState.AwaitingApproval, "planned"),
                    < 0.98 => (SuccessionState.AwaitingDeletion, "planned"), < 0.99 => (SuccessionState.Rejected, "rejected"), _ => (SuccessionState.Ignored, "ignored"),
                },
                _ => x switch
                {
                    < 0.980 => (SuccessionState.Completed, "completed"), < 0.986 => (SuccessionState.Rejected, "rejected"), < 0.995 => (SuccessionState.Ignored, "ignored"),
                    < 0.998 => (SuccessionState.AwaitingDeletion, "planned"), _ => (SuccessionState.Transferring, "stuck"),
                },
            };
        }

        // The departures the pages and the export are measured on: completed, in the scoped admin's business unit.
        PlannedSuccession Special(double daysAgo, int size)
        {
            var target = now - TimeSpan.FromDays(daysAgo);
            var s = successions.Where(s => s.Team / 100 == 10).MinBy(s => Math.Abs((s.CreatedAt - target).Ticks))!;
            s.State = SuccessionState.Completed;
            s.Phase = "completed";
            s.Size = size;
            return s;
        }

        var big = Special(20, shape.Big);
        var small = Special(10, shape.Small);
        var huge = shape.Huge > 0 ? Special(45, shape.Huge) : null;

        // Sizes: log-normal (median ~60 customers, a long tail), scaled so that the items add up to exactly shape.Items.
        var sized = successions.Where(s => s.Phase != "ignored" && s != big && s != small && s != huge).ToList();
        var raw = sized.Select(_ => Math.Exp(4.1 + (1.0 * Gaussian(random)))).ToArray();
        var target = shape.Items - shape.Big - shape.Small - shape.Huge;
        var factor = target / raw.Sum();
        for (var i = 0; i < sized.Count; i++)
        {
            sized[i].Size = Math.Max(1, (int)Math.Round(raw[i] * factor));
        }

        for (var (diff, i) = (target - sized.Sum(s => s.Size), 0); diff != 0; i = (i + 1) % sized.Count)
        {
            if (diff > 0 || sized[i].Size > 1)
            {
                sized[i].Size += Math.Sign(diff);
                diff -= Math.Sign(diff);
            }
        }

        long itemBase = 0;
        foreach (var s in successions)
        {
            s.Groups = s.Size == 0 ? 0 : (int)Math.Round(s.Size * (0.02 + (random.NextDouble() * 0.06)));
            s.ItemBase = itemBase;
            itemBase += s.Size;

            // Approval (Succession:Approval:Mode AboveThreshold): big departures, and one in ten for key customers.
            var needsApproval = s.Size > 300 || random.NextDouble() < 0.1;
            var leader = teamHead[s.Team];
            if (s.Phase == "ignored")
            {
                s.Reason = "member is disabled; Succession:OnDisabled is Ignore";
                s.TransferStart = s.CreatedAt;
                continue;
            }

            if (s.State is SuccessionState.AwaitingDeletion)
            {
                s.Reason = "member is disabled, not deleted";
                s.TransferStart = s.CreatedAt;
                continue;
            }

            if (s.State is SuccessionState.Planning)
            {
                s.TransferStart = s.CreatedAt;
                continue;
            }

            if (needsApproval || s.State is SuccessionState.AwaitingApproval or SuccessionState.Rejected)
            {
                s.Approvers = [leader];
                if (s.State == SuccessionState.AwaitingApproval)
                {
                    s.Reason = "plan needs approval";
                    s.TransferStart = s.CreatedAt;
                    continue;
                }

                var wait = TimeSpan.FromHours(s.Phase == "fresh" ? (now - s.CreatedAt).TotalHours * (0.1 + (0.5 * random.NextDouble())) : 0.3 + (random.NextDouble() * 20));
                s.DecidedBy = leader;
                s.DecidedAt = s.CreatedAt + wait;
                s.TransferStart = s.DecidedAt.Value + TimeSpan.FromSeconds(2);
                if (s.State == SuccessionState.Rejected)
                {
                    s.Reason = "plan rejected";
                }
            }
            else
            {
                s.TransferStart = s.CreatedAt + TimeSpan.FromSeconds(60 + random.Next(240));
            }

            s.Api = random.NextDouble() < 0.05 ? TransferApi.OnJob : TransferApi.Resigned;
        }

        // Nothing happens after "now": the newest departures were opened a minute ago and are sent 30 s before it at the latest.
        foreach (var s in successions)
        {
            var latest = now - TimeSpan.FromSeconds(30);
            s.TransferStart = s.TransferStart > latest ? latest : s.TransferStart;
            s.DecidedAt = s.DecidedAt > latest ? latest : s.DecidedAt;
        }

        foreach (var s in successions.Where(s => s.Trigger == "manual"))
        {
            s.RequestedBy = hrAdmins[random.Next(hrAdmins.Length)];
        }

        return new FillPlan(members, successions, big.Id, small.Id, huge?.Id, hrAdmins);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // ---------------------------------------------------------------------------------------------------------
    // The rows.
    // ---------------------------------------------------------------------------------------------------------

    private static async Task InsertDepartmentsAsync(NpgsqlConnection connection, DateTimeOffset now)
    {
        var all = Departments();
        await connection.ExecuteAsync(
            """
            INSERT INTO departments (id, parent_id, name, sort_order, updated_at)
            SELECT * FROM unnest(@ids, @parents, @names, @orders, array_fill(@now::timestamptz, ARRAY[cardinality(@ids)]))
            """,
            new { ids = all.Select(d => d.Id).ToArray(), parents = all.Select(d => d.ParentId).ToArray(), names = all.Select(d => d.Name).ToArray(), orders = all.Select(d => d.Order).ToArray(), now });
    }

    /// <summary>
    /// customer_contact is false: the simulated WeCom lists only the two admins as followers, and the directory sync at
    /// the service's start would otherwise rewrite 5,000 rows the first time (a write the measurement should not see).
    /// </summary>
    private static async Task InsertMembersAsync(NpgsqlConnection connection, List<PlannedMember> members, DateTimeOffset now)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO members (userid, name, status, departments, leader_of, main_department, direct_leaders, customer_contact, departed_at, updated_at,
                                 customer_count, customer_count_at)
            SELECT u, n, st, ARRAY[d], CASE WHEN l THEN ARRAY[d] ELSE '{}' END, d, CASE WHEN dl IS NULL THEN '{}' ELSE ARRAY[dl] END, false, da,
                   @now::timestamptz - interval '1 day', cc, CASE WHEN cc IS NULL THEN NULL ELSE @now::timestamptz - interval '1 day' END
            FROM unnest(@userids, @names, @statuses, @departments, @leaders, @directLeaders, @departedAt, @counts) AS m(u, n, st, d, l, dl, da, cc)
            """,
            new
            {
                userids = members.Select(m => m.Userid).ToArray(),
                names = members.Select(m => m.Name).ToArray(),
                statuses = members.Select(m => (short)m.Status).ToArray(),
                departments = members.Select(m => m.Department).ToArray(),
                leaders = members.Select(m => m.Leader).ToArray(),
                directLeaders = members.Select(m => m.DirectLeader).ToArray(),
                departedAt = members.Select(m => m.DepartedAt).ToArray(),
                counts = members.Select(m => m.CustomerCount).ToArray(),
                now,
            },
            commandTimeout: 0);
    }

    private static async Task StageSuccessionsAsync(NpgsqlConnection connection, List<PlannedSuccession> successions)
    {
        await connection.ExecuteAsync(
            """
            CREATE TEMP TABLE fill_s (
                id bigint PRIMARY KEY, handover text, api text, state text, trigger text, reason text, approvers text[], decided_by text,
                decided_at timestamptz, created_at timestamptz, phase text, size int, groups int, successor text, successor_rule text, pool text[],
                transfer_start timestamptz, item_base bigint, completed_at timestamptz, updated_at timestamptz)
            """);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY fill_s (id, handover, api, state, trigger, reason, approvers, decided_by, decided_at, created_at, phase, size, groups, successor, successor_rule, pool, transfer_start, item_base) FROM STDIN (FORMAT BINARY)");
        foreach (var s in successions)
        {
            await import.StartRowAsync();
            await import.WriteAsync(s.Id, NpgsqlDbType.Bigint);
            await import.WriteAsync(s.Handover, NpgsqlDbType.Text);
            await import.WriteAsync(s.Api, NpgsqlDbType.Text);
            await import.WriteAsync(s.State, NpgsqlDbType.Text);
            await import.WriteAsync(s.Trigger, NpgsqlDbType.Text);
            await WriteNullableAsync(import, s.Reason, NpgsqlDbType.Text);
            await import.WriteAsync(s.Approvers, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await WriteNullableAsync(import, s.DecidedBy, NpgsqlDbType.Text);
            await WriteNullableAsync(import, s.DecidedAt, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(s.CreatedAt, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(s.Phase, NpgsqlDbType.Text);
            await import.WriteAsync(s.Size, NpgsqlDbType.Integer);
            await import.WriteAsync(s.Groups, NpgsqlDbType.Integer);
            await import.WriteAsync(s.Successor, NpgsqlDbType.Text);
            await import.WriteAsync(s.SuccessorRule, NpgsqlDbType.Text);
            await import.WriteAsync(s.Pool, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await import.WriteAsync(s.TransferStart, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(s.ItemBase, NpgsqlDbType.Bigint);
        }

        await import.CompleteAsync();
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            await import.WriteNullAsync();
        }
        else
        {
            await import.WriteAsync(value, type);
        }
    }

    /// <summary>
    /// Every item, staged with its final columns. u1..u6 are independent uniforms in [0, 1) from a hash of the item's id
    /// (u1 its state, u2 its successor, u3 its errcode, u4 attempts and not_before, u5 timing, u6 whether a person handled
    /// it). State mix by the departure's phase; errcodes with their reasons as the service writes them (WeComErrorCodes).
    /// A customer whose 24 h takeover would end after "now" is still waiting, whatever its draw.
    /// </summary>
    private static async Task<int> StageItemsAsync(NpgsqlConnection connection, DateTimeOffset now)
    {
        static string Describe(int code) => WeComErrorCodes.Describe(code);
        var args = new
        {
            now,
            r40128 = Describe(40128), r84061 = Describe(84061), r40131 = Describe(40131), r40096 = Describe(40096), r90503 = Describe(90503), r90501 = Describe(90501),
            r40099 = Describe(40099) + "; re-routed 2 time(s), no further successor", rBusy = Describe(-1),
        };
        await connection.ExecuteAsync(
            """
            CREATE TEMP TABLE fill_i AS
            WITH g AS (
                SELECT s.id AS succession_id, s.item_base + n AS id, n, s.phase, s.created_at, s.decided_at, s.transfer_start,
                       s.successor, s.successor_rule, s.pool,
                       CASE WHEN n <= s.groups THEN 'group' ELSE 'customer' END AS kind,
                       (hashint8extended(s.item_base + n, 1) & 16777215)::float8 / 16777216 AS u1,
                       (hashint8extended(s.item_base + n, 2) & 16777215)::float8 / 16777216 AS u2,
                       (hashint8extended(s.item_base + n, 3) & 16777215)::float8 / 16777216 AS u3,
                       (hashint8extended(s.item_base + n, 4) & 16777215)::float8 / 16777216 AS u4,
                       (hashint8extended(s.item_base + n, 5) & 16777215)::float8 / 16777216 AS u5,
                       (hashint8extended(s.item_base + n, 6) & 16777215)::float8 / 16777216 AS u6
                FROM fill_s s CROSS JOIN LATERAL generate_series(1, s.size) AS n
            ), st AS (
                SELECT g.*,
                       CASE phase
                           WHEN 'completed' THEN CASE WHEN u1 < 0.968 THEN 'transferred' WHEN u1 < 0.983 THEN 'refused' WHEN u1 < 0.995 THEN 'failed' ELSE 'manual' END
                           WHEN 'fresh' THEN CASE WHEN kind = 'group' THEN CASE WHEN u1 < 0.97 THEN 'transferred' ELSE 'failed' END
                                                  WHEN u1 < 0.90 THEN 'waiting' WHEN u1 < 0.97 THEN 'queued' WHEN u1 < 0.985 THEN 'failed' ELSE 'manual' END
                           WHEN 'settling' THEN CASE WHEN u1 < 0.90 THEN 'transferred' WHEN u1 < 0.96 THEN 'waiting' WHEN u1 < 0.975 THEN 'refused' WHEN u1 < 0.99 THEN 'failed' ELSE 'manual' END
                           WHEN 'stuck' THEN CASE WHEN u1 < 0.85 THEN 'transferred' WHEN u1 < 0.93 THEN 'queued' WHEN u1 < 0.95 THEN 'waiting' WHEN u1 < 0.98 THEN 'failed' ELSE 'manual' END
                           WHEN 'planned' THEN CASE WHEN u1 < 0.98 THEN 'planned' ELSE 'manual' END
                           ELSE 'manual'
                       END AS drawn,
                       CASE WHEN u2 < 0.85 THEN successor ELSE pool[1 + floor(u2 * 997)::int % cardinality(pool)] END AS planned_takeover,
                       CASE WHEN u2 < 0.85 THEN successor_rule ELSE 'pool' END AS planned_rule
                FROM g
            ), why AS (
                SELECT st.*,
                       drawn IN ('transferred', 'refused', 'waiting', 'failed') AS submitted,
                       -- manual: a rejected plan; or re-routing ran out (40099); or no eligible successor at all
                       CASE WHEN drawn = 'manual' AND phase <> 'rejected' THEN CASE WHEN u3 < 0.6 THEN 'capacity' ELSE 'nobody' END END AS manual_kind,
                       CASE WHEN drawn = 'failed' THEN
                           CASE WHEN kind = 'customer' THEN CASE WHEN u3 < 0.35 THEN 40128 WHEN u3 < 0.65 THEN 84061 WHEN u3 < 0.80 THEN 40131 WHEN u3 < 0.85 THEN 40096 END
                                ELSE CASE WHEN u3 < 0.5 THEN 90503 WHEN u3 < 0.7 THEN 90501 END END
                       END AS failed_code
                FROM st
            ), chunked AS (
                SELECT why.*,
                       CASE WHEN submitted THEN (row_number() OVER (PARTITION BY succession_id, kind, planned_takeover, submitted ORDER BY id) - 1) / 100 END AS chunk
                FROM why
            ), timed AS (
                SELECT chunked.*,
                       transfer_start + chunk * interval '2 seconds' + CASE kind WHEN 'group' THEN interval '1 minute' ELSE interval '0' END AS batch_at
                FROM chunked
            ), now_state AS (
                SELECT timed.*,
                       CASE WHEN kind = 'customer' AND (drawn IN ('transferred', 'refused') OR (drawn = 'failed' AND failed_code IS NULL))
                                 AND batch_at + interval '24 hours 15 minutes' > @now THEN 'waiting'
                            ELSE drawn END AS state
                FROM timed
            ), f AS (
                SELECT id, succession_id, kind,
                       CASE kind WHEN 'customer' THEN 'wm' ELSE 'wr' END || substr(md5(id::text), 1, 30) AS target_id,
                       CASE WHEN manual_kind = 'nobody' THEN NULL WHEN manual_kind = 'capacity' THEN pool[cardinality(pool)] ELSE planned_takeover END AS takeover_userid,
                       CASE WHEN manual_kind = 'nobody' THEN 'manual' ELSE planned_rule END AS rule,
                       state,
                       CASE
                           WHEN state = 'refused' THEN 'customer refused the takeover'
                           WHEN state = 'failed' THEN COALESCE(
                               CASE failed_code WHEN 40128 THEN @r40128 WHEN 84061 THEN @r84061 WHEN 40131 THEN @r40131 WHEN 40096 THEN @r40096 WHEN 90503 THEN @r90503 WHEN 90501 THEN @r90501 END,
                               CASE kind WHEN 'customer' THEN 'WeCom has no record of this transfer after 3 attempts' ELSE 'the group did not show its new owner in time' END)
                           WHEN state = 'manual' AND phase = 'rejected' THEN 'plan rejected'
                           WHEN manual_kind = 'capacity' THEN @r40099
                           WHEN manual_kind = 'nobody' THEN 'no eligible successor: ' || successor_rule || ' ' || successor || ' is at capacity; no one in the department pool can take more'
                           WHEN state = 'queued' AND phase = 'stuck' THEN CASE kind WHEN 'group' THEN 'daily limit of groups per owner reached; carried to the next day' ELSE @rBusy END
                       END AS reason,
                       CASE WHEN state = 'failed' THEN failed_code WHEN manual_kind = 'capacity' THEN 40099 WHEN state = 'queued' AND phase = 'stuck' AND kind = 'customer' THEN -1 END AS errcode,
                       (CASE WHEN manual_kind = 'capacity' THEN 2 ELSE 0 END)::smallint AS reroutes,
                       (CASE WHEN state = 'planned' OR (state = 'queued' AND phase = 'fresh') OR manual_kind = 'nobody' OR phase = 'rejected' THEN 0
                             WHEN state = 'failed' AND u4 < 0.3 THEN 3 WHEN manual_kind = 'capacity' THEN 3 ELSE 1 END)::smallint AS attempts,
                       CASE WHEN manual_kind = 'capacity' THEN ARRAY[planned_takeover, pool[cardinality(pool)]] ELSE '{}' END AS tried_takeovers,
                       submitted, chunk, planned_takeover, batch_at,
                       CASE WHEN state = 'queued' AND phase = 'stuck' THEN @now::timestamptz + u4 * interval '12 hours' END AS not_before,
                       u5, u6, phase, created_at, decided_at, transfer_start
                FROM now_state
            )
            SELECT f.*,
                   LEAST(@now::timestamptz - interval '10 seconds', CASE
                       WHEN state = 'transferred' AND kind = 'customer' THEN batch_at + interval '24 hours' + u5 * interval '15 minutes'
                       WHEN state = 'transferred' THEN batch_at + u5 * interval '3 minutes'
                       WHEN state = 'refused' THEN batch_at + u5 * interval '24 hours'
                       WHEN state = 'failed' AND errcode IS NULL AND kind = 'customer' THEN batch_at + interval '24 hours 5 minutes'
                       WHEN state = 'failed' AND errcode IS NULL THEN batch_at + interval '2 hours'
                       WHEN state IN ('failed', 'waiting') THEN batch_at + interval '1 second'
                       WHEN state = 'queued' THEN transfer_start
                       WHEN phase = 'rejected' THEN decided_at
                       WHEN manual_kind_final = 'capacity' THEN transfer_start + interval '5 minutes'
                       ELSE created_at + interval '1 minute'
                   END) AS final_at
            FROM (SELECT f.*, CASE WHEN f.errcode = 40099 THEN 'capacity' END AS manual_kind_final FROM f) f
            """, args, commandTimeout: 0);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM fill_i");
    }

    private static async Task<int> InsertBatchesAsync(NpgsqlConnection connection)
    {
        // One transfer call per 100 items of a (departure, kind, successor); answered a moment after it left.
        await connection.ExecuteAsync(
            """
            CREATE TEMP TABLE fill_b AS
            SELECT row_number() OVER (ORDER BY min(i.id)) AS id, i.succession_id, i.kind, i.planned_takeover AS takeover, i.chunk, count(*)::int AS size, min(i.batch_at) AS created_at
            FROM fill_i i WHERE i.submitted
            GROUP BY i.succession_id, i.kind, i.planned_takeover, i.chunk;
            CREATE UNIQUE INDEX ON fill_b (succession_id, kind, takeover, chunk);

            INSERT INTO transfer_batches (id, succession_id, kind, api, handover_userid, takeover_userid, size, state, errcode, created_at, answered_at)
            OVERRIDING SYSTEM VALUE
            SELECT b.id, b.succession_id, b.kind, s.api, s.handover, b.takeover, b.size, 'answered', 0, b.created_at, b.created_at + interval '300 milliseconds'
            FROM fill_b b JOIN fill_s s ON s.id = b.succession_id;
            SELECT setval(pg_get_serial_sequence('transfer_batches', 'id'), (SELECT max(id) FROM transfer_batches));
            """, commandTimeout: 0);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM transfer_batches");
    }

    /// <summary>A departure completes two minutes after its last item became final (the step that follows the last check).</summary>
    private static async Task<int> InsertSuccessionsAsync(NpgsqlConnection connection)
    {
        await connection.ExecuteAsync(
            """
            UPDATE fill_s s SET
                completed_at = CASE WHEN s.state = 'completed' THEN f.last + interval '2 minutes' WHEN s.state = 'rejected' THEN s.decided_at
                                    WHEN s.state = 'ignored' THEN s.created_at + interval '1 minute' END,
                updated_at = CASE WHEN s.state = 'completed' THEN f.last + interval '2 minutes' ELSE GREATEST(s.created_at + interval '1 minute', s.decided_at, f.last) END
            FROM (SELECT s2.id, max(i.final_at) AS last FROM fill_s s2 LEFT JOIN fill_i i ON i.succession_id = s2.id GROUP BY s2.id) f
            WHERE f.id = s.id;

            INSERT INTO successions (id, handover_userid, api, state, trigger, reason, approvers, decided_by, decided_at, created_at, updated_at, completed_at, next_run_at)
            OVERRIDING SYSTEM VALUE
            SELECT id, handover, api, state, trigger, reason, approvers, decided_by, decided_at, created_at, COALESCE(updated_at, created_at), completed_at, NULL
            FROM fill_s ORDER BY id;
            SELECT setval(pg_get_serial_sequence('successions', 'id'), (SELECT max(id) FROM successions));
            """, commandTimeout: 0);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM successions");
    }

    /// <summary>
    /// Secondary indexes are dropped during the insert and built after it (their definitions read back from the
    /// catalog, so they are exactly the migrations'), and the foreign key's trigger is off: it checks nothing here.
    /// A person handled 60 % of the failed, refused and manual items of departures completed over a week ago.
    /// </summary>
    private static async Task<int> InsertItemsAsync(NpgsqlConnection connection, DateTimeOffset now)
    {
        var indexes = (await connection.QueryAsync<(string Name, string Definition)>(
            """
            SELECT indexname, indexdef FROM pg_indexes i
            WHERE tablename = 'succession_items' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """)).ToList();
        foreach (var (name, _) in indexes)
        {
            await connection.ExecuteAsync($"DROP INDEX {name}");
        }

        await connection.ExecuteAsync("ALTER TABLE succession_items DISABLE TRIGGER ALL");
        var rows = await connection.ExecuteAsync(
            """
            INSERT INTO succession_items (id, succession_id, kind, target_id, takeover_userid, rule, state, reason, errcode, reroutes, attempts, tried_takeovers,
                                          batch_id, not_before, takeover_time, next_check_at, updated_at, handled_note, handled_by, handled_at)
            OVERRIDING SYSTEM VALUE
            SELECT i.id, i.succession_id, i.kind, i.target_id, i.takeover_userid, i.rule, i.state, i.reason, i.errcode, i.reroutes, i.attempts, i.tried_takeovers,
                   b.id,
                   i.not_before,
                   CASE WHEN i.kind = 'customer' AND i.state IN ('transferred', 'refused', 'waiting') THEN i.batch_at + interval '24 hours'
                        WHEN i.kind = 'group' AND i.state = 'waiting' THEN i.batch_at + interval '10 minutes' END,
                   CASE WHEN i.state = 'waiting' THEN CASE i.kind WHEN 'customer' THEN i.batch_at + interval '24 hours 2 minutes' ELSE i.batch_at + interval '1 minute' END END,
                   COALESCE(h.at, i.final_at),
                   CASE WHEN h.at IS NOT NULL THEN (@notes::text[])[1 + floor(i.u6 * 1000)::int % cardinality(@notes::text[])] END,
                   CASE WHEN h.at IS NOT NULL THEN (@admins::text[])[1 + floor(i.u5 * 1000)::int % cardinality(@admins::text[])] END,
                   h.at
            FROM fill_i i
            JOIN fill_s s ON s.id = i.succession_id
            LEFT JOIN fill_b b ON i.submitted AND b.succession_id = i.succession_id AND b.kind = i.kind AND b.takeover = i.planned_takeover AND b.chunk = i.chunk
            LEFT JOIN LATERAL (
                SELECT LEAST(COALESCE(s.completed_at, i.final_at) + i.u6 / 0.6 * interval '5 days', @now::timestamptz - interval '1 hour') AS at
                WHERE i.state IN ('failed', 'refused', 'manual') AND s.state IN ('completed', 'rejected') AND s.completed_at < @now::timestamptz - interval '7 days' AND i.u6 < 0.6
            ) h ON true
            ORDER BY i.id
            """, new { now, notes = HandledNotes, admins = (await connection.QueryAsync<string>("SELECT userid FROM members WHERE departments = ARRAY[@HrDepartment]::bigint[] ORDER BY userid", new { HrDepartment })).ToArray() },
            commandTimeout: 0);
        await connection.ExecuteAsync("ALTER TABLE succession_items ENABLE TRIGGER ALL");
        foreach (var (_, definition) in indexes)
        {
            await connection.ExecuteAsync(definition, commandTimeout: 0);
        }

        await connection.ExecuteAsync("SELECT setval(pg_get_serial_sequence('succession_items', 'id'), (SELECT max(id) FROM succession_items))");
        return rows;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The audit log: every change of each succession, people's actions on items, and (for the big departure
    // only) the system's per-item transitions. Sorted by time, then hashed in a chain as AuditLog appends.
    // ---------------------------------------------------------------------------------------------------------

    private sealed record Planned(DateTime At, AuditEntry Entry);

    private static async Task<int> InsertAuditAsync(NpgsqlConnection connection, FillPlan plan, DateTimeOffset now)
    {
        var entries = new List<Planned>();
        void Add(DateTime at, string actor, string action, string type, long id, JsonObject? before, JsonObject? after) =>
            entries.Add(new Planned(at, new AuditEntry(actor, action, type, id.ToString(CultureInfo.InvariantCulture), before, after)));

        // Who was granted a role, a year ago.
        foreach (var hr in plan.HrAdmins)
        {
            entries.Add(new Planned((now - TimeSpan.FromDays(366)).UtcDateTime, new AuditEntry("api-key:setup", "role.grant", AuditEntity.AdminRole, hr, null,
                new JsonObject { ["role"] = "admin", ["departments"] = new JsonArray(1), ["via"] = "api-key:setup" })));
        }

        var successions = (await connection.QueryAsync<Succession>(
            "SELECT id, handover_userid, api, state, trigger, reason, approvers, decided_by, decided_at, created_at, updated_at, completed_at FROM successions ORDER BY id")).ToList();
        var requested = plan.Successions.ToDictionary(s => s.Id, s => s.RequestedBy);
        foreach (var s in successions)
        {
            var created = s.CreatedAt;
            if (requested[s.Id] is { } by)
            {
                Add(created.AddSeconds(-1), by, "succession.request", AuditEntity.Succession, s.Id, null, new JsonObject { ["handover_userid"] = s.HandoverUserid, ["via"] = "dashboard" });
            }

            Add(created, "system", "succession.open", AuditEntity.Succession, s.Id, null,
                new JsonObject { ["handover_userid"] = s.HandoverUserid, ["api"] = s.Api, ["state"] = SuccessionState.Planning, ["trigger"] = s.Trigger });
            var planning = s with { State = SuccessionState.Planning, Reason = null, Approvers = [], DecidedBy = null, DecidedAt = null };
            var planned = created.AddSeconds(20);
            if (s.State == SuccessionState.Ignored)
            {
                Add(planned, "system", "succession.ignored", AuditEntity.Succession, s.Id, SuccessionStore.Audited(planning), SuccessionStore.Audited(s));
                continue;
            }

            if (s.State is SuccessionState.Planning)
            {
                continue;
            }

            if (s.State is SuccessionState.AwaitingDeletion)
            {
                Add(planned, "system", "succession.awaiting_deletion", AuditEntity.Succession, s.Id, SuccessionStore.Audited(planning), SuccessionStore.Audited(s));
                continue;
            }

            var transferring = s with { State = SuccessionState.Transferring, Reason = null, CompletedAt = null };
            if (s.Approvers.Length > 0)
            {
                var awaiting = planning with { State = SuccessionState.AwaitingApproval, Reason = "plan needs approval", Approvers = s.Approvers };
                Add(planned, "system", "succession.awaiting_approval", AuditEntity.Succession, s.Id, SuccessionStore.Audited(planning), SuccessionStore.Audited(awaiting));
                if (s.DecidedAt is { } decided)
                {
                    var action = s.State == SuccessionState.Rejected ? "succession.reject" : "succession.approve";
                    var after = SuccessionStore.Audited(s.State == SuccessionState.Rejected ? s : transferring);
                    after["via"] = "workbench";
                    Add(decided, s.DecidedBy!, action, AuditEntity.Succession, s.Id, SuccessionStore.Audited(awaiting), after);
                }
            }
            else
            {
                Add(planned.AddSeconds(1), "system", "succession.transferring", AuditEntity.Succession, s.Id, SuccessionStore.Audited(planning), SuccessionStore.Audited(transferring));
            }

            if (s.State == SuccessionState.Completed)
            {
                Add(s.CompletedAt!.Value, "system", "succession.completed", AuditEntity.Succession, s.Id, SuccessionStore.Audited(transferring), SuccessionStore.Audited(s));
            }
        }

        // People's actions on items: every handled item, and a retry by the same person first for a quarter of the failed ones.
        const string ItemColumns =
            """
            id, succession_id, kind, target_id, takeover_userid, rule, state, reason, errcode, reroutes, attempts, tried_takeovers, batch_id, not_before,
            takeover_time, next_check_at, handled_note, handled_by, handled_at, updated_at
            """;
        var handled = await connection.QueryAsync<SuccessionItem>($"SELECT {ItemColumns} FROM succession_items WHERE handled_at IS NOT NULL ORDER BY id");
        foreach (var item in handled)
        {
            var before = item with { HandledNote = null, HandledBy = null, HandledAt = null };
            var after = SuccessionStore.Audited(item);
            after["via"] = "dashboard";
            if (item.State == ItemState.Failed && item.Id % 4 == 0)
            {
                var retried = SuccessionStore.Audited(before with { State = ItemState.Queued, Errcode = null, Reason = null });
                retried["via"] = "dashboard";
                Add(item.HandledAt!.Value.AddDays(-1), item.HandledBy!, "item.retry", AuditEntity.Item, item.Id, SuccessionStore.Audited(before), retried);
            }

            Add(item.HandledAt!.Value, item.HandledBy!, "item.handled", AuditEntity.Item, item.Id, SuccessionStore.Audited(before), after);
        }

        // The system's own transitions are several per item (5 million here): only the big departure's are written.
        var big = plan.Successions.Single(s => s.Id == plan.Big);
        var items = await connection.QueryAsync<SuccessionItem>($"SELECT {ItemColumns} FROM succession_items WHERE succession_id = @Big ORDER BY id", new { plan.Big });
        foreach (var item in items)
        {
            var plannedItem = item with { State = ItemState.Planned, BatchId = null, Errcode = null, Reason = null, Attempts = 0, HandledNote = null, HandledAt = null, HandledBy = null };
            Add(big.CreatedAt.UtcDateTime.AddSeconds(10), "system", "item.planned", AuditEntity.Item, item.Id, null, SuccessionStore.Audited(plannedItem));
            var queued = plannedItem with { State = ItemState.Queued };
            Add(big.TransferStart.UtcDateTime, "system", "item.queued", AuditEntity.Item, item.Id, SuccessionStore.Audited(plannedItem), SuccessionStore.Audited(queued));
            if (item.BatchId is null)
            {
                continue;
            }

            var submitting = queued with { State = ItemState.Submitting, BatchId = item.BatchId, Attempts = 1 };
            var sent = big.TransferStart.UtcDateTime.AddSeconds(2 * ((item.Id - big.ItemBase) / 100));
            Add(sent, "system", "item.submitting", AuditEntity.Item, item.Id, SuccessionStore.Audited(queued), SuccessionStore.Audited(submitting));
            var waiting = submitting with { State = ItemState.Waiting };
            Add(sent.AddSeconds(1), "system", "item.waiting", AuditEntity.Item, item.Id, SuccessionStore.Audited(submitting), SuccessionStore.Audited(waiting));
            var final = item with { HandledNote = null, HandledAt = null, HandledBy = null };
            Add(sent.AddSeconds(2).AddHours(item.Kind == ItemKind.Customer ? 24 : 0), "system", "item." + item.State, AuditEntity.Item, item.Id,
                SuccessionStore.Audited(waiting), SuccessionStore.Audited(final));
        }

        // The chain, as AuditLog.AppendAsync writes it: ids from the current head, canonical text hashed with the previous hash.
        var ordered = entries.OrderBy(e => e.At).ToList();
        var head = await connection.QuerySingleOrDefaultAsync<(long Id, byte[] Hash)?>("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
        var id = head?.Id ?? 0;
        var previous = head?.Hash ?? AuditFormat.GenesisHash.ToArray();
        var canonical = new ArrayBufferWriter<byte>(1024);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY audit_log (id, at, actor, action, entity_type, entity_id, before, after, canonical, prev_hash, hash) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (at, entry) in ordered)
            {
                id++;
                var stored = AuditFormat.ToStoredTime(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)));
                var before = entry.Before?.ToJsonString(AuditFormat.JsonOptions);
                var after = entry.After?.ToJsonString(AuditFormat.JsonOptions);
                AuditFormat.WriteCanonical(canonical, id, stored, entry.Actor, entry.Action, entry.EntityType, entry.EntityId, before, after);
                var hash = new byte[AuditFormat.HashSize];
                AuditFormat.ComputeHash(sha256, previous, canonical.WrittenSpan, hash);
                await import.StartRowAsync();
                await import.WriteAsync(id, NpgsqlDbType.Bigint);
                await import.WriteAsync(stored, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(entry.Actor, NpgsqlDbType.Text);
                await import.WriteAsync(entry.Action, NpgsqlDbType.Text);
                await import.WriteAsync(entry.EntityType, NpgsqlDbType.Text);
                await import.WriteAsync(entry.EntityId, NpgsqlDbType.Text);
                await WriteNullableAsync(import, before, NpgsqlDbType.Jsonb);
                await WriteNullableAsync(import, after, NpgsqlDbType.Jsonb);
                await import.WriteAsync(Encoding.UTF8.GetString(canonical.WrittenSpan), NpgsqlDbType.Text);
                await import.WriteAsync(previous, NpgsqlDbType.Bytea);
                await import.WriteAsync(hash, NpgsqlDbType.Bytea);
                previous = hash;
            }

            await import.CompleteAsync();
        }

        return ordered.Count;
    }
}
