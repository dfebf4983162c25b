using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WeComSuccession.Audit;

namespace WeComSuccession.Successions;

/// <summary>
/// The sole owner of <c>successions</c> and <c>succession_items</c>: every statement on them is here (reads for
/// the doors are in <see cref="DepartureQueries"/> beside it). Every change of state is a guarded UPDATE
/// (<c>WHERE state = expected</c>) whose row count is checked, so two nodes, a retried job or a person clicking
/// twice cannot move an item twice; and every change that happened is appended to the audit log in the same
/// transaction, in one shape per entity.
/// </summary>
internal sealed class SuccessionStore(NpgsqlDataSource db, AuditLog audit, ServiceClock clock)
{
    internal const string SuccessionColumns =
        "id, handover_userid, api, state, trigger, reason, approvers, decided_by, decided_at, created_at, updated_at, completed_at, next_run_at, " +
        "approval_rule, approval_route, approvals_needed, approval_round, approval_requested_at, remind_at, reminded_at, escalate_at, escalate_every, expire_at, approval_outcome";

    internal const string ItemColumns =
        "id, succession_id, kind, target_id, takeover_userid, rule, state, reason, errcode, reroutes, attempts, tried_takeovers, batch_id, not_before, takeover_time, next_check_at, handled_note, handled_by, handled_at, " +
        "name, tags, group_size, details_at";

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
            await audit.AppendAsync(connection, transaction, [new AuditEntry(Actor.System.AuditName, "succession.open", AuditEntity.Succession, Id(created.Id), null,
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

    /// <summary>Which of <paramref name="handovers"/> have a plan waiting for their deletion.</summary>
    public async Task<HashSet<string>> AwaitingDeletionAsync(IEnumerable<string> handovers, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT handover_userid FROM successions WHERE state = @AwaitingDeletion AND handover_userid = ANY(@ids)",
            new { ids = handovers.ToArray(), SuccessionState.AwaitingDeletion }, cancellationToken: ct))];
    }

