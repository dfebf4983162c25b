using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WeComSuccession.Audit;

namespace WeComSuccession.Successions;

internal sealed record Succession
{
    public long Id { get; init; }

    public string HandoverUserid { get; init; } = "";

    public string Api { get; init; } = "";

    public string State { get; init; } = "";

    public string Trigger { get; init; } = "";

    public string? Reason { get; init; }

    public string[] Approvers { get; init; } = [];

    public DateTime CreatedAt { get; init; }

    public DateTime? NextRunAt { get; init; }
}

/// <summary>One customer or group of a succession. Times are UTC. (Init properties rather than a positional
/// record: Dapper matches constructors by exact type, and PostgreSQL arrays arrive typed as <see cref="Array"/>.)</summary>
internal sealed record Item
{
    public long Id { get; init; }

    public long SuccessionId { get; init; }

    public string Kind { get; init; } = "";

    public string TargetId { get; init; } = "";

    public string? TakeoverUserid { get; init; }

    public string? Rule { get; init; }

    public string State { get; init; } = "";

    public string? Reason { get; init; }

    public int? Errcode { get; init; }

    public short Reroutes { get; init; }

    public short Attempts { get; init; }

    public string[] TriedTakeovers { get; init; } = [];

    public long? BatchId { get; init; }

    public DateTime? NotBefore { get; init; }

    public DateTime? TakeoverTime { get; init; }

    public DateTime? NextCheckAt { get; init; }

    public bool IsFinal => ItemState.Final.Contains(State);
}

/// <summary>
/// Successions and their items. Every change of state is a guarded UPDATE (<c>WHERE state = expected</c>) whose
/// row count is checked, so two nodes, a retried job or a person clicking twice cannot move an item twice; and
/// every change that happened is appended to the audit log in the same transaction, by the system.
/// </summary>
internal sealed class SuccessionStore(NpgsqlDataSource db, AuditLog audit, ServiceClock clock)
{
    private const string SuccessionColumns = "id, handover_userid, api, state, trigger, reason, approvers, created_at, next_run_at";
    private const string ItemColumns = "id, succession_id, kind, target_id, takeover_userid, rule, state, reason, errcode, reroutes, attempts, tried_takeovers, batch_id, not_before, takeover_time, next_check_at";

    public NpgsqlDataSource DataSource => db;

