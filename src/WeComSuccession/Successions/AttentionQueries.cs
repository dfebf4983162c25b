using Dapper;
using Npgsql;

namespace WeComSuccession.Successions;

/// <summary>An item that needs a person, with the departure it belongs to.</summary>
internal sealed record AttentionRow(
    long Id, long SuccessionId, string HandoverUserid, string? HandoverName, string Kind, string TargetId, string? TakeoverUserid, string? TakeoverName,
    string State, string? Reason, int? Errcode, short Attempts, DateTime UpdatedAt);

/// <summary>
/// Every item across departures that waits for a person — failed, refused, or handed to manual handling (which
/// includes successors at capacity once re-routing ran out) — oldest first, as the failures page lists them.
/// </summary>
internal sealed class AttentionQueries(NpgsqlDataSource db)
{
    public static readonly string[] States = [ItemState.Failed, ItemState.Refused, ItemState.Manual];

    private const string From =
        """
        FROM succession_items i
        JOIN successions s ON s.id = i.succession_id
        LEFT JOIN members m ON m.userid = s.handover_userid
        LEFT JOIN members t ON t.userid = i.takeover_userid
        WHERE i.state = ANY(@states) AND i.handled_at IS NULL AND (@errcode::int IS NULL OR i.errcode = @errcode)
          AND (@kind::text IS NULL OR i.kind = @kind)
          AND (@scope::bigint[] IS NULL OR m.departments && @scope)
        """;

    public async Task<(long Total, IReadOnlyList<AttentionRow> Rows)> ListAsync(
        IReadOnlySet<long>? scope, string? state, int? errcode, string? kind, int page, int pageSize, CancellationToken ct)
    {
        var args = new DynamicParameters(new
        {
            states = state is null ? States : [state], errcode, kind, scope = scope?.ToArray(), pageSize, offset = (long)(page - 1) * pageSize,
        });
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) {From}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<AttentionRow>(new CommandDefinition(
            $"""
            SELECT i.id, i.succession_id, s.handover_userid, m.name AS handover_name, i.kind, i.target_id, i.takeover_userid, t.name AS takeover_name,
                   i.state, i.reason, i.errcode, i.attempts, i.updated_at
            {From}
            ORDER BY i.updated_at, i.id
            LIMIT @pageSize OFFSET @offset
            """, args, cancellationToken: ct));
        return (total, [.. rows]);
    }

    /// <summary>The ids of every item that matches, oldest first, up to <paramref name="limit"/> (a bulk action on "all that match").</summary>
    public async Task<long[]> IdsAsync(IReadOnlySet<long>? scope, string? state, int? errcode, string? kind, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            $"SELECT i.id {From} ORDER BY i.updated_at, i.id LIMIT @limit",
            new { states = state is null ? States : [state], errcode, kind, scope = scope?.ToArray(), limit }, cancellationToken: ct))];
    }

    /// <summary>How many items wait for a person, by errcode (null: no errcode, e.g. refused or no successor).</summary>
    public async Task<IReadOnlyList<(string State, int? Errcode, long Count)>> CountByReasonAsync(IReadOnlySet<long>? scope, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<(string, int?, long)>(new CommandDefinition(
            """
            SELECT i.state, i.errcode, count(*)
            FROM succession_items i JOIN successions s ON s.id = i.succession_id LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE i.state = ANY(@States) AND i.handled_at IS NULL AND (@scope::bigint[] IS NULL OR m.departments && @scope)
            GROUP BY i.state, i.errcode ORDER BY 3 DESC
            """, new { States, scope = scope?.ToArray() }, cancellationToken: ct))];
    }
}
