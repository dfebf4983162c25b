using Dapper;
using Npgsql;

namespace WeComSuccession.Audit;

/// <summary>
/// One departure's history as people read it: every change of the succession itself, and what people (not the
/// system's own transitions, which number several per item) did to its items. Newest first.
/// </summary>
internal sealed class AuditTrail(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<AuditRow>> OfSuccessionAsync(long successionId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<AuditRow>(new CommandDefinition(
            """
            SELECT id, at, actor, action, entity_type, entity_id, before::text AS before, after::text AS after, prev_hash, hash FROM (
                SELECT * FROM audit_log WHERE entity_type = @succession AND entity_id = @id::text
                UNION ALL
                SELECT * FROM audit_log
                WHERE entity_type = @item AND actor <> 'system' AND ((after ->> 'succession_id')::bigint) = @id
            ) trail
            ORDER BY id DESC
            LIMIT @limit
            """, new { id = successionId, succession = AuditEntity.Succession, item = AuditEntity.Item, limit }, cancellationToken: ct))];
    }
}