    /// <summary>Which of <paramref name="chats"/> a succession holds already, other than one still waiting for its owner's deletion.</summary>
    public async Task<HashSet<string>> HeldChatsAsync(IReadOnlyCollection<string> chats, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT i.target_id FROM succession_items i JOIN successions s ON s.id = i.succession_id
            WHERE i.kind = @Group AND i.target_id = ANY(@chats) AND s.state <> @AwaitingDeletion
            """, new { chats = chats.ToArray(), ItemKind.Group, SuccessionState.AwaitingDeletion }, cancellationToken: ct))];
    }

    /// <summary>Moves a succession from one of <paramref name="expected"/> to <paramref name="to"/>, as the system.</summary>
    /// <returns>False when it was not in an expected state (someone else moved it first).</returns>
    public Task<bool> TransitionAsync(long id, string[] expected, string to, string? reason, CancellationToken ct, string[]? approvers = null, string? api = null) =>
        TransitionAsync(id, expected, before => before with { State = to, Reason = reason, Approvers = approvers ?? before.Approvers, Api = api ?? before.Api }, ct);

    /// <summary>
    /// Moves a succession that is in one of <paramref name="expected"/> to what <paramref name="change"/> makes of it, as the
    /// system, audited as <c>succession.&lt;new state&gt;</c> (or <paramref name="action"/>).
    /// </summary>
    /// <returns>False when it was not in an expected state (someone else moved it first).</returns>
    public async Task<bool> TransitionAsync(long id, string[] expected, Func<Succession, Succession> change, CancellationToken ct, string? action = null)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<Succession>(new CommandDefinition(
            $"SELECT {SuccessionColumns} FROM successions WHERE id = @id AND state = ANY(@expected) FOR UPDATE",
            new { id, expected }, transaction, cancellationToken: ct));
        if (before is null)
        {
            return false;
        }

        var after = change(before);
        await WriteTransitionAsync(connection, transaction, before, after, Actor.System, action ?? "succession." + after.State, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Marks a succession as having due work now (its step job is about to be enqueued).</summary>
    public async Task MarkDueAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE successions SET next_run_at = LEAST(COALESCE(next_run_at, @now), @now) WHERE id = @id",
            new { id, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>When the succession next has due work (NULL: nothing until something happens).</summary>
    public async Task SetNextRunAsync(long id, DateTimeOffset? at, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE successions SET next_run_at = @at WHERE id = @id", new { id, at }, cancellationToken: ct));
    }

    /// <summary>
    /// The earliest moment something of this succession is due: now while planning; while transferring, the
    /// earliest queued item's not-before, a submitting item (now: its answer is unknown), or a waiting item's
    /// next check. Null in every other state, or when nothing is due.
    /// </summary>
    public async Task<DateTimeOffset?> NextDueAsync(long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var state = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT state FROM successions WHERE id = @id", new { id }, cancellationToken: ct));
        if (state == SuccessionState.Planning)
        {
            return now;
        }

        if (state == SuccessionState.AwaitingApproval)
        {
            // The approval's timers: the reminder, the escalation, the expiry (ApprovalTimers acts on them).
            var timer = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
                "SELECT LEAST(remind_at, escalate_at, expire_at) FROM successions WHERE id = @id", new { id }, cancellationToken: ct));
            return timer is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
        }

        if (state != SuccessionState.Transferring)
        {
            return null;
        }

        var next = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            """
            SELECT min(CASE state WHEN @Queued THEN COALESCE(not_before, @now)
                                  WHEN @Submitting THEN @now
                                  WHEN @Waiting THEN next_check_at END)
            FROM succession_items WHERE succession_id = @id AND state IN (@Queued, @Submitting, @Waiting)
            """,
            new { id, now = now.UtcDateTime, ItemState.Queued, ItemState.Submitting, ItemState.Waiting }, cancellationToken: ct));
        return next is { } n ? new DateTimeOffset(n, TimeSpan.Zero) : null;
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
        var added = (await connection.QueryAsync<SuccessionItem>(new CommandDefinition(
            $"""
            INSERT INTO succession_items (succession_id, kind, target_id, state, updated_at)
            SELECT @successionId, @kind, t, @Planned, @now FROM unnest(@targets) AS t
            ON CONFLICT (succession_id, kind, target_id) DO NOTHING
            RETURNING {ItemColumns}
            """,
            new { successionId, kind, targets = targets.ToArray(), ItemState.Planned, now = clock.GetUtcNow() }, transaction, cancellationToken: ct))).ToList();
        await audit.AppendAsync(connection, transaction, [.. added.Select(i => new AuditEntry(Actor.System.AuditName, "item.planned", AuditEntity.Item, Id(i.Id), null, Audited(i)))], ct);
        await transaction.CommitAsync(ct);
        return added.Count;
    }

    /// <summary>
    /// Records what a person deciding needs to see of items (name, corp tags, a group's size), read once while planning.
    /// Descriptive data, not a change of state: not audited.
    /// </summary>
    public async Task SetDetailsAsync(IReadOnlyCollection<ItemDetail> details, CancellationToken ct)
    {
        if (details.Count == 0)
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE succession_items AS i SET name = v.name, tags = string_to_array(v.tags, E'\x1f'), group_size = v.size, details_at = @now
            FROM unnest(@ids, @names, @tags, @sizes) AS v(id, name, tags, size)
            WHERE i.id = v.id
            """,
            new
            {
                ids = details.Select(d => d.ItemId).ToArray(),
                names = details.Select(d => d.Name).ToArray(),
                tags = details.Select(d => d.Tags is null ? null : string.Join('\x1f', d.Tags)).ToArray(),
                sizes = details.Select(d => d.GroupSize).ToArray(),
                now = clock.GetUtcNow(),
            },
            cancellationToken: ct));
    }

    public async Task<IReadOnlyList<SuccessionItem>> ItemsAsync(long successionId, string[] states, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SuccessionItem>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM succession_items WHERE succession_id = @successionId AND state = ANY(@states) ORDER BY id",
            new { successionId, states }, cancellationToken: ct))];
    }

    /// <summary>Waiting customers taken over by <paramref name="takeover"/> (to match a transfer_fail callback).</summary>
    public async Task<IReadOnlyList<SuccessionItem>> WaitingForAsync(string takeover, string externalUserId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SuccessionItem>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM succession_items WHERE state = @Waiting AND takeover_userid = @takeover AND target_id = @externalUserId",
            new { takeover, externalUserId, ItemState.Waiting }, cancellationToken: ct))];
    }

    /// <summary>Counts of items per state (for completion and progress).</summary>
    public async Task<Dictionary<string, int>> CountsAsync(long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string State, int Count)>(new CommandDefinition(
            "SELECT state, count(*)::int FROM succession_items WHERE succession_id = @successionId GROUP BY state",
            new { successionId }, cancellationToken: ct))).ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>What each successor received: transferred customers and groups per takeover.</summary>
    public async Task<IReadOnlyList<(string Takeover, int Customers, int Groups)>> TransferredPerSuccessorAsync(long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<(string, int, int)>(new CommandDefinition(
            """
            SELECT takeover_userid, count(*) FILTER (WHERE kind = @Customer)::int, count(*) FILTER (WHERE kind = @Group)::int
            FROM succession_items WHERE succession_id = @successionId AND state = @Transferred AND takeover_userid IS NOT NULL
            GROUP BY takeover_userid ORDER BY takeover_userid
            """, new { successionId, ItemKind.Customer, ItemKind.Group, ItemState.Transferred }, cancellationToken: ct))];
    }

    /// <summary>
    /// Writes each item's new state and fields, but only where the item is still as it was read (the Before
    /// item's state and successor: a person may re-assign a queued item while a job is about to send it).
    /// Returns the items actually changed, each audited as <paramref name="action"/> (default <c>item.&lt;new state&gt;</c>)
    /// by <paramref name="actor"/> (default the system); the entries go to <paramref name="pending"/> when given (appended
    /// by the caller just before its commit), else they are appended now.
    /// </summary>
    public async Task<IReadOnlyList<SuccessionItem>> UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(SuccessionItem Before, SuccessionItem After)> changes, CancellationToken ct,
        Actor? actor = null, string? action = null, List<AuditEntry>? pending = null)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        var changed = await connection.QueryAsync<long>(new CommandDefinition(
            """
            UPDATE succession_items AS i SET
                state = v.state, takeover_userid = v.takeover, rule = v.rule, reason = v.reason, errcode = v.errcode,
                reroutes = v.reroutes, attempts = v.attempts, tried_takeovers = string_to_array(v.tried, ','),
                batch_id = v.batch_id, not_before = v.not_before, takeover_time = v.takeover_time,
                next_check_at = v.next_check_at, handled_note = v.handled_note, handled_by = v.handled_by, handled_at = v.handled_at, updated_at = @now
            FROM unnest(@ids, @expected, @expectedTakeovers, @states, @takeovers, @rules, @reasons, @errcodes, @reroutes, @attempts, @tried,
                        @batchIds, @notBefore, @takeoverTimes, @nextChecks, @handledNotes, @handledBy, @handledAt)
                AS v(id, expected, expected_takeover, state, takeover, rule, reason, errcode, reroutes, attempts, tried, batch_id, not_before, takeover_time,
                     next_check_at, handled_note, handled_by, handled_at)
            WHERE i.id = v.id AND i.state = v.expected AND i.takeover_userid IS NOT DISTINCT FROM v.expected_takeover
            RETURNING i.id
            """,
            new
            {
                now = clock.GetUtcNow(),
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
                handledNotes = changes.Select(c => c.After.HandledNote).ToArray(),
                handledBy = changes.Select(c => c.After.HandledBy).ToArray(),
                handledAt = changes.Select(c => c.After.HandledAt).ToArray(),
            },
            transaction,
            cancellationToken: ct));
        var ids = changed.ToHashSet();
        var done = changes.Where(c => ids.Contains(c.Before.Id)).ToList();
        var by = actor ?? Actor.System;
        List<AuditEntry> entries = [.. done.Select(c => AuditEntry.By(by, action ?? "item." + c.After.State, AuditEntity.Item, Id(c.Before.Id), Audited(c.Before), Audited(c.After)))];
        if (pending is not null)
        {
            pending.AddRange(entries);
        }
        else
        {
            await audit.AppendAsync(connection, transaction, entries, ct);
        }

        return [.. done.Select(c => c.After)];
    }

    /// <summary>The guarded update, in its own transaction, by the system.</summary>
    public async Task<IReadOnlyList<SuccessionItem>> UpdateAsync(IReadOnlyList<(SuccessionItem Before, SuccessionItem After)> changes, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await UpdateAsync(connection, transaction, changes, ct);
        await transaction.CommitAsync(ct);
        return changed;
    }

    /// <summary>
    /// A person's change of one succession: <paramref name="work"/> runs in one transaction that holds the
    /// succession's row lock (so decisions, retries and re-assignments of one departure take turns), and commits
    /// only when it returns Done; any other outcome rolls everything back. NotFound when there is no such succession.
    /// </summary>
    public async Task<Outcome<T>> ChangeAsync<T>(long successionId, Func<SuccessionChange, Task<Outcome<T>>> work, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var succession = await connection.QuerySingleOrDefaultAsync<Succession>(new CommandDefinition(
            $"SELECT {SuccessionColumns} FROM successions WHERE id = @successionId FOR UPDATE", new { successionId }, transaction, cancellationToken: ct));
        if (succession is null)
        {
            return Failure.NotFound($"Departure {successionId} does not exist.");
        }

        var change = new SuccessionChange(this, connection, transaction, succession, ct);
        var outcome = await work(change);
        if (outcome.IsDone)
        {
            await audit.AppendAsync(connection, transaction, change.Entries, ct);
            await transaction.CommitAsync(ct);
        }

        return outcome;
    }

    /// <summary>Items of the locked succession, locked too: by id, or (<paramref name="ids"/> null) in <paramref name="states"/>.</summary>
    internal static async Task<IReadOnlyList<SuccessionItem>> LockItemsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long successionId, long[]? ids, string[]? states, CancellationToken ct) =>
        [.. await connection.QueryAsync<SuccessionItem>(new CommandDefinition(
            $"""
            SELECT {ItemColumns} FROM succession_items
            WHERE succession_id = @successionId AND (@ids::bigint[] IS NULL OR id = ANY(@ids)) AND (@states::text[] IS NULL OR state = ANY(@states))
            ORDER BY id
            FOR UPDATE
            """, new { successionId, ids, states }, transaction, cancellationToken: ct))];

    /// <summary>Writes <paramref name="after"/> over <paramref name="before"/> (guarded by its state) and audits it.</summary>
    internal async Task WriteTransitionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Succession before, Succession after, Actor actor, string action, CancellationToken ct,
        List<AuditEntry>? pending = null)
    {
        var now = clock.GetUtcNow();
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE successions SET state = @State, api = @Api, reason = @Reason, approvers = @Approvers,
                decided_by = @DecidedBy, decided_at = @DecidedAt, updated_at = @now,
                completed_at = CASE WHEN @State IN ('completed', 'rejected', 'ignored') THEN @now END,
                approval_rule = @ApprovalRule, approval_route = @ApprovalRoute, approvals_needed = @ApprovalsNeeded, approval_round = @ApprovalRound,
                approval_requested_at = @ApprovalRequestedAt, remind_at = @RemindAt, reminded_at = @RemindedAt, escalate_at = @EscalateAt,
                escalate_every = @EscalateEvery, expire_at = @ExpireAt, approval_outcome = @ApprovalOutcome
            WHERE id = @Id AND state = @expected
            """,
            new
            {
                after.Id, after.State, after.Api, after.Reason, after.Approvers, after.DecidedBy, after.DecidedAt, now, expected = before.State,
                after.ApprovalRule, after.ApprovalRoute, after.ApprovalsNeeded, after.ApprovalRound, after.ApprovalRequestedAt, after.RemindAt, after.RemindedAt,
                after.EscalateAt, after.EscalateEvery, after.ExpireAt, after.ApprovalOutcome,
            },
            transaction, cancellationToken: ct));
        if (updated != 1)
        {
            // Callers hold the row lock (FOR UPDATE): a miss is a bug, not a race.
            throw new InvalidOperationException($"Succession {before.Id} was not {before.State}.");
        }

        var entry = AuditEntry.By(actor, action, AuditEntity.Succession, Id(before.Id), Audited(before), Audited(after));
        if (pending is not null)
        {
            pending.Add(entry);
        }
        else
        {
            await audit.AppendAsync(connection, transaction, [entry], ct);
        }
    }

    internal static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The fields of a succession a person would ask about when reading its history.</summary>
    internal static JsonObject Audited(Succession s) => new()
    {
        ["state"] = s.State,
        ["api"] = s.Api,
        ["reason"] = s.Reason,
        ["approvers"] = new JsonArray([.. s.Approvers.Select(a => (JsonNode?)a)]),
        ["decided_by"] = s.DecidedBy,
        ["decided_at"] = s.DecidedAt,
        ["approval_rule"] = s.ApprovalRule,
        ["approval_route"] = s.ApprovalRoute,
        ["approval_round"] = s.ApprovalRound,
        ["approval_outcome"] = s.ApprovalOutcome,
    };

    /// <summary>The fields of an item a person would ask about when reading its history: one shape for every change.</summary>
    internal static JsonObject Audited(SuccessionItem i) => new()
    {
        ["succession_id"] = i.SuccessionId,
        ["kind"] = i.Kind,
        ["target_id"] = i.TargetId,
        ["state"] = i.State,
        ["takeover_userid"] = i.TakeoverUserid,
        ["rule"] = i.Rule,
        ["reason"] = i.Reason,
        ["errcode"] = i.Errcode,
        ["attempts"] = i.Attempts,
        ["reroutes"] = i.Reroutes,
        ["batch_id"] = i.BatchId,
        ["not_before"] = i.NotBefore,
        ["handled_note"] = i.HandledNote,
    };
}

/// <summary>What a person deciding sees of one item, read from WeCom while planning.</summary>
internal sealed record ItemDetail(long ItemId, string? Name, IReadOnlyList<string>? Tags, int? GroupSize);

/// <summary>
/// One person's change of one succession, inside <see cref="SuccessionStore.ChangeAsync{T}"/>'s transaction: the
/// succession as locked, its items (locked when read), and guarded writes whose audit entries commit with them.
/// </summary>
internal sealed class SuccessionChange(
    SuccessionStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, Succession succession, CancellationToken ct)
{
    internal List<AuditEntry> Entries { get; } = [];

    /// <summary>The change's connection and transaction, for the tables that belong to a decision (e.g. approval_decisions).</summary>
    internal NpgsqlConnection Connection => connection;

    internal NpgsqlTransaction Transaction => transaction;

    /// <summary>The succession as it is now (updated by <see cref="TransitionAsync"/>).</summary>
    public Succession Succession { get; private set; } = succession;

    /// <summary>The succession's items with these ids (those that exist), locked.</summary>
    public Task<IReadOnlyList<SuccessionItem>> ItemsAsync(long[] ids) => SuccessionStore.LockItemsAsync(connection, transaction, Succession.Id, ids, null, ct);

    /// <summary>The succession's items in <paramref name="states"/>, locked.</summary>
    public Task<IReadOnlyList<SuccessionItem>> ItemsInAsync(params string[] states) => SuccessionStore.LockItemsAsync(connection, transaction, Succession.Id, null, states, ct);

    /// <summary>Guarded item writes, audited as <paramref name="action"/> by <paramref name="actor"/>.</summary>
    public Task<IReadOnlyList<SuccessionItem>> UpdateItemsAsync(IReadOnlyList<(SuccessionItem Before, SuccessionItem After)> changes, Actor actor, string action) =>
        store.UpdateAsync(connection, transaction, changes, ct, actor, action, Entries);

    /// <summary>Moves the locked succession to <paramref name="after"/> (built from <see cref="Succession"/>), audited as <paramref name="action"/>.</summary>
    public async Task TransitionAsync(Succession after, Actor actor, string action)
    {
        await store.WriteTransitionAsync(connection, transaction, Succession, after, actor, action, ct, Entries);
        Succession = after;
    }

    /// <summary>
    /// Changes the items with <paramref name="ids"/> as <paramref name="decide"/> says (a new item, or why it is left
    /// alone), reporting every id: changed, or skipped with the reason (including ids that are not this departure's).
    /// </summary>
    public async Task<ItemChangeReport> ChangeItemsAsync(
        long[] ids, Func<SuccessionItem, (SuccessionItem? After, string? Skipped)> decide, Actor actor, string action)
    {
        var items = (await ItemsAsync(ids)).ToDictionary(i => i.Id);
        var skipped = new List<SkippedItem>();
        var changes = new List<(SuccessionItem Before, SuccessionItem After)>();
        foreach (var id in ids.Distinct())
        {
            if (!items.TryGetValue(id, out var item))
            {
                skipped.Add(new SkippedItem(id, null, "not an item of this departure"));
                continue;
            }

            var (after, why) = decide(item);
            if (after is null)
            {
                skipped.Add(new SkippedItem(id, item.State, why!));
            }
            else
            {
                changes.Add((item, after));
            }
        }

        var changed = (await UpdateItemsAsync(changes, actor, action)).Select(i => i.Id).ToHashSet();

        // Cannot happen while the rows are locked; reported rather than assumed.
        skipped.AddRange(changes.Where(c => !changed.Contains(c.Before.Id)).Select(c => new SkippedItem(c.Before.Id, c.Before.State, "changed by someone else meanwhile")));
        return new ItemChangeReport(Succession.Id, Succession.State, [.. changed.Order()], [.. skipped.OrderBy(s => s.Id)]);
    }

    /// <summary>An extra audit entry committed with the change (e.g. who asked for something the system did).</summary>
    public void Audit(AuditEntry entry) => Entries.Add(entry);
}
