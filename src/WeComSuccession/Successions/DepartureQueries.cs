using Dapper;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Successions;

/// <summary>A departure as people read it: the succession, and its member's name and main department as the directory last had them.</summary>
internal sealed record DepartureRow(Succession Succession, string? HandoverName, long? DepartmentId = null, string? DepartmentName = null);

/// <summary>The leaver's name and department, as the second half of a departure row.</summary>
internal sealed record Leaver(string? HandoverName, long? DepartmentId, string? DepartmentName);

internal sealed record ItemCountRow(long SuccessionId, string Kind, string State, long Count);

/// <summary>One item as the doors show it. (Init properties: Dapper maps them by name, whatever columns a query adds.)</summary>
internal sealed record ItemRow
{
    public long Id { get; init; }

    public string Kind { get; init; } = "";

    public string TargetId { get; init; } = "";

    public string? TakeoverUserid { get; init; }

    /// <summary>The successor's name, when the directory knows them.</summary>
    public string? TakeoverName { get; init; }

    public string? Rule { get; init; }

    public string State { get; init; } = "";

    public string? Reason { get; init; }

    public int? Errcode { get; init; }

    public short Attempts { get; init; }

    public short Reroutes { get; init; }

    public DateTime? NotBefore { get; init; }

    public DateTime? TakeoverTime { get; init; }

    public DateTime UpdatedAt { get; init; }

    public string? HandledNote { get; init; }

    /// <summary>The customer's or group's name, when planning read it (Succession:Approval:CustomerDetails).</summary>
    public string? Name { get; init; }

    /// <summary>The customer's corp tags, when planning read them.</summary>
    public string[]? Tags { get; init; }

    /// <summary>A group's number of members, when planning read it.</summary>
    public int? GroupSize { get; init; }
}

/// <summary>
/// Which departures a reader wants; every field is optional. <see cref="Scope"/> is the set of departments the
/// reader may see (a scoped admin's, subtrees expanded), null for everything; <see cref="Departments"/> narrows to
/// members of those departments (a filter the reader chose, subtrees expanded too).
/// </summary>
internal sealed record DepartureFilter(
    IReadOnlySet<long>? Scope = null, IReadOnlyList<string>? States = null, IReadOnlySet<long>? Departments = null, DateTimeOffset? From = null, DateTimeOffset? Until = null,
    string? Trigger = null, string? Search = null)
{
    public static readonly DepartureFilter All = new();

    /// <summary>The WHERE clause over <c>successions s</c> joined with <c>members m</c>, and its parameters.</summary>
    internal (string Sql, DynamicParameters Parameters) Where()
    {
        var p = new DynamicParameters();
        var sql = new List<string> { "TRUE" };
        if (Scope is not null)
        {
            sql.Add("m.departments && @scope");
            p.Add("scope", Scope.ToArray());
        }

        if (States is { Count: > 0 })
        {
            sql.Add("s.state = ANY(@states)");
            p.Add("states", States.ToArray());
        }

        if (Departments is not null)
        {
            sql.Add("m.departments && @departments");
            p.Add("departments", Departments.ToArray());
        }

        if (From is not null)
        {
            sql.Add("s.created_at >= @from");
            p.Add("from", From);
        }

        if (Until is not null)
        {
            sql.Add("s.created_at < @until");
            p.Add("until", Until);
        }

        if (Trigger is not null)
        {
            sql.Add("s.trigger = @trigger");
            p.Add("trigger", Trigger);
        }

        if (!string.IsNullOrWhiteSpace(Search))
        {
            sql.Add("(s.handover_userid ILIKE @search ESCAPE '\\' OR m.name ILIKE @search ESCAPE '\\')");
            p.Add("search", Like.Containing(Search));
        }

        return (string.Join(" AND ", sql), p);
    }
}

/// <summary>Which items of a departure a reader wants.</summary>
internal sealed record ItemFilter(string? State = null, string? Kind = null, string? Reason = null, int? Errcode = null, string? Takeover = null);

/// <summary>Departures and their items as the doors show them; read-only, beside the store that owns the tables.</summary>
internal sealed class DepartureQueries(NpgsqlDataSource db)
{
    /// <summary>Items that need a person: failed and manual, listed first.</summary>
    public static readonly string[] NeedsPerson = [ItemState.Failed, ItemState.Manual];

    /// <summary>The succession's columns, then the member's name (Dapper splits the row at <c>handover_name</c>).</summary>
    private const string DepartureColumns =
        """
        s.id, s.handover_userid, s.api, s.state, s.trigger, s.reason, s.approvers, s.decided_by, s.decided_at, s.created_at, s.updated_at, s.completed_at,
        s.next_run_at, s.approval_rule, s.approval_route, s.approvals_needed, s.approval_round, s.approval_requested_at, s.approval_outcome,
        m.name AS handover_name, COALESCE(m.main_department, m.departments[1]) AS department_id, d.name AS department_name
        """;

