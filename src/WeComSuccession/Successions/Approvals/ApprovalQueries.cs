using Dapper;
using Npgsql;

namespace WeComSuccession.Successions.Approvals;

/// <summary>A plan waiting for one member's decision, as the workbench lists it. (Init properties: Dapper matches
/// constructors by exact type, and PostgreSQL arrays arrive typed as <see cref="Array"/>.)</summary>
internal sealed record PendingPlan
{
    public long Id { get; init; }

    public string HandoverUserid { get; init; } = "";

    public string? HandoverName { get; init; }

    public string? Department { get; init; }

    public DateTime? RequestedAt { get; init; }

    public long Customers { get; init; }

    public long Groups { get; init; }

    /// <summary>The successors' names (userids where the directory has no name).</summary>
    public string[] Successors { get; init; } = [];

    public string? Rule { get; init; }

    public short ApprovalsNeeded { get; init; }

    /// <summary>Approvals counted so far in the current round.</summary>
    public long Approvals { get; init; }
}

/// <summary>One of a member's past decisions and where its plan stands now.</summary>
internal sealed record DecidedPlan(
    long Id, string HandoverUserid, string? HandoverName, string? Department, string Decision, DateTime DecidedAt, string State, string? Outcome, long Items, long Transferred);

/// <summary>A plan as an approver reads it: the succession, who left and from where.</summary>
internal sealed record PlanHeader(Succession Succession, string? HandoverName, string? Department, short HandoverStatus, DateTime? DepartedAt);

/// <summary>The items of a plan given to one successor (or to nobody: manual), with the successor's load.</summary>
internal sealed record SuccessorGroup(string? Takeover, string? TakeoverName, int? Load, long Customers, long Groups, long KeyCustomers);

/// <summary>One customer or group of a plan, with what planning read of it (init properties, as <see cref="PendingPlan"/>).</summary>
internal sealed record PlanItem
{
    public long Id { get; init; }

    public string Kind { get; init; } = "";

    public string TargetId { get; init; } = "";

    public string? Name { get; init; }

    public string[]? Tags { get; init; }

    public int? GroupSize { get; init; }

    public string? TakeoverUserid { get; init; }

    public string? TakeoverName { get; init; }

    public string State { get; init; } = "";

    public string? Reason { get; init; }
}

/// <summary>
/// What the approvers' doors read about plans (the workbench's lists and plan page); read-only, beside the store that
/// owns the tables. Userids match without regard to case, as WeCom matches them.
/// </summary>
internal sealed class ApprovalQueries(NpgsqlDataSource db)
{
    private const string Counts =
        """
        (SELECT count(*) FROM succession_items i WHERE i.succession_id = s.id AND i.kind = 'customer') AS customers,
        (SELECT count(*) FROM succession_items i WHERE i.succession_id = s.id AND i.kind = 'group') AS groups
        """;

