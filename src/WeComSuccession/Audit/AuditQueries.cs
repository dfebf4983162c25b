using System.Globalization;
using Dapper;
using Npgsql;

namespace WeComSuccession.Audit;

/// <summary>
/// Which audit entries a reader wants; every field is optional. <see cref="Departure"/> is one departure with all of
/// its items; <see cref="Actor"/> a userid (any case), a member's exact name, or a door such as <c>system</c>;
/// <see cref="People"/> true keeps what people and machines did (not the system's own transitions), false the reverse.
/// </summary>
internal sealed record AuditFilter(
    string? EntityType = null, string? EntityId = null, long? Departure = null, string? Actor = null,
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
/// index walk backwards from where the reader is, however long the log). Each filter narrows that walk with an
/// index (0013_audit_reading.sql): an actor by (lower(actor), id), an entity type by (entity_type, id), one entity
/// by (entity_type, entity_id, id), and dates by id bounds found on (at): without them a rare actor or an old date
/// walks the whole log (4.7 s and 3 s for a million rows, measured), because PostgreSQL assumes matches are spread
/// evenly over the ids.
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
        await using var connection = await db.OpenConnectionAsync(ct);
        var actors = string.IsNullOrWhiteSpace(filter.Actor) ? null : await ActorsAsync(connection, filter.Actor.Trim(), ct);
        var (where, parameters) = Where(filter, actors);
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

    /// <summary>The actors <paramref name="text"/> names, lower case: itself (a userid or a door) and the userids of the members so named.</summary>
    private static async Task<string[]> ActorsAsync(NpgsqlConnection connection, string text, CancellationToken ct) =>
        [.. (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT lower(@text) UNION SELECT lower(userid) FROM members WHERE name = @text", new { text }, cancellationToken: ct))).Order(StringComparer.Ordinal)];

    private static (string Sql, DynamicParameters Parameters) Where(AuditFilter filter, string[]? actors)
    {
        var p = new DynamicParameters();
        var sql = new List<string> { "TRUE" };

        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            sql.Add("a.entity_type = @entityType");
            p.Add("entityType", filter.EntityType.Trim());
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityId))
        {
            // With the types listed, the entity index finds the few rows of an id whatever its type.
            sql.Add(string.IsNullOrWhiteSpace(filter.EntityType) ? "a.entity_type = ANY(@entityTypes) AND a.entity_id = @entityId" : "a.entity_id = @entityId");
            p.Add("entityTypes", AuditEntity.All);
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
            p.Add("departureId", departure.ToString(CultureInfo.InvariantCulture));
        }

        if (actors is not null)
        {
            // One equality per actor: each an ordered walk of the actor index, which ANY(array) is not on PostgreSQL 15.
            sql.Add("(" + string.Join(" OR ", actors.Select((_, i) => $"lower(a.actor) = @actor{i.ToString(CultureInfo.InvariantCulture)}")) + ")");
            for (var i = 0; i < actors.Length; i++)
            {
                p.Add("actor" + i.ToString(CultureInfo.InvariantCulture), actors[i]);
            }
        }

        if (filter.People is { } people)
        {
            sql.Add(people ? "a.actor <> @system" : "a.actor = @system");
            p.Add("system", Audit.Actor.System.AuditName);
        }

        // Dates become id bounds as well: at grows with id (both are taken under the append lock, at from the
        // appending node's clock, so nodes' clock skew can blur a bound by that much).
        if (filter.From is not null)
        {
            sql.Add("a.at >= @from AND a.id >= (SELECT f.id FROM audit_log f WHERE f.at >= @from ORDER BY f.at, f.id LIMIT 1)");
            p.Add("from", filter.From);
        }

        if (filter.Until is not null)
        {
            sql.Add("a.at < @until AND a.id <= (SELECT u.id FROM audit_log u WHERE u.at < @until ORDER BY u.at DESC, u.id DESC LIMIT 1)");
            p.Add("until", filter.Until);
        }

        return (string.Join(" AND ", sql), p);
    }
}
