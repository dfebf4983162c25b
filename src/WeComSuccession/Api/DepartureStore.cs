using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Successions;

namespace WeComSuccession.Api;

/// <summary>Settable properties, not a positional record: Npgsql reports text[] columns as <see cref="Array"/>,
/// which Dapper's constructor matching rejects for a <c>string[]</c> parameter.</summary>
internal sealed record SuccessionRow
{
    public long Id { get; init; }

    public required string HandoverUserid { get; init; }

    public string? HandoverName { get; init; }

    public required string Api { get; init; }

    public required string State { get; init; }

    public required string Trigger { get; init; }

    public string? Reason { get; init; }

    public string[] Approvers { get; init; } = [];

    public string? DecidedBy { get; init; }

    public DateTime? DecidedAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? CompletedAt { get; init; }
}

internal sealed record ItemCountRow(long SuccessionId, string Kind, string State, long Count);

internal sealed record ItemRow(
    long Id, string Kind, string TargetId, string? TakeoverUserid, string? Rule, string State, string? Reason, int? Errcode,
    short Attempts, short Reroutes, DateTime? NotBefore, DateTime? TakeoverTime, DateTime UpdatedAt);

/// <summary>An item as a command reads it (locked) before changing it; the fields it may change.</summary>
internal sealed record LockedItem(long Id, string State, string? TakeoverUserid, string? Rule, string? Reason, int? Errcode, DateTime? NotBefore);

internal sealed record LockedSuccession(long Id, string HandoverUserid, string Api, string State, string? Reason, string? DecidedBy, DateTime? DecidedAt, DateTime? CompletedAt);

/// <summary>What a command did to the items asked for: changed, or left alone and why.</summary>
internal sealed record ItemChangeReport(long SuccessionId, string SuccessionState, IReadOnlyList<long> Changed, IReadOnlyList<SkippedItem> Skipped);

/// <summary>An item a command left alone; <see cref="State"/> is null when the departure has no such item.</summary>
internal sealed record SkippedItem(long Id, string? State, string Reason);

internal sealed record DecisionReport(long Id, string State, string Api, string DecidedBy, DateTime DecidedAt, IReadOnlyList<long> Items);

/// <summary>
/// Reads and person-made changes of successions and their items. Every change runs in one transaction that
/// locks the succession row first (so approvals, retries and re-assignments of one departure take turns),
/// makes guarded transitions whose row counts are checked, and appends one audit entry per changed row.
/// </summary>
internal sealed class DepartureStore(NpgsqlDataSource db, AuditLog audit, ServiceClock clock)
{
    /// <summary>Succession states in which a person may retry or re-assign items.</summary>
    private static readonly string[] ItemsChangeable = [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion, SuccessionState.Transferring, SuccessionState.Completed];

    private static readonly string[] Retryable = [ItemState.Failed, ItemState.Manual];

    private const string PlanRejected = "plan rejected";

    public async Task<(long Total, IReadOnlyList<SuccessionRow> Rows)> ListAsync(string? state, int page, int pageSize, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM successions WHERE @state::text IS NULL OR state = @state", new { state }, cancellationToken: ct));
        var rows = await connection.QueryAsync<SuccessionRow>(new CommandDefinition(
            """
            SELECT s.id, s.handover_userid, m.name AS handover_name, s.api, s.state, s.trigger, s.reason, s.approvers,
                   s.decided_by, s.decided_at, s.created_at, s.updated_at, s.completed_at
            FROM successions s
            LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE @state::text IS NULL OR s.state = @state
            ORDER BY s.created_at DESC, s.id DESC
            LIMIT @pageSize OFFSET @offset
            """, new { state, pageSize, offset = (long)(page - 1) * pageSize }, cancellationToken: ct));
        return (total, [.. rows]);
    }