    /// <summary>Plans awaiting <paramref name="userid"/>'s decision (listed as approver, not yet decided in this round), newest first.</summary>
    public async Task<IReadOnlyList<PendingPlan>> PendingAsync(string userid, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<PendingPlan>(new CommandDefinition(
            $"""
            SELECT s.id, s.handover_userid, m.name AS handover_name, d.name AS department, s.approval_requested_at AS requested_at, {Counts},
                   ARRAY(SELECT DISTINCT COALESCE(t.name, i.takeover_userid) FROM succession_items i LEFT JOIN members t ON t.userid = i.takeover_userid
                         WHERE i.succession_id = s.id AND i.takeover_userid IS NOT NULL ORDER BY 1) AS successors,
                   s.approval_rule AS rule, s.approvals_needed,
                   (SELECT count(*) FROM approval_decisions a WHERE a.succession_id = s.id AND a.round = s.approval_round AND a.decision <> 'reject') AS approvals
            FROM successions s
            LEFT JOIN members m ON lower(m.userid) = lower(s.handover_userid)
            LEFT JOIN departments d ON d.id = m.main_department
            WHERE s.state = 'awaiting_approval'
              AND EXISTS (SELECT 1 FROM unnest(s.approvers) AS a(userid) WHERE lower(a.userid) = lower(@userid))
              AND NOT EXISTS (SELECT 1 FROM approval_decisions a WHERE a.succession_id = s.id AND a.round = s.approval_round AND lower(a.approver) = lower(@userid))
            ORDER BY s.approval_requested_at DESC NULLS LAST, s.id DESC
            LIMIT @limit
            """, new { userid, limit }, cancellationToken: ct))];
    }

    /// <summary><paramref name="userid"/>'s decisions, newest first, each with where its plan stands now.</summary>
    public async Task<IReadOnlyList<DecidedPlan>> DecidedAsync(string userid, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<DecidedPlan>(new CommandDefinition(
            """
            SELECT s.id, s.handover_userid, m.name AS handover_name, d.name AS department, a.decision, a.decided_at, s.state, s.approval_outcome AS outcome,
                   (SELECT count(*) FROM succession_items i WHERE i.succession_id = s.id) AS items,
                   (SELECT count(*) FROM succession_items i WHERE i.succession_id = s.id AND i.state = 'transferred') AS transferred
            FROM approval_decisions a
            JOIN successions s ON s.id = a.succession_id
            LEFT JOIN members m ON lower(m.userid) = lower(s.handover_userid)
            LEFT JOIN departments d ON d.id = m.main_department
            WHERE lower(a.approver) = lower(@userid)
            ORDER BY a.decided_at DESC, a.id DESC
            LIMIT @limit
            """, new { userid, limit }, cancellationToken: ct))];
    }

    public async Task<PlanHeader?> HeaderAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Succession, HandoverRow, PlanHeader>(new CommandDefinition(
            $"""
            SELECT {Prefixed(SuccessionStore.SuccessionColumns)}, m.name, d.name AS department, m.status, m.departed_at
            FROM successions s
            LEFT JOIN members m ON lower(m.userid) = lower(s.handover_userid)
            LEFT JOIN departments d ON d.id = m.main_department
            WHERE s.id = @id
            """, new { id }, cancellationToken: ct),
            (s, m) => new PlanHeader(s, m.Name, m.Department, m.Status ?? 0, m.DepartedAt), splitOn: "name")).SingleOrDefault();
    }

    /// <summary>The plan's successors (and "nobody" for items without one), largest share first, each with their load now.</summary>
    public async Task<IReadOnlyList<SuccessorGroup>> GroupsAsync(long id, IReadOnlyCollection<string> keyTags, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SuccessorGroup>(new CommandDefinition(
            """
            SELECT i.takeover_userid AS takeover, min(t.name) AS takeover_name, min(t.customer_count) AS load,
                   count(*) FILTER (WHERE i.kind = 'customer') AS customers, count(*) FILTER (WHERE i.kind = 'group') AS groups,
                   count(*) FILTER (WHERE i.kind = 'customer' AND i.tags && @keyTags) AS key_customers
            FROM succession_items i LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.succession_id = @id
            GROUP BY i.takeover_userid
            ORDER BY i.takeover_userid IS NULL, count(*) DESC, 1
            """, new { id, keyTags = keyTags.ToArray() }, cancellationToken: ct))];
    }

    /// <summary>Items given to <paramref name="takeover"/> (null: to nobody), key customers first, then customers, then groups.</summary>
    public async Task<IReadOnlyList<PlanItem>> ItemsAsync(long id, string? takeover, IReadOnlyCollection<string> keyTags, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<PlanItem>(new CommandDefinition(
            """
            SELECT i.id, i.kind, i.target_id, i.name, i.tags, i.group_size, i.takeover_userid, t.name AS takeover_name, i.state, i.reason
            FROM succession_items i LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.succession_id = @id AND i.takeover_userid IS NOT DISTINCT FROM @takeover
            ORDER BY i.kind = 'customer' AND COALESCE(i.tags && @keyTags, false) DESC, i.kind, i.name NULLS LAST, i.id
            LIMIT @limit
            """, new { id, takeover, keyTags = keyTags.ToArray(), limit }, cancellationToken: ct))];
    }

    /// <summary>The items with these ids, in the order they are given (for the successor picker's summary).</summary>
    public async Task<IReadOnlyList<PlanItem>> ItemsByIdAsync(long id, long[] itemIds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<PlanItem>(new CommandDefinition(
            """
            SELECT i.id, i.kind, i.target_id, i.name, i.tags, i.group_size, i.takeover_userid, t.name AS takeover_name, i.state, i.reason
            FROM succession_items i LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.succession_id = @id AND i.id = ANY(@itemIds)
            """, new { id, itemIds }, cancellationToken: ct))).ToDictionary(r => r.Id);
        return [.. itemIds.Distinct().Where(rows.ContainsKey).Select(i => rows[i])];
    }

    private sealed class HandoverRow
    {
        public string? Name { get; init; }

        public string? Department { get; init; }

        public short? Status { get; init; }

        public DateTime? DepartedAt { get; init; }
    }

    private static string Prefixed(string columns) => string.Join(", ", columns.Split(',', StringSplitOptions.TrimEntries).Select(c => "s." + c));
}