    private const string DepartureFrom =
        """
        FROM successions s
        LEFT JOIN members m ON m.userid = s.handover_userid
        LEFT JOIN departments d ON d.id = COALESCE(m.main_department, m.departments[1])
        """;

    public Task<(long Total, IReadOnlyList<DepartureRow> Rows)> ListAsync(string? state, int page, int pageSize, CancellationToken ct) =>
        ListAsync(new DepartureFilter(States: state is null ? null : [state]), page, pageSize, ct);

    /// <summary>A page of departures, newest first, and how many match in all.</summary>
    public async Task<(long Total, IReadOnlyList<DepartureRow> Rows)> ListAsync(DepartureFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var (where, parameters) = filter.Where();
        parameters.Add("pageSize", pageSize);
        parameters.Add("offset", (long)(page - 1) * pageSize);
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM successions s LEFT JOIN members m ON m.userid = s.handover_userid WHERE {where}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<Succession, Leaver, DepartureRow>(new CommandDefinition(
            $"""
            SELECT {DepartureColumns}
            {DepartureFrom}
            WHERE {where}
            ORDER BY s.created_at DESC, s.id DESC
            LIMIT @pageSize OFFSET @offset
            """, parameters, cancellationToken: ct), Row, splitOn: "handover_name");
        return (total, [.. rows]);
    }