    /// <summary>Opens a succession for a member, or finds the one already open (one open per member).</summary>
    /// <returns>The succession, and whether this call created it.</returns>
    public async Task<(Succession Succession, bool Created)> OpenAsync(string handover, string api, string trigger, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var created = await connection.QuerySingleOrDefaultAsync<Succession>(new CommandDefinition(
            $"""
            INSERT INTO successions (handover_userid, api, state, trigger, created_at, updated_at, next_run_at)
            VALUES (@handover, @api, @Planning, @trigger, @now, @now, @now)
            ON CONFLICT (handover_userid) WHERE state NOT IN ('completed', 'rejected', 'ignored') DO NOTHING
            RETURNING {SuccessionColumns}
            """,
            new { handover, api, trigger, now, SuccessionState.Planning }, transaction, cancellationToken: ct));
        if (created is not null)
        {
            await audit.AppendAsync(connection, transaction, [new AuditEntry(AuditActor.System, "succession.open", AuditEntity.Succession, Id(created.Id), null,
                new JsonObject { ["handover_userid"] = handover, ["api"] = api, ["state"] = created.State, ["trigger"] = trigger })], ct);
            await transaction.CommitAsync(ct);
            return (created, true);
        }

        var open = await connection.QuerySingleAsync<Succession>(new CommandDefinition(
            $"SELECT {SuccessionColumns} FROM successions WHERE handover_userid = @handover AND state = ANY(@Open)",
            new { handover, SuccessionState.Open }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return (open, false);
    }

    public async Task<Succession?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Succession>(new CommandDefinition(
            $"SELECT {SuccessionColumns} FROM successions WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Members whose departure is known: a resigned succession, open or closed, or any open one. A closed
    /// on-job succession (the member was disabled) does not count: what it left behind needs one after the deletion.</summary>
    public async Task<HashSet<string>> KnownHandoversAsync(IEnumerable<string> handovers, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT handover_userid FROM successions WHERE handover_userid = ANY(@ids) AND (api = @Resigned OR state = ANY(@Open))",
            new { ids = handovers.ToArray(), TransferApi.Resigned, SuccessionState.Open }, cancellationToken: ct))];
    }

    /// <summary>Moves a succession from one of <paramref name="expected"/> to <paramref name="to"/>.</summary>
    /// <returns>False when it was not in an expected state (someone else moved it first).</returns>
    public async Task<bool> TransitionAsync(long id, string[] expected, string to, string? reason, CancellationToken ct, string[]? approvers = null, string? api = null)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var before = await connection.QuerySingleOrDefaultAsync<(string State, string Api, string? Reason)>(new CommandDefinition(
            """
            UPDATE successions s SET state = @to, reason = @reason, updated_at = @now,
                approvers = COALESCE(@approvers, s.approvers), api = COALESCE(@api, s.api),
                completed_at = CASE WHEN @to IN ('completed', 'rejected', 'ignored') THEN @now END
            FROM (SELECT state, api, reason FROM successions WHERE id = @id FOR UPDATE) old
            WHERE s.id = @id AND s.state = ANY(@expected)
            RETURNING old.state, old.api, old.reason
            """,
            new { id, expected, to, reason, now, approvers, api }, transaction, cancellationToken: ct));
        if (before.State is null)
        {
            return false;
        }

        await audit.AppendAsync(connection, transaction, [new AuditEntry(AuditActor.System, "succession." + to, AuditEntity.Succession, Id(id),
            new JsonObject { ["state"] = before.State, ["api"] = before.Api, ["reason"] = before.Reason },
            new JsonObject { ["state"] = to, ["api"] = api ?? before.Api, ["reason"] = reason })], ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>When the succession next has due work (NULL: nothing until something happens).</summary>
    public async Task SetNextRunAsync(long id, DateTimeOffset? at, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE successions SET next_run_at = @at WHERE id = @id", new { id, at }, cancellationToken: ct));
    }

    /// <summary>Successions whose due time has come (for the sweeper that enqueues their step jobs).</summary>
    public async Task<IReadOnlyList<long>> DueAsync(int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM successions WHERE next_run_at <= @now ORDER BY next_run_at LIMIT @limit",
            new { now = clock.GetUtcNow(), limit }, cancellationToken: ct))];
    }

    /// <summary>Adds items for the listed targets; ones already present are left as they are.</summary>
    public async Task<int> AddItemsAsync(long successionId, string kind, IReadOnlyCollection<string> targets, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var added = (await connection.QueryAsync<(long Id, string TargetId)>(new CommandDefinition(
            """
            INSERT INTO succession_items (succession_id, kind, target_id, state, updated_at)
            SELECT @successionId, @kind, t, @Planned, @now FROM unnest(@targets) AS t
            ON CONFLICT (succession_id, kind, target_id) DO NOTHING
            RETURNING id, target_id
            """,
            new { successionId, kind, targets = targets.ToArray(), ItemState.Planned, now = clock.GetUtcNow() }, transaction, cancellationToken: ct))).ToList();
        await audit.AppendAsync(connection, transaction, [.. added.Select(a => new AuditEntry(AuditActor.System, "item.planned", AuditEntity.Item, Id(a.Id), null,
            new JsonObject { ["succession_id"] = successionId, ["kind"] = kind, ["target_id"] = a.TargetId, ["state"] = ItemState.Planned }))], ct);
        await transaction.CommitAsync(ct);
        return added.Count;
    }

    public async Task<IReadOnlyList<Item>> ItemsAsync(long successionId, string[] states, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Item>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM succession_items WHERE succession_id = @successionId AND state = ANY(@states) ORDER BY id",
            new { successionId, states }, cancellationToken: ct))];
    }

    public async Task<IReadOnlyList<Item>> ItemsByIdAsync(IEnumerable<long> ids, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Item>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM succession_items WHERE id = ANY(@ids) ORDER BY id", new { ids = ids.ToArray() }, cancellationToken: ct))];
    }

    /// <summary>Waiting customers taken over by <paramref name="takeover"/> (to match a transfer_fail callback).</summary>
    public async Task<IReadOnlyList<Item>> WaitingForAsync(string takeover, string externalUserId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Item>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM succession_items WHERE state = 'waiting' AND takeover_userid = @takeover AND target_id = @externalUserId",
            new { takeover, externalUserId }, cancellationToken: ct))];
    }

    /// <summary>Counts of items per state (for completion and progress).</summary>
    public async Task<Dictionary<string, int>> CountsAsync(long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string State, int Count)>(new CommandDefinition(
            "SELECT state, count(*)::int FROM succession_items WHERE succession_id = @successionId GROUP BY state",
            new { successionId }, cancellationToken: ct))).ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>
    /// Writes each item's new state and fields, but only where the item is still as it was read (the Before
    /// item's state and successor: a person may re-assign a queued item while a job is about to send it).
    /// Returns the items actually changed.
    /// </summary>
    public async Task<IReadOnlyList<Item>> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(Item Before, Item After)> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow();
        var changed = await connection.QueryAsync<long>(new CommandDefinition(
            """
            UPDATE succession_items AS i SET
                state = v.state, takeover_userid = v.takeover, rule = v.rule, reason = v.reason, errcode = v.errcode,
                reroutes = v.reroutes, attempts = v.attempts, tried_takeovers = string_to_array(v.tried, ','),
                batch_id = v.batch_id, not_before = v.not_before, takeover_time = v.takeover_time,
                next_check_at = v.next_check_at, updated_at = @now
            FROM unnest(@ids, @expected, @expectedTakeovers, @states, @takeovers, @rules, @reasons, @errcodes, @reroutes, @attempts, @tried,
                        @batchIds, @notBefore, @takeoverTimes, @nextChecks)
                AS v(id, expected, expected_takeover, state, takeover, rule, reason, errcode, reroutes, attempts, tried, batch_id, not_before, takeover_time, next_check_at)
            WHERE i.id = v.id AND i.state = v.expected AND i.takeover_userid IS NOT DISTINCT FROM v.expected_takeover
            RETURNING i.id
            """,
            new
            {
                now,
                ids = changes.Select(c => c.Before.Id).ToArray(),
                expected = changes.Select(c => c.Before.State).ToArray(),
                expectedTakeovers = changes.Select(c => c.Before.TakeoverUserid).ToArray(),
                states = changes.Select(c => c.After.State).ToArray(),
                takeovers = changes.Select(c => c.After.TakeoverUserid).ToArray(),
                rules = changes.Select(c => c.After.Rule).ToArray(),
                reasons = changes.Select(c => c.After.Reason).ToArray(),
                errcodes = changes.Select(c => c.After.Errcode).ToArray(),
                reroutes = changes.Select(c => c.After.Reroutes).ToArray(),
                attempts = changes.Select(c => c.After.Attempts).ToArray(),
                tried = changes.Select(c => string.Join(',', c.After.TriedTakeovers)).ToArray(),
                batchIds = changes.Select(c => c.After.BatchId).ToArray(),
                notBefore = changes.Select(c => c.After.NotBefore).ToArray(),
                takeoverTimes = changes.Select(c => c.After.TakeoverTime).ToArray(),
                nextChecks = changes.Select(c => c.After.NextCheckAt).ToArray(),
            },
            transaction,
            cancellationToken: ct));
        var ids = changed.ToHashSet();
        var done = changes.Where(c => ids.Contains(c.Before.Id)).ToList();
        await audit.AppendAsync(connection, transaction, [.. done.Select(c => new AuditEntry(AuditActor.System, "item." + c.After.State, AuditEntity.Item, Id(c.Before.Id), Audited(c.Before), Audited(c.After)))], ct);

        return [.. done.Select(c => c.After)];
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The fields of an item a person would ask about when reading its history.</summary>
    private static JsonObject Audited(Item i) => new()
    {
        ["state"] = i.State,
        ["takeover_userid"] = i.TakeoverUserid,
        ["rule"] = i.Rule,
        ["reason"] = i.Reason,
        ["errcode"] = i.Errcode,
        ["reroutes"] = i.Reroutes,
        ["batch_id"] = i.BatchId,
    };

    /// <summary>The guarded update, in its own transaction.</summary>
    public async Task<IReadOnlyList<Item>> UpdateAsync(IReadOnlyList<(Item Before, Item After)> changes, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await UpdateAsync(connection, transaction, changes, ct);
        await transaction.CommitAsync(ct);
        return changed;
    }
}
