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

    /// <summary>The last <paramref name="months"/> months, oldest first.</summary>
    public async Task<IReadOnlyList<MonthRow>> MonthsAsync(IReadOnlySet<long>? scope, int months, CancellationToken ct)
    {
        var until = clock.GetUtcNow();
        var since = until.AddMonths(-months);
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
                SELECT generate_series(date_trunc('month', @since::timestamptz AT TIME ZONE @zone), date_trunc('month', @until::timestamptz AT TIME ZONE @zone), interval '1 month') AS month
            )
            SELECT months.month,
                   (SELECT count(*) FROM d WHERE d.started_month = months.month),
                   (SELECT count(*) FROM d WHERE d.completed_month = months.month AND d.hours IS NOT NULL),
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FROM d WHERE d.completed_month = months.month AND d.hours IS NOT NULL),
                   (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FROM d WHERE d.completed_month = months.month AND d.hours IS NOT NULL),
                   COALESCE(items.transferred, 0), COALESCE(items.final, 0)
            FROM months LEFT JOIN items ON items.completed_month = months.month
            ORDER BY months.month
            """, new { scope = scope?.ToArray(), since, until, zone = Zone }, cancellationToken: ct));
        return [.. rows.Select(r => new MonthRow(DateOnly.FromDateTime(r.Month), r.Started, r.Completed, r.Median, r.P90, r.Transferred, r.Final))];
    }

    /// <summary>Items that needed a person, by the leaver's main department and reason, most first.</summary>
    public async Task<IReadOnlyList<ReasonRow>> ReasonsByDepartmentAsync(IReadOnlySet<long>? scope, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<ReasonRow>(new CommandDefinition(
            $"""
            SELECT COALESCE(m.main_department, m.departments[1]) AS department_id, min(d.name) AS department_name, i.state, i.errcode, count(*) AS count
            FROM succession_items i JOIN successions s ON s.id = i.succession_id
            LEFT JOIN members m ON m.userid = s.handover_userid
            LEFT JOIN departments d ON d.id = COALESCE(m.main_department, m.departments[1])
            WHERE i.state = ANY(@attention) AND {Scoped}
            GROUP BY 1, i.state, i.errcode
            ORDER BY count(*) DESC
            LIMIT 200
            """, new { scope = scope?.ToArray(), attention = AttentionQueries.States }, cancellationToken: ct))];
    }

    /// <summary>Successors by what they received (customers and groups transferred to them), with what is in flight to them.</summary>
    public async Task<IReadOnlyList<SuccessorLoadRow>> SuccessorLoadsAsync(IReadOnlySet<long>? scope, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SuccessorLoadRow>(new CommandDefinition(
            $"""
            SELECT i.takeover_userid AS takeover, min(t.name) AS name,
                   count(*) FILTER (WHERE i.state = 'transferred') AS transferred,
                   count(*) FILTER (WHERE i.state IN ('planned', 'queued', 'submitting', 'waiting')) AS in_flight,
                   min(t.customer_count) AS customer_count
            FROM succession_items i JOIN successions s ON s.id = i.succession_id
            LEFT JOIN members m ON m.userid = s.handover_userid
            LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.takeover_userid IS NOT NULL AND {Scoped}
            GROUP BY i.takeover_userid
            ORDER BY 3 DESC, 4 DESC, 1
            LIMIT @limit
            """, new { scope = scope?.ToArray(), limit }, cancellationToken: ct))];
    }
}