    /// <summary>One departure, or null when it does not exist or is outside <paramref name="scope"/>.</summary>
    public async Task<DepartureRow?> GetAsync(long id, CancellationToken ct, IReadOnlySet<long>? scope = null)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Succession, Leaver, DepartureRow>(new CommandDefinition(
            $"""
            SELECT {DepartureColumns}
            {DepartureFrom}
            WHERE s.id = @id AND (@scope::bigint[] IS NULL OR m.departments && @scope)
            """, new { id, scope = scope?.ToArray() }, cancellationToken: ct), Row, splitOn: "handover_name")).SingleOrDefault();
    }

    // Dapper passes no leaver when every column of it is null: a departure of someone the directory never saw.
    private static DepartureRow Row(Succession succession, Leaver? leaver) => new(succession, leaver?.HandoverName, leaver?.DepartmentId, leaver?.DepartmentName);

    /// <summary>How many departures match <paramref name="filter"/> in each state (its own state filter ignored): the chips above the list.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(DepartureFilter filter, CancellationToken ct)
    {
        var (where, parameters) = (filter with { States = null }).Where();
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            $"SELECT s.state, count(*) FROM successions s LEFT JOIN members m ON m.userid = s.handover_userid WHERE {where} GROUP BY s.state",
            parameters, cancellationToken: ct))).ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>The navigation's badges: open departures, and items waiting for a person.</summary>
    public async Task<(long Open, long Attention)> NavigationCountsAsync(IReadOnlySet<long>? scope, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM successions s LEFT JOIN members m ON m.userid = s.handover_userid
                    WHERE s.state = ANY(@open) AND (@scope::bigint[] IS NULL OR m.departments && @scope)),
                   (SELECT count(*) FROM succession_items i JOIN successions s ON s.id = i.succession_id LEFT JOIN members m ON m.userid = s.handover_userid
                    WHERE i.state = ANY(@attention) AND i.handled_at IS NULL AND (@scope::bigint[] IS NULL OR m.departments && @scope))
            """, new { open = SuccessionState.Open, attention = AttentionQueries.States, scope = scope?.ToArray() }, cancellationToken: ct));
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

    public Task<(long Total, IReadOnlyList<ItemRow> Rows)> ListItemsAsync(
        long successionId, string? state, string? kind, string? reason, int page, int pageSize, CancellationToken ct) =>
        ListItemsAsync(successionId, new ItemFilter(state, kind, reason), page, pageSize, ct);

    /// <summary>Items that need a person first (failed, manual), then those waiting at WeCom, then the rest.</summary>
    public async Task<(long Total, IReadOnlyList<ItemRow> Rows)> ListItemsAsync(long successionId, ItemFilter filter, int page, int pageSize, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        const string Where =
            """
            WHERE i.succession_id = @successionId
              AND (@State::text IS NULL OR i.state = @State)
              AND (@Kind::text IS NULL OR i.kind = @Kind)
              AND (@Reason::text IS NULL OR i.reason = @Reason)
              AND (@Errcode::int IS NULL OR i.errcode = @Errcode)
              AND (@Takeover::text IS NULL OR i.takeover_userid = @Takeover)
            """;
        var args = new { successionId, filter.State, filter.Kind, filter.Reason, filter.Errcode, filter.Takeover };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM succession_items i {Where}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(
            $"""
            SELECT i.id, i.kind, i.target_id, i.takeover_userid, i.rule, i.state, i.reason, i.errcode, i.attempts, i.reroutes,
                   i.not_before, i.takeover_time, i.updated_at, t.name AS takeover_name, i.handled_note, i.name, i.tags, i.group_size
            FROM succession_items i
            LEFT JOIN members t ON t.userid = i.takeover_userid
            {Where}
            ORDER BY CASE WHEN i.state = ANY(@first) THEN 0 WHEN i.state = @waiting THEN 1 ELSE 2 END, i.id
            LIMIT @pageSize OFFSET @offset
            """,
            new
            {
                successionId, filter.State, filter.Kind, filter.Reason, filter.Errcode, filter.Takeover,
                first = NeedsPerson, waiting = ItemState.Waiting, pageSize, offset = (long)(page - 1) * pageSize,
            },
            cancellationToken: ct));
        return (total, [.. rows]);
    }

    /// <summary>Customers on their way to each of <paramref name="takeovers"/> (planned, queued, submitted or waiting), across departures.</summary>
    public async Task<IReadOnlyDictionary<string, long>> InFlightToAsync(IReadOnlyCollection<string> takeovers, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string Takeover, long Count)>(new CommandDefinition(
            """
            SELECT takeover_userid, count(*) FROM succession_items
            WHERE takeover_userid = ANY(@takeovers) AND kind = @Customer AND state IN ('planned', 'queued', 'submitting', 'waiting')
            GROUP BY takeover_userid
            """, new { takeovers = takeovers.ToArray(), ItemKind.Customer }, cancellationToken: ct))).ToDictionary(r => r.Takeover, r => r.Count);
    }

    /// <summary>The successors and errcodes a departure's items have, with counts (the choices of the item filters).</summary>
    public async Task<(IReadOnlyList<(string Takeover, string? Name, long Count)> Successors, IReadOnlyList<(int Errcode, long Count)> Errcodes)> ItemFacetsAsync(
        long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var successors = await connection.QueryAsync<(string, string?, long)>(new CommandDefinition(
            """
            SELECT i.takeover_userid, min(t.name), count(*) FROM succession_items i LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.succession_id = @successionId AND i.takeover_userid IS NOT NULL GROUP BY i.takeover_userid ORDER BY count(*) DESC, 1
            """, new { successionId }, cancellationToken: ct));
        var errcodes = await connection.QueryAsync<(int, long)>(new CommandDefinition(
            "SELECT errcode, count(*) FROM succession_items WHERE succession_id = @successionId AND errcode IS NOT NULL GROUP BY errcode ORDER BY 2 DESC, 1",
            new { successionId }, cancellationToken: ct));
        return ([.. successors], [.. errcodes]);
    }

    /// <summary>
    /// Every item of a departure for its handover checklist, in a stable order, streamed row by row: memory stays
    /// flat however many there are.
    /// </summary>
    public async IAsyncEnumerable<ItemRow> StreamItemsAsync(long successionId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT i.id, i.kind, i.target_id, i.takeover_userid, i.rule, i.state, i.reason, i.errcode, i.attempts, i.reroutes,
                   i.not_before, i.takeover_time, i.updated_at, t.name, i.handled_note, i.name, i.tags, i.group_size
            FROM succession_items i LEFT JOIN members t ON t.userid = i.takeover_userid
            WHERE i.succession_id = @successionId
            ORDER BY i.kind, i.id
            """, connection);
        command.Parameters.AddWithValue("successionId", successionId);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new ItemRow
            {
                Id = reader.GetInt64(0), Kind = reader.GetString(1), TargetId = reader.GetString(2), TakeoverUserid = await NullableAsync<string>(reader, 3, ct),
                Rule = await NullableAsync<string>(reader, 4, ct), State = reader.GetString(5), Reason = await NullableAsync<string>(reader, 6, ct),
                Errcode = await reader.IsDBNullAsync(7, ct) ? null : reader.GetInt32(7), Attempts = reader.GetInt16(8), Reroutes = reader.GetInt16(9),
                NotBefore = await NullableAsync<DateTime?>(reader, 10, ct), TakeoverTime = await NullableAsync<DateTime?>(reader, 11, ct),
                UpdatedAt = reader.GetDateTime(12), TakeoverName = await NullableAsync<string>(reader, 13, ct),
                HandledNote = await NullableAsync<string>(reader, 14, ct),
                Name = await NullableAsync<string>(reader, 15, ct),
                Tags = await NullableAsync<string[]>(reader, 16, ct),
                GroupSize = await reader.IsDBNullAsync(17, ct) ? null : reader.GetInt32(17),
            };
        }
    }

    private static async Task<T?> NullableAsync<T>(NpgsqlDataReader reader, int ordinal, CancellationToken ct) =>
        await reader.IsDBNullAsync(ordinal, ct) ? default : reader.GetFieldValue<T>(ordinal);
}