    public async Task<SuccessionRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SuccessionRow>(new CommandDefinition(
            """
            SELECT s.id, s.handover_userid, m.name AS handover_name, s.api, s.state, s.trigger, s.reason, s.approvers,
                   s.decided_by, s.decided_at, s.created_at, s.updated_at, s.completed_at
            FROM successions s
            LEFT JOIN members m ON m.userid = s.handover_userid
            WHERE s.id = @id
            """, new { id }, cancellationToken: ct));
    }

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
        var filter = new { successionId, state, kind, reason };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*) FROM succession_items
            WHERE succession_id = @successionId
              AND (@state::text IS NULL OR state = @state)
              AND (@kind::text IS NULL OR kind = @kind)
              AND (@reason::text IS NULL OR reason = @reason)
            """, filter, cancellationToken: ct));
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(
            """
            SELECT id, kind, target_id, takeover_userid, rule, state, reason, errcode, attempts, reroutes, not_before, takeover_time, updated_at
            FROM succession_items
            WHERE succession_id = @successionId
              AND (@state::text IS NULL OR state = @state)
              AND (@kind::text IS NULL OR kind = @kind)
              AND (@reason::text IS NULL OR reason = @reason)
            ORDER BY CASE WHEN state = ANY(@first) THEN 0 WHEN state = @waiting THEN 1 ELSE 2 END, id
            LIMIT @pageSize OFFSET @offset
            """,
            new { successionId, state, kind, reason, first = Retryable, waiting = ItemState.Waiting, pageSize, offset = (long)(page - 1) * pageSize },
            cancellationToken: ct));
        return (total, [.. rows]);
    }

    /// <summary>
    /// Failed and manual items that have a successor go back to the queue (or to <c>planned</c> while the
    /// departure awaits approval or deletion) with their error cleared; a completed departure reopens.
    /// </summary>
    public Task<StoreResult<ItemChangeReport>> RetryAsync(long successionId, long[] itemIds, string actor, CancellationToken ct) =>
        ChangeItemsAsync(successionId, itemIds, actor, "item.retry", (succession, item) =>
        {
            if (!Retryable.Contains(item.State))
            {
                return (null, $"only failed and manual items are retried; this one is {item.State}");
            }

            if (item.TakeoverUserid is null)
            {
                return (null, "no successor: re-assign it instead");
            }

            return (item with { State = ReleasedState(succession), Reason = null, Errcode = null, NotBefore = null }, null);
        },
        validate: null,
        ct);

    /// <summary>
    /// Gives items that nothing is in flight for a successor chosen by a person (rule <c>manual</c>). The
    /// successor must be an active member with the customer-contact permission, and not the departed member.
    /// </summary>
    public Task<StoreResult<ItemChangeReport>> ReassignAsync(long successionId, long[] itemIds, string takeoverUserId, string actor, CancellationToken ct) =>
        ChangeItemsAsync(successionId, itemIds, actor, "item.reassign", (succession, item) =>
        {
            if (!ItemState.Reassignable.Contains(item.State))
            {
                return (null, $"only {string.Join(", ", ItemState.Reassignable)} items are re-assigned; this one is {item.State}");
            }

            var changed = item with { TakeoverUserid = takeoverUserId, Rule = "manual", State = ReleasedState(succession), Reason = null, Errcode = null, NotBefore = null };
            return changed == item ? (null, $"already assigned to {takeoverUserId}") : (changed, null);
        },
        async (connection, transaction, succession) =>
            takeoverUserId == succession.HandoverUserid
                ? StoreError.Invalid("takeoverUserId", "The successor cannot be the departed member.")
                : await MemberChecks.EligibleSuccessorAsync(connection, transaction, takeoverUserId, "takeoverUserId", ct),
        ct);

    /// <summary>
    /// <c>awaiting_approval</c> → <c>transferring</c>; with <paramref name="transferNow"/> also
    /// <c>awaiting_deletion</c> → <c>transferring</c> on the on-job API. The plan's items are released, and the
    /// departure's reason (why it waited) is cleared.
    /// </summary>
    public async Task<StoreResult<DecisionReport>> ApproveAsync(long successionId, string approver, bool transferNow, string actor, CancellationToken ct)
    {
        string[] expected = transferNow ? [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion] : [SuccessionState.AwaitingApproval];
        return await DecideAsync(successionId, approver, actor, expected, "succession.approve", SuccessionState.Transferring, reason: null, ItemState.Queued, itemReason: null, ct);
    }

    /// <summary>An awaiting plan is rejected: its planned items are handed to manual handling.</summary>
    public Task<StoreResult<DecisionReport>> RejectAsync(long successionId, string approver, string? reason, string actor, CancellationToken ct) =>
        DecideAsync(successionId, approver, actor, [SuccessionState.AwaitingApproval, SuccessionState.AwaitingDeletion], "succession.reject",
            SuccessionState.Rejected, reason ?? PlanRejected, ItemState.Manual, PlanRejected, ct);

    private static string ReleasedState(LockedSuccession succession) =>
        succession.State is SuccessionState.AwaitingApproval or SuccessionState.AwaitingDeletion ? ItemState.Planned : ItemState.Queued;

    private async Task<StoreResult<ItemChangeReport>> ChangeItemsAsync(
        long successionId,
        long[] itemIds,
        string actor,
        string action,
        Func<LockedSuccession, LockedItem, (LockedItem? Changed, string? Skipped)> decide,
        Func<NpgsqlConnection, NpgsqlTransaction, LockedSuccession, Task<StoreError?>>? validate,
        CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var succession = await LockSuccessionAsync(connection, transaction, successionId, ct);
        if (succession is null)
        {
            return StoreError.NotFound($"Departure {successionId} does not exist.");
        }

        if (!ItemsChangeable.Contains(succession.State))
        {
            return StoreError.Conflict($"Departure {successionId} is {succession.State}; items can be changed while it is {string.Join(", ", ItemsChangeable)}.");
        }

        if (validate is not null && await validate(connection, transaction, succession) is { } invalid)
        {
            return invalid;
        }

        var items = (await connection.QueryAsync<LockedItem>(new CommandDefinition(
            """
            SELECT id, state, takeover_userid, rule, reason, errcode, not_before
            FROM succession_items
            WHERE succession_id = @successionId AND id = ANY(@itemIds)
            ORDER BY id
            FOR UPDATE
            """, new { successionId, itemIds }, transaction, cancellationToken: ct))).ToDictionary(i => i.Id);

        var skipped = new List<SkippedItem>();
        var changes = new List<(LockedItem Before, LockedItem After)>();
        foreach (var id in itemIds)
        {
            if (!items.TryGetValue(id, out var item))
            {
                skipped.Add(new SkippedItem(id, null, "not an item of this departure"));
                continue;
            }

            var (changed, why) = decide(succession, item);
            if (changed is null)
            {
                skipped.Add(new SkippedItem(id, item.State, why!));
            }
            else
            {
                changes.Add((item, changed));
            }
        }

        var now = clock.GetUtcNow();
        var entries = new List<AuditEntry>(changes.Count + 1);
        var done = new List<long>(changes.Count);
        foreach (var group in changes.GroupBy(c => (Old: c.Before.State, New: c.After.State, c.After.TakeoverUserid, c.After.Rule)))
        {
            // Every change of one call is one of a few shapes: one guarded UPDATE per shape.
            var ids = group.Select(c => c.Before.Id).ToArray();
            var updated = (await connection.QueryAsync<long>(new CommandDefinition(
                """
                UPDATE succession_items
                SET state = @newState, takeover_userid = @takeover, rule = @rule,
                    reason = NULL, errcode = NULL, not_before = NULL, updated_at = @now
                WHERE succession_id = @successionId AND id = ANY(@ids) AND state = @oldState
                RETURNING id
                """,
                new { successionId, ids, oldState = group.Key.Old, newState = group.Key.New, takeover = group.Key.TakeoverUserid, rule = group.Key.Rule, now },
                transaction, cancellationToken: ct))).ToHashSet();
            foreach (var (before, after) in group)
            {
                if (updated.Contains(before.Id))
                {
                    done.Add(before.Id);
                    entries.Add(new AuditEntry(actor, action, AuditEntity.Item, Id(before.Id), ItemJson(before), ItemJson(after)));
                }
                else
                {
                    // Cannot happen while the rows are locked; reported rather than assumed.
                    skipped.Add(new SkippedItem(before.Id, before.State, "changed by someone else meanwhile"));
                }
            }
        }

        var state = succession.State;
        if (done.Count > 0 && succession.State == SuccessionState.Completed)
        {
            state = SuccessionState.Transferring;
            await TransitionSuccessionAsync(connection, transaction, succession, [SuccessionState.Completed], state, now, ct);
            entries.Add(new AuditEntry(actor, "succession.reopen", AuditEntity.Succession, Id(successionId),
                new JsonObject { ["state"] = succession.State, ["completed_at"] = succession.CompletedAt },
                new JsonObject { ["state"] = state, ["completed_at"] = null }));
        }

        await audit.AppendAsync(connection, transaction, entries, ct);
        await transaction.CommitAsync(ct);
        done.Sort();
        return new ItemChangeReport(successionId, state, done, skipped);
    }

    private async Task<StoreResult<DecisionReport>> DecideAsync(
        long successionId, string approver, string actor, string[] expected, string action, string newState, string? reason, string itemState, string? itemReason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var succession = await LockSuccessionAsync(connection, transaction, successionId, ct);
        if (succession is null)
        {
            return StoreError.NotFound($"Departure {successionId} does not exist.");
        }

        if (!expected.Contains(succession.State))
        {
            return StoreError.Conflict($"Departure {successionId} is {succession.State}, not {string.Join(" or ", expected)}.");
        }

        var now = clock.GetUtcNow();
        var decidedAt = AuditFormat.ToStoredTime(now);
        // "Transfer now" for a member who is disabled but not deleted: only the on-job API can move their customers.
        var api = newState == SuccessionState.Transferring && succession.State == SuccessionState.AwaitingDeletion ? TransferApi.OnJob : succession.Api;
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE successions
            SET state = @newState, api = @api, decided_by = @approver, decided_at = @decidedAt, reason = @reason, updated_at = @now
            WHERE id = @successionId AND state = ANY(@expected)
            """, new { successionId, newState, api, approver, decidedAt, reason, now, expected }, transaction, cancellationToken: ct));
        if (updated != 1)
        {
            return StoreError.Conflict($"Departure {successionId} changed meanwhile; reload it.");
        }

        var entries = new List<AuditEntry>
        {
            new(actor, action, AuditEntity.Succession, Id(successionId),
                new JsonObject { ["state"] = succession.State, ["api"] = succession.Api, ["reason"] = succession.Reason, ["decided_by"] = succession.DecidedBy, ["decided_at"] = succession.DecidedAt },
                new JsonObject { ["state"] = newState, ["api"] = api, ["reason"] = reason, ["decided_by"] = approver, ["decided_at"] = decidedAt }),
        };
        var items = (await connection.QueryAsync<long>(new CommandDefinition(
            """
            UPDATE succession_items
            SET state = @itemState, reason = @itemReason, updated_at = @now
            WHERE succession_id = @successionId AND state = @planned
            RETURNING id
            """, new { successionId, itemState, itemReason, now, planned = ItemState.Planned }, transaction, cancellationToken: ct))).Order().ToList();
        entries.AddRange(items.Select(item => new AuditEntry(actor, action, AuditEntity.Item, Id(item),
            new JsonObject { ["state"] = ItemState.Planned },
            new JsonObject { ["state"] = itemState, ["reason"] = itemReason })));

        await audit.AppendAsync(connection, transaction, entries, ct);
        await transaction.CommitAsync(ct);
        return new DecisionReport(successionId, newState, api, approver, decidedAt, items);
    }

    private static Task<LockedSuccession?> LockSuccessionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<LockedSuccession>(new CommandDefinition(
            "SELECT id, handover_userid, api, state, reason, decided_by, decided_at, completed_at FROM successions WHERE id = @id FOR UPDATE",
            new { id }, transaction, cancellationToken: ct));

    private static async Task TransitionSuccessionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, LockedSuccession succession, string[] expected, string newState, DateTimeOffset now, CancellationToken ct)
    {
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE successions SET state = @newState, completed_at = NULL, updated_at = @now WHERE id = @Id AND state = ANY(@expected)",
            new { succession.Id, newState, now, expected }, transaction, cancellationToken: ct));
        if (updated != 1)
        {
            // The row is locked by this transaction: a miss is a bug, not a race.
            throw new InvalidOperationException($"Succession {succession.Id} was not {string.Join(" or ", expected)}.");
        }
    }

    /// <summary>Audit keys are the column names.</summary>
    private static JsonObject ItemJson(LockedItem item) => new()
    {
        ["state"] = item.State,
        ["takeover_userid"] = item.TakeoverUserid,
        ["rule"] = item.Rule,
        ["reason"] = item.Reason,
        ["errcode"] = item.Errcode,
        ["not_before"] = item.NotBefore,
    };

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
