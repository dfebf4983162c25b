using Dapper;
using Npgsql;

namespace WeComSuccession.Successions;

/// <summary>The overview's figures, for the departures a reader may see.</summary>
internal sealed record Overview(
    long OpenDepartures, long AwaitingApproval, long WaitingUnder1Day, long Waiting1To3Days, long WaitingOver3Days, long NeedingAction,
    long CompletedLast30Days, double? SuccessRateLast30Days, TimeSpan? MedianTimeToComplete,
    IReadOnlyList<(DateOnly Day, string State, long Count)> FinalItemsPerDay, IReadOnlyList<(string State, long Count)> OpenItemStates);

/// <summary>One month of departures (China time): how many began and completed, how long completion took, how many items went through.</summary>
internal sealed record MonthRow(DateOnly Month, long Started, long Completed, double? MedianHours, double? P90Hours, long Transferred, long FinalItems)
{
    public double? SuccessRate => FinalItems == 0 ? null : (double)Transferred / FinalItems;
}

/// <summary>A period's figures: departures begun and completed in it, the completed ones' time to complete in hours, and their items.</summary>
internal sealed record PeriodSummary(long Started, long Completed, double? MedianHours, double? P90Hours, long Transferred, long FinalItems)
{
    public double? SuccessRate => FinalItems == 0 ? null : (double)Transferred / FinalItems;
}

/// <summary>Items that needed a person, by the leaver's department and the reason (errcode, or the state when there is none).</summary>
internal sealed record ReasonRow(long? DepartmentId, string? DepartmentName, string State, int? Errcode, long Count);

/// <summary>What one successor received and holds in flight.</summary>
internal sealed record SuccessorLoadRow(string Takeover, string? Name, long Transferred, long InFlight, int? CustomerCount);

/// <summary>
/// The figures of the overview and the analytics board (seed 002: efficiency of handovers), computed in the
/// database over the departures a reader may see (a scope of null: all). Days and months are China
/// time, as people read them.
/// </summary>
internal sealed class DepartureStatistics(NpgsqlDataSource db, ServiceClock clock)
{
    private const string Zone = "Asia/Shanghai";

    /// <summary>Item states on their way to a successor: chosen (awaiting approval or release), queued, sent, waiting for the takeover.</summary>
    private static readonly string[] InFlight = [ItemState.Planned, ItemState.Queued, ItemState.Submitting, ItemState.Waiting];

    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    private const string Scoped = "(@scope::bigint[] IS NULL OR m.departments && @scope)";

