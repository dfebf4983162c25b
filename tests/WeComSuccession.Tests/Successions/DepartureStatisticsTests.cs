using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Db;
using WeComSuccession.Successions;

namespace WeComSuccession.Tests.Successions;

/// <summary>The analytics board's figures on a real PostgreSQL, "now" fixed at 2026-03-15 08:00 China time.</summary>
public sealed class DepartureStatisticsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private readonly TestDatabase _database = new();
    private NpgsqlDataSource _db = null!;
    private DepartureStatistics _statistics = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _db = _database.CreateDataSource();
        await new SchemaMigrator(_db, SchemaMigrator.EmbeddedMigrations(typeof(AuditLog).Assembly), NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        _statistics = new DepartureStatistics(_db, new WeComSuccession.Infrastructure.ServiceClock(new FixedClock(Now)));
        await ExecuteAsync(
            """
            INSERT INTO departments (id, parent_id, name, updated_at) VALUES (1, 0, '公司', now()), (2, 1, '销售一部', now()), (3, 1, NULL, now());
            INSERT INTO members (userid, name, status, departments, main_department, updated_at) VALUES
                ('a', '甲', 5, '{2}', 2, now()), ('b', '乙', 5, '{3}', NULL, now()), ('c', '丙', 5, '{}', NULL, now()),
                ('s1', '接替一', 1, '{2}', 2, now()), ('s2', '接替二', 1, '{3}', 3, now());
            UPDATE members SET customer_count = 120 WHERE userid = 's1';
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public void PeriodStart_ThreeMonths_FirstOfJanuaryChinaTime()
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, China), _statistics.PeriodStart(3));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, China), _statistics.PeriodStart(1));
    }

    [Fact]
    public async Task Months_ThreeMonths_ExactlyThreeCalendarMonthsByChinaTime()
    {
        // Begun 31 Dec 23:00 China (before the period), completed 2 Jan 01:00 China: counts as completed in January, 26 h.
        var december = await DepartureAsync("a", new(2025, 12, 31, 23, 0, 0, China), new(2026, 1, 2, 1, 0, 0, China));
        // Begun 1 Jan 00:30 China (31 Dec UTC), completed a day later.
        var january = await DepartureAsync("a", new(2026, 1, 1, 0, 30, 0, China), new(2026, 1, 2, 0, 30, 0, China));
        var open = await DepartureAsync("b", new(2026, 3, 10, 9, 0, 0, China), null);
        await ItemsAsync(december, "transferred", 3);
        await ItemsAsync(december, "refused", 1);
        await ItemsAsync(january, "transferred", 4);
        await ItemsAsync(open, "waiting", 5);

        var months = await _statistics.MonthsAsync(null, 3, Ct);

        Assert.Equal([new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 1)], months.Select(m => m.Month));
        var jan = months[0];
        Assert.Equal((1L, 2L), (jan.Started, jan.Completed));
        Assert.Equal(25, jan.MedianHours!.Value, 6);
        Assert.Equal(25.8, jan.P90Hours!.Value, 6);
        Assert.Equal((7L, 8L), (jan.Transferred, jan.FinalItems));
        Assert.Equal(7 / 8.0, jan.SuccessRate);
        Assert.Equal((0L, 0L, null), (months[1].Started, months[1].Completed, months[1].SuccessRate));
        Assert.Equal((1L, 0L), (months[2].Started, months[2].Completed));
    }

    [Fact]
    public async Task Months_Scoped_CountsOnlyMembersOfThoseDepartments()
    {
        await DepartureAsync("a", new(2026, 3, 1, 9, 0, 0, China), new(2026, 3, 1, 19, 0, 0, China));
        await DepartureAsync("b", new(2026, 3, 2, 9, 0, 0, China), null);

        var months = await _statistics.MonthsAsync(new HashSet<long> { 3 }, 1, Ct);

        var march = Assert.Single(months);
        Assert.Equal((1L, 0L), (march.Started, march.Completed));
    }

    [Fact]
    public async Task Summary_Period_MedianAndP90OfCompletedOnesAndTheirItems()
    {
        for (var hours = 1; hours <= 10; hours++)
        {
            var id = await DepartureAsync("a", new(2026, 2, 1, 9, 0, 0, China), new DateTimeOffset(2026, 2, 1, 9, 0, 0, China).AddHours(hours));
            await ItemsAsync(id, hours == 10 ? "failed" : "transferred", 1);
        }

        await DepartureAsync("a", new(2025, 11, 1, 9, 0, 0, China), new(2025, 11, 2, 9, 0, 0, China)); // before the period
        await DepartureAsync("b", new(2026, 3, 1, 9, 0, 0, China), null);

        var summary = await _statistics.SummaryAsync(null, _statistics.PeriodStart(3), Ct);

        Assert.Equal((11L, 10L), (summary.Started, summary.Completed));
        Assert.Equal(5.5, summary.MedianHours!.Value, 6);
        Assert.Equal(9.1, summary.P90Hours!.Value, 6);
        Assert.Equal((9L, 10L), (summary.Transferred, summary.FinalItems));
    }

    [Fact]
    public async Task Reasons_SincePeriodStart_ByMainDepartmentThenFirstDepartmentWithNamesWhenKnown()
    {
        var a = await DepartureAsync("a", new(2026, 3, 1, 9, 0, 0, China), null);
        var b = await DepartureAsync("b", new(2026, 3, 1, 9, 0, 0, China), null);
        var c = await DepartureAsync("c", new(2026, 3, 1, 9, 0, 0, China), null);
        await ItemsAsync(a, "failed", 3, errcode: 40099);
        await ItemsAsync(a, "refused", 2);
        await ItemsAsync(a, "transferred", 9);
        await ItemsAsync(a, "failed", 4, errcode: 40099, updatedAt: new(2025, 12, 31, 12, 0, 0, China)); // before the period
        await ItemsAsync(b, "manual", 1);
        await ItemsAsync(c, "failed", 1, errcode: 40128);

        var reasons = await _statistics.ReasonsByDepartmentAsync(null, _statistics.PeriodStart(3), Ct);

        Assert.Equal(
            [
                new ReasonRow(2, "销售一部", "failed", 40099, 3),
                new ReasonRow(2, "销售一部", "refused", null, 2),
                new ReasonRow(3, null, "manual", null, 1),
                new ReasonRow(null, null, "failed", 40128, 1),
            ],
            reasons);
        Assert.Equal([new ReasonRow(3, null, "manual", null, 1)], await _statistics.ReasonsByDepartmentAsync(new HashSet<long> { 3 }, _statistics.PeriodStart(3), Ct));
    }

    [Fact]
    public async Task SuccessorLoads_TransferredInThePeriodAndWhatIsOnItsWayNow()
    {
        var a = await DepartureAsync("a", new(2026, 3, 1, 9, 0, 0, China), null);
        var b = await DepartureAsync("b", new(2026, 3, 1, 9, 0, 0, China), null);
        await ItemsAsync(a, "transferred", 5, takeover: "s1");
        await ItemsAsync(a, "transferred", 7, takeover: "s1", updatedAt: new(2025, 6, 1, 9, 0, 0, China)); // before the period
        await ItemsAsync(a, "waiting", 2, takeover: "s1");
        await ItemsAsync(a, "planned", 1, takeover: "s1");
        await ItemsAsync(a, "failed", 3, takeover: "s1");
        await ItemsAsync(b, "queued", 4, takeover: "s2");
        await ItemsAsync(b, "failed", 2, takeover: "s3");

        var loads = await _statistics.SuccessorLoadsAsync(null, _statistics.PeriodStart(3), 10, Ct);

        Assert.Equal([new SuccessorLoadRow("s1", "接替一", 5, 3, 120), new SuccessorLoadRow("s2", "接替二", 0, 4, null)], loads);
        Assert.Equal([new SuccessorLoadRow("s2", "接替二", 0, 4, null)], await _statistics.SuccessorLoadsAsync(new HashSet<long> { 3 }, _statistics.PeriodStart(3), 10, Ct));
    }

    private async Task<long> DepartureAsync(string handover, DateTimeOffset created, DateTimeOffset? completed)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO successions (handover_userid, api, state, trigger, created_at, updated_at, completed_at)
            VALUES (@handover, 'resigned', CASE WHEN @completed::timestamptz IS NULL THEN 'transferring' ELSE 'completed' END, 'callback', @created, @created, @completed)
            RETURNING id
            """, new { handover, created = created.ToUniversalTime(), completed = completed?.ToUniversalTime() }, cancellationToken: Ct));
    }

    private Task ItemsAsync(long successionId, string state, int count, int? errcode = null, string takeover = "s1", DateTimeOffset? updatedAt = null) => ExecuteAsync(
        """
        INSERT INTO succession_items (succession_id, kind, target_id, takeover_userid, rule, state, errcode, updated_at)
        SELECT @successionId, 'customer', 'wm' || gen_random_uuid(), @takeover, 'pool', @state, @errcode, @updatedAt
        FROM generate_series(1, @count)
        """, new { successionId, state, count, errcode, takeover, updatedAt = (updatedAt ?? new DateTimeOffset(2026, 3, 10, 9, 0, 0, China)).ToUniversalTime() });

    private async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: Ct));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
