using Dapper;
using Npgsql;

namespace WeComSuccession.Audit;

/// <summary>
/// Which audit entries a reader wants; every field is optional. <see cref="Scope"/> is the set of departments the
/// reader may see (a scoped admin's, subtrees expanded), null for everything: a scoped reader sees the entries
/// whose subject is a member of those departments (a departure, its items, a registered successor of such a
/// member) and no role changes, which concern the whole dashboard. <see cref="Departure"/> is one departure with
/// all of its items; <see cref="Actor"/> a userid (any case), a member's name, or a door such as <c>system</c>;
/// <see cref="People"/> true keeps what people and machines did (not the system's own transitions), false the reverse.
/// </summary>
internal sealed record AuditFilter(
    IReadOnlySet<long>? Scope = null, string? EntityType = null, string? EntityId = null, long? Departure = null, string? Actor = null,
    DateTimeOffset? From = null, DateTimeOffset? Until = null, bool? People = null);

/// <summary>
/// One audit entry as the dashboard shows it: the row, the actor's name, and what its entity is about (the
/// departure, the item's kind and id, the member it concerns) when the entity is one this service keeps.
/// (Init properties: Dapper matches constructors by exact type.)
/// </summary>
internal sealed record AuditListRow
{
    public long Id { get; init; }

    public DateTime At { get; init; }

    public string Actor { get; init; } = "";

    public string? ActorName { get; init; }

    public string Action { get; init; } = "";

    public string EntityType { get; init; } = "";

    public string EntityId { get; init; } = "";

    /// <summary>jsonb's text, or null before a creation.</summary>
    public string? Before { get; init; }

    /// <summary>jsonb's text, or null after a deletion.</summary>
    public string? After { get; init; }

    /// <summary>The departure of a succession or item entry.</summary>
    public long? SuccessionId { get; init; }

    /// <summary>The member the entry is about: the leaver of a departure, the member of a role or registered successor.</summary>
    public string? SubjectUserid { get; init; }

    public string? SubjectName { get; init; }

    public string? ItemKind { get; init; }

    public string? ItemTarget { get; init; }
}

/// <summary>A page of entries, newest first, and whether there are older and newer ones beyond it.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditListRow> Rows, bool HasOlder, bool HasNewer);

/// <summary>
/// The audit log as the dashboard reads it: newest first, filtered, a page at a time by keyset on the id (an
/// index walk backwards from where the reader is, however long the log).
/// </summary>
internal sealed class AuditQueries(NpgsqlDataSource db)
{
    // The entity's subject: a departure (its leaver) for succession and item entries, the member itself for role
    // and registered-successor entries. Ids that are not numbers are never cast.
    private const string From =
        """
        FROM audit_log a
        LEFT JOIN LATERAL (
            SELECT s.id AS succession_id, s.handover_userid, NULL::text AS kind, NULL::text AS target_id
            FROM successions s
            WHERE s.id = CASE WHEN a.entity_type = 'succession' AND a.entity_id ~ '^[0-9]{1,18}$' THEN a.entity_id::bigint END
            UNION ALL
            SELECT i.succession_id, s.handover_userid, i.kind, i.target_id
            FROM succession_items i JOIN successions s ON s.id = i.succession_id
            WHERE i.id = CASE WHEN a.entity_type = 'succession_item' AND a.entity_id ~ '^[0-9]{1,18}$' THEN a.entity_id::bigint END
        ) x ON TRUE
        LEFT JOIN members am ON lower(am.userid) = lower(a.actor)
        LEFT JOIN members hm ON lower(hm.userid) = lower(COALESCE(x.handover_userid,
            CASE WHEN a.entity_type IN ('registered_successor', 'admin_role') THEN a.entity_id END))
        """;

    private const string Columns =
        """
        a.id, a.at, a.actor, am.name AS actor_name, a.action, a.entity_type, a.entity_id, a.before::text AS before, a.after::text AS after,
        x.succession_id, COALESCE(x.handover_userid, CASE WHEN a.entity_type IN ('registered_successor', 'admin_role') THEN a.entity_id END) AS subject_userid,
        hm.name AS subject_name, x.kind AS item_kind, x.target_id AS item_target
        """;

    /// <summary>
    /// Up to <paramref name="limit"/> entries, newest first: the newest of all, or those older than
    /// <paramref name="before"/>, or those just newer than <paramref name="after"/> (paging back towards the top).
    /// </summary>
    public async Task<AuditPage> PageAsync(AuditFilter filter, long? before, long? after, int limit, CancellationToken ct)
    {
        var (where, parameters) = Where(filter);
        parameters.Add("limit", limit + 1);
        var backwards = after is not null && before is null;
        if (backwards)
        {
            where += " AND a.id > @after";
            parameters.Add("after", after);
        }
        else if (before is not null)
        {
            where += " AND a.id < @before";
            parameters.Add("before", before);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<AuditListRow>(new CommandDefinition(
            $"SELECT {Columns} {From} WHERE {where} ORDER BY a.id {(backwards ? "ASC" : "DESC")} LIMIT @limit", parameters, cancellationToken: ct))).ToList();
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (backwards)
        {
            rows.Reverse();
            return new AuditPage(rows, HasOlder: true, HasNewer: more);
        }

        return new AuditPage(rows, HasOlder: more, HasNewer: before is not null);
    }

    private static (string Sql, DynamicParameters Parameters) Where(AuditFilter filter)
    {
        var p = new DynamicParameters();
        var sql = new List<string> { "TRUE" };
        if (filter.Scope is not null)
        {
            sql.Add("a.entity_type IN ('succession', 'succession_item', 'registered_successor') AND hm.departments && @scope");
            p.Add("scope", filter.Scope.ToArray());
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            sql.Add("a.entity_type = @entityType");
            p.Add("entityType", filter.EntityType.Trim());
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityId))
        {
            sql.Add("a.entity_id = @entityId");
            p.Add("entityId", filter.EntityId.Trim());
        }

        if (filter.Departure is { } departure)
        {
            // Both halves use the (entity_type, entity_id, id) index: no walk over the whole log for one departure.
            sql.Add(
                """
                ((a.entity_type = 'succession' AND a.entity_id = @departureId)
                 OR (a.entity_type = 'succession_item' AND a.entity_id IN (SELECT id::text FROM succession_items WHERE succession_id = @departure)))
                """);
            p.Add("departure", departure);
            p.Add("departureId", departure.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            sql.Add("(lower(a.actor) = lower(@actor) OR am.name = @actor)");
            p.Add("actor", filter.Actor.Trim());
        }

        if (filter.People is { } people)
        {
            sql.Add(people ? "a.actor <> @system" : "a.actor = @system");
            p.Add("system", Audit.Actor.System.AuditName);
        }

        if (filter.From is not null)
        {
            sql.Add("a.at >= @from");
            p.Add("from", filter.From);
        }

        if (filter.Until is not null)
        {
            sql.Add("a.at < @until");
            p.Add("until", filter.Until);
        }

        return (string.Join(" AND ", sql), p);
    }
}
