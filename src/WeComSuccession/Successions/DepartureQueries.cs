using Dapper;
using Npgsql;

namespace WeComSuccession.Successions;

/// <summary>A departure as people read it: the succession, and its member's name as the directory last had it.</summary>
internal sealed record DepartureRow(Succession Succession, string? HandoverName);

internal sealed record ItemCountRow(long SuccessionId, string Kind, string State, long Count);

internal sealed record ItemRow(
    long Id, string Kind, string TargetId, string? TakeoverUserid, string? Rule, string State, string? Reason, int? Errcode,
    short Attempts, short Reroutes, DateTime? NotBefore, DateTime? TakeoverTime, DateTime UpdatedAt);

/// <summary>Departures and their items as the doors show them; read-only, beside the store that owns the tables.</summary>
internal sealed class DepartureQueries(NpgsqlDataSource db)
{
    /// <summary>Items that need a person: failed and manual, listed first.</summary>
    public static readonly string[] NeedsPerson = [ItemState.Failed, ItemState.Manual];

    /// <summary>The succession's columns, then the member's name (Dapper splits the row at <c>handover_name</c>).</summary>
    private const string DepartureColumns =
        "s.id, s.handover_userid, s.api, s.state, s.trigger, s.reason, s.approvers, s.decided_by, s.decided_at, s.created_at, s.updated_at, s.completed_at, s.next_run_at, m.name AS handover_name";

    public async Task<(long Total, IReadOnlyList<DepartureRow> Rows)> ListAsync(string? state, int page, int pageSize, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM successions WHERE @state::text IS NULL OR state = @state", new { state }, cancellationToken: ct));
        var rows = await connection.QueryAsync<Succession, string?, DepartureRow>(new CommandDefinition(
            $"""
            SELECT {DepartureColumns}
            FROM successions s
            LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE @state::text IS NULL OR s.state = @state
            ORDER BY s.created_at DESC, s.id DESC
            LIMIT @pageSize OFFSET @offset
            """, new { state, pageSize, offset = (long)(page - 1) * pageSize }, cancellationToken: ct), Row, splitOn: "handover_name");
        return (total, [.. rows]);
    }

    public async Task<DepartureRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Succession, string?, DepartureRow>(new CommandDefinition(
            $"""
            SELECT {DepartureColumns}
            FROM successions s
            LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE s.id = @id
            """, new { id }, cancellationToken: ct), Row, splitOn: "handover_name")).SingleOrDefault();
    }

    private static DepartureRow Row(Succession succession, string? name) => new(succession, name);

    public async Task<IReadOnlyList<ItemCountRow>> CountItemsAsync(long[] successionIds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<ItemCountRow>(new CommandDefinition(
            """
            SELECT succession_id, kind, state, count(*) AS count
            FROM succession_items
            WHERE succession_id = ANY(@successionIds)
            GROUP BY succession_id, kind, state
            """, new { successionIds }, cancellationToken: ct))];
    }

    /// <summary>Items that need a person first (failed, manual), then those waiting at WeCom, then the rest.</summary>
    public async Task<(long Total, IReadOnlyList<ItemRow> Rows)> ListItemsAsync(
        long successionId, string? state, string? kind, string? reason, int page, int pageSize, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        const string Filter =
            """
            WHERE succession_id = @successionId
              AND (@state::text IS NULL OR state = @state)
              AND (@kind::text IS NULL OR kind = @kind)
              AND (@reason::text IS NULL OR reason = @reason)
            """;
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM succession_items {Filter}", new { successionId, state, kind, reason }, cancellationToken: ct));
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(
            $"""
            SELECT id, kind, target_id, takeover_userid, rule, state, reason, errcode, attempts, reroutes, not_before, takeover_time, updated_at
            FROM succession_items
            {Filter}
            ORDER BY CASE WHEN state = ANY(@first) THEN 0 WHEN state = @waiting THEN 1 ELSE 2 END, id
            LIMIT @pageSize OFFSET @offset
            """,
            new { successionId, state, kind, reason, first = NeedsPerson, waiting = ItemState.Waiting, pageSize, offset = (long)(page - 1) * pageSize },
            cancellationToken: ct));
        return (total, [.. rows]);
    }
}