    public async Task<Overview> OverviewAsync(IReadOnlySet<long>? scope, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var args = new
        {
            scope = scope?.ToArray(), open = SuccessionState.Open, now, day = now.AddDays(-1), threeDays = now.AddDays(-3), month = now.AddDays(-30),
            fortnight = now.AddDays(-14), attention = AttentionQueries.States, final = ItemState.Final, zone = Zone,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        var departures = await connection.QuerySingleAsync<(long Open, long Awaiting, long Completed, double? MedianSeconds)>(new CommandDefinition(
            $"""
            SELECT count(*) FILTER (WHERE s.state = ANY(@open)),
                   count(*) FILTER (WHERE s.state = 'awaiting_approval'),
                   count(*) FILTER (WHERE s.state = 'completed' AND s.completed_at >= @month),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.created_at))
                       FILTER (WHERE s.state = 'completed' AND s.completed_at >= @month)
            FROM successions s LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE {Scoped} AND (s.state = ANY(@open) OR s.completed_at >= @month)
            """, args, cancellationToken: ct));
        var waiting = await connection.QuerySingleAsync<(long Day, long Days, long Older)>(new CommandDefinition(
            $"""
            SELECT count(*) FILTER (WHERE b.created_at >= @day), count(*) FILTER (WHERE b.created_at < @day AND b.created_at >= @threeDays),
                   count(*) FILTER (WHERE b.created_at < @threeDays)
            FROM succession_items i
            JOIN transfer_batches b ON b.id = i.batch_id
            JOIN successions s ON s.id = i.succession_id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE i.state = 'waiting' AND {Scoped}
            """, args, cancellationToken: ct));
        var attention = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"""
            SELECT count(*) FROM succession_items i JOIN successions s ON s.id = i.succession_id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE i.state = ANY(@attention) AND i.handled_at IS NULL AND {Scoped}
            """, args, cancellationToken: ct));
        var rate = await connection.QuerySingleAsync<(long Transferred, long Final)>(new CommandDefinition(
            $"""
            SELECT count(*) FILTER (WHERE i.state = 'transferred'), count(*)
            FROM successions s JOIN succession_items i ON i.succession_id = s.id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE s.state = 'completed' AND s.completed_at >= @month AND {Scoped}
            """, args, cancellationToken: ct));
        var perDay = await connection.QueryAsync<(DateTime Day, string State, long Count)>(new CommandDefinition(
            $"""
            SELECT date_trunc('day', i.updated_at AT TIME ZONE @zone), i.state, count(*)
            FROM succession_items i JOIN successions s ON s.id = i.succession_id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE i.state IN ('transferred', 'refused', 'failed') AND i.updated_at >= @fortnight AND {Scoped}
            GROUP BY 1, 2 ORDER BY 1, 2
            """, args, cancellationToken: ct));
        var openStates = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            $"""
            SELECT i.state, count(*)
            FROM successions s JOIN succession_items i ON i.succession_id = s.id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE s.state = ANY(@open) AND {Scoped}
            GROUP BY i.state ORDER BY 2 DESC
            """, args, cancellationToken: ct));
        return new Overview(
            departures.Open, departures.Awaiting, waiting.Day, waiting.Days, waiting.Older, attention, departures.Completed,
            rate.Final == 0 ? null : (double)rate.Transferred / rate.Final,
            departures.MedianSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            [.. perDay.Select(d => (DateOnly.FromDateTime(d.Day), d.State, d.Count))], [.. openStates]);
    }

    /// <summary>
    /// The first instant of the period "the last <paramref name="months"/> months" (China time): the start of the
    /// month <paramref name="months"/> − 1 months before the current one, so the period holds exactly that many
    /// whole calendar months, the current one included.
    /// </summary>
    public DateTimeOffset PeriodStart(int months)
    {
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), China);
        var first = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1 - months);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(first, China), TimeSpan.Zero);
    }

    /// <summary>The whole period from <paramref name="since"/>: departures begun and completed, completion time, items through.</summary>
    public async Task<PeriodSummary> SummaryAsync(IReadOnlySet<long>? scope, DateTimeOffset since, CancellationToken ct)
    {
        var args = new { scope = scope?.ToArray(), since };
        await using var connection = await db.OpenConnectionAsync(ct);
        var departures = await connection.QuerySingleAsync<(long Started, long Completed, double? Median, double? P90)>(new CommandDefinition(
            $"""
            SELECT count(*) FILTER (WHERE s.created_at >= @since),
                   count(*) FILTER (WHERE s.state = 'completed' AND s.completed_at >= @since),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.created_at) / 3600)
                       FILTER (WHERE s.state = 'completed' AND s.completed_at >= @since),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.created_at) / 3600)
                       FILTER (WHERE s.state = 'completed' AND s.completed_at >= @since)
            FROM successions s LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE (s.created_at >= @since OR s.completed_at >= @since) AND {Scoped}
            """, args, cancellationToken: ct));
        var items = await connection.QuerySingleAsync<(long Transferred, long Final)>(new CommandDefinition(
            $"""
            SELECT count(*) FILTER (WHERE i.state = 'transferred'), count(*)
            FROM successions s JOIN succession_items i ON i.succession_id = s.id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE s.state = 'completed' AND s.completed_at >= @since AND {Scoped}
            """, args, cancellationToken: ct));
        return new PeriodSummary(departures.Started, departures.Completed, departures.Median, departures.P90, items.Transferred, items.Final);
    }

    /// <summary>
    /// The last <paramref name="months"/> calendar months (China time), oldest first, the current month last: departures begun in each
    /// month, and of those completed in it how many, how long they took (median, 90th percentile) and how many of their
    /// items were transferred.
    /// </summary>
    public async Task<IReadOnlyList<MonthRow>> MonthsAsync(IReadOnlySet<long>? scope, int months, CancellationToken ct)
    {
        var since = PeriodStart(months);
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(DateTime Month, long Started, long Completed, double? Median, double? P90, long Transferred, long Final)>(new CommandDefinition(
            $"""
            WITH d AS (
                SELECT s.id, date_trunc('month', s.created_at AT TIME ZONE @zone) AS started_month,
                       date_trunc('month', s.completed_at AT TIME ZONE @zone) AS completed_month,
                       CASE WHEN s.state = 'completed' THEN extract(epoch FROM s.completed_at - s.created_at) / 3600 END AS hours
                FROM successions s LEFT JOIN members m ON m.userid = s.handover_userid
                WHERE (s.created_at >= @since OR s.completed_at >= @since) AND {Scoped}
            ), items AS (
                SELECT d.completed_month, count(*) FILTER (WHERE i.state = 'transferred') AS transferred, count(*) AS final
                FROM d JOIN succession_items i ON i.succession_id = d.id
                WHERE d.hours IS NOT NULL GROUP BY d.completed_month
            ), months AS (
                SELECT generate_series(@since::timestamptz AT TIME ZONE @zone, (@since::timestamptz AT TIME ZONE @zone) + make_interval(months => @months - 1), interval '1 month') AS month
            )
            SELECT months.month,
                   (SELECT count(*) FROM d WHERE d.started_month = months.month),
                   (SELECT count(*) FROM d WHERE d.completed_month = months.month AND d.hours IS NOT NULL),
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FROM d WHERE d.completed_month = months.month AND d.hours IS NOT NULL),
                   (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FROM d WHERE d.completed_month = months.month AND d.hours IS NOT NULL),
                   COALESCE(items.transferred, 0), COALESCE(items.final, 0)
            FROM months LEFT JOIN items ON items.completed_month = months.month
            ORDER BY months.month
            """, new { scope = scope?.ToArray(), since, months, zone = Zone }, cancellationToken: ct));
        return [.. rows.Select(r => new MonthRow(DateOnly.FromDateTime(r.Month), r.Started, r.Completed, r.Median, r.P90, r.Transferred, r.Final))];
    }

    /// <summary>
    /// Items that needed a person (failed, refused, manual) and reached that state since <paramref name="since"/>, by the
    /// leaver's main department and the reason (errcode, or the state when there is none), most first.
    /// </summary>
    public async Task<IReadOnlyList<ReasonRow>> ReasonsByDepartmentAsync(IReadOnlySet<long>? scope, DateTimeOffset since, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Tuples, not the record: Dapper matches a record's constructor by exact type, and nullable columns arrive as their plain types.
        var rows = await connection.QueryAsync<(long? Department, string? Name, string State, int? Errcode, long Count)>(new CommandDefinition(
            $"""
            SELECT COALESCE(m.main_department, m.departments[1]) AS department_id, min(d.name) AS department_name, i.state, i.errcode, count(*) AS count
            FROM succession_items i JOIN successions s ON s.id = i.succession_id
            LEFT JOIN members m ON m.userid = s.handover_userid
            LEFT JOIN departments d ON d.id = COALESCE(m.main_department, m.departments[1])
            WHERE i.state = ANY(@attention) AND i.updated_at >= @since AND {Scoped}
            GROUP BY 1, i.state, i.errcode
            ORDER BY count(*) DESC, 1, i.state, i.errcode
            LIMIT 200
            """, new { scope = scope?.ToArray(), since, attention = AttentionQueries.States }, cancellationToken: ct));
        return [.. rows.Select(r => new ReasonRow(r.Department, r.Name, r.State, r.Errcode, r.Count))];
    }

    /// <summary>
    /// Successors by what they received since <paramref name="since"/> (customers and groups transferred to them), with
    /// what is on its way to them now (planned, queued, submitting, waiting) and the customers WeCom last counted for them.
    /// </summary>
    public async Task<IReadOnlyList<SuccessorLoadRow>> SuccessorLoadsAsync(IReadOnlySet<long>? scope, DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Takeover, string? Name, long Transferred, long InFlight, int? CustomerCount)>(new CommandDefinition(
            $"""
            SELECT i.takeover_userid AS takeover, min(t.name) AS name,
                   count(*) FILTER (WHERE i.state = 'transferred') AS transferred,
                   count(*) FILTER (WHERE i.state = ANY(@inFlight)) AS in_flight,
                   min(t.customer_count) AS customer_count
            FROM succession_items i JOIN successions s ON s.id = i.succession_id
            LEFT JOIN members m ON m.userid = s.handover_userid
            LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.takeover_userid IS NOT NULL AND {Scoped}
              AND ((i.state = 'transferred' AND i.updated_at >= @since) OR i.state = ANY(@inFlight))
            GROUP BY i.takeover_userid
            ORDER BY 3 DESC, 4 DESC, 1
            LIMIT @limit
            """, new { scope = scope?.ToArray(), since, limit, inFlight = InFlight }, cancellationToken: ct));
        return [.. rows.Select(r => new SuccessorLoadRow(r.Takeover, r.Name, r.Transferred, r.InFlight, r.CustomerCount))];
    }
}
