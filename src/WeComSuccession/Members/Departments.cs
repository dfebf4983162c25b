using Dapper;
using Npgsql;

namespace WeComSuccession.Members;

internal sealed record Department(long Id, long ParentId, string? Name, long SortOrder);

/// <summary>
/// The department tree (<c>departments</c>, owned here), snapshotted from WeCom with the members: who is in a
/// scoped admin's departments is decided on it, also for members who have left.
/// </summary>
internal sealed class Departments(NpgsqlDataSource db, ServiceClock clock)
{
    public async Task<IReadOnlyList<Department>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Department>(new CommandDefinition(
            "SELECT id, parent_id, name, sort_order FROM departments ORDER BY parent_id, sort_order, id", cancellationToken: ct))];
    }

    /// <summary>The departments with these ids and every department below them.</summary>
    public async Task<HashSet<long>> SubtreesAsync(IReadOnlyCollection<long> roots, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var below = await connection.QueryAsync<long>(new CommandDefinition(
            """
            WITH RECURSIVE tree(id) AS (
                SELECT unnest(@roots::bigint[])
                UNION
                SELECT d.id FROM departments d JOIN tree t ON d.parent_id = t.id
            )
            SELECT id FROM tree
            """, new { roots = roots.ToArray() }, cancellationToken: ct));
        return [.. below];
    }

    /// <summary>Replaces what is known of the tree with what WeCom lists now (names kept when WeCom gives none).</summary>
    public async Task SaveAsync(IReadOnlyCollection<Department> departments, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO departments (id, parent_id, name, sort_order, updated_at)
            SELECT * FROM unnest(@ids, @parents, @names, @orders, array_fill(@now::timestamptz, ARRAY[cardinality(@ids)]))
            ON CONFLICT (id) DO UPDATE SET parent_id = EXCLUDED.parent_id, name = COALESCE(EXCLUDED.name, departments.name),
                sort_order = EXCLUDED.sort_order, updated_at = EXCLUDED.updated_at
            """,
            new
            {
                ids = departments.Select(d => d.Id).ToArray(),
                parents = departments.Select(d => d.ParentId).ToArray(),
                names = departments.Select(d => d.Name).ToArray(),
                orders = departments.Select(d => d.SortOrder).ToArray(),
                now = clock.GetUtcNow(),
            },
            cancellationToken: ct));
    }
}
