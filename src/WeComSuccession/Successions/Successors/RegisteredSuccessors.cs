using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Successions.Successors;

/// <summary>"When this member leaves, that member inherits": first in the successor chain.</summary>
internal sealed record RegisteredSuccessor(string HandoverUserid, string SuccessorUserid, string RegisteredBy, DateTime RegisteredAt);

/// <summary>The outcome of a registration: the row as it is now, and whether it was created or changed (neither = already so).</summary>
internal sealed record SuccessorRegistration(RegisteredSuccessor Row, bool Created, bool Changed);

/// <summary>
/// Successors named in advance (<c>registered_successors</c>, owned here). Both members are matched as WeCom
/// matches userids and stored as WeCom spells them; each change is audited in its transaction.
/// </summary>
internal sealed class RegisteredSuccessors(NpgsqlDataSource db, MemberDirectory directory, AuditLog audit, ServiceClock clock)
{
    private const string Columns = "handover_userid, successor_userid, registered_by, registered_at";

    public async Task<IReadOnlyList<RegisteredSuccessor>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<RegisteredSuccessor>(new CommandDefinition(
            $"SELECT {Columns} FROM registered_successors ORDER BY handover_userid", cancellationToken: ct))];
    }

    public async Task<RegisteredSuccessor?> GetAsync(string handoverUserId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RegisteredSuccessor>(new CommandDefinition(
            $"SELECT {Columns} FROM registered_successors WHERE lower(handover_userid) = lower(@handoverUserId)", new { handoverUserId }, cancellationToken: ct));
    }

    /// <summary>
    /// Registers or changes who inherits from <paramref name="handoverUserId"/>. The departing member must be known
    /// to the directory (a member who never existed cannot leave); the successor must be eligible and not them.
    /// </summary>
    public async Task<Outcome<SuccessorRegistration>> RegisterAsync(string handoverUserId, string successorUserId, Actor actor, CancellationToken ct)
    {
        if (await directory.GetAsync(handoverUserId, ct) is not { } handover)
        {
            return Failure.Invalid("handoverUserId", $"'{handoverUserId}' is not a known member.");
        }

        if (MayManage(handover, actor) is { } denied)
        {
            return denied;
        }

        if (SuccessorAssignment.Check(await directory.GetAsync(successorUserId, ct), successorUserId, handover.Userid, "successorUserId") is { } invalid)
        {
            return invalid;
        }

        var successor = (await directory.GetAsync(successorUserId, ct))!.Userid;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = AuditFormat.ToStoredTime(clock.GetUtcNow());
        var existing = await connection.QuerySingleOrDefaultAsync<RegisteredSuccessor>(new CommandDefinition(
            $"SELECT {Columns} FROM registered_successors WHERE handover_userid = @handover FOR UPDATE", new { handover = handover.Userid }, transaction, cancellationToken: ct));
        if (existing?.SuccessorUserid == successor)
        {
            return new SuccessorRegistration(existing, Created: false, Changed: false);
        }

        var row = await connection.QuerySingleAsync<RegisteredSuccessor>(new CommandDefinition(
            $"""
            INSERT INTO registered_successors ({Columns}) VALUES (@handover, @successor, @by, @now)
            ON CONFLICT (handover_userid) DO UPDATE SET successor_userid = EXCLUDED.successor_userid,
                registered_by = EXCLUDED.registered_by, registered_at = EXCLUDED.registered_at
            RETURNING {Columns}
            """, new { handover = handover.Userid, successor, by = actor.AuditName, now }, transaction, cancellationToken: ct));
        await audit.AppendAsync(connection, transaction,
            [AuditEntry.By(actor, existing is null ? "successor.register" : "successor.change", AuditEntity.RegisteredSuccessor, handover.Userid, Json(existing), Json(row))], ct);
        await transaction.CommitAsync(ct);
        return new SuccessorRegistration(row, Created: existing is null, Changed: true);
    }

    /// <returns>The removed registration, or NotFound when there was none.</returns>
    public async Task<Outcome<RegisteredSuccessor>> RemoveAsync(string handoverUserId, Actor actor, CancellationToken ct)
    {
        if (await directory.GetAsync(handoverUserId, ct) is { } handover && MayManage(handover, actor) is { } denied)
        {
            return denied;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var removed = await connection.QuerySingleOrDefaultAsync<RegisteredSuccessor>(new CommandDefinition(
            $"DELETE FROM registered_successors WHERE lower(handover_userid) = lower(@handoverUserId) RETURNING {Columns}",
            new { handoverUserId }, transaction, cancellationToken: ct));
        if (removed is null)
        {
            return Failure.NotFound($"No successor is registered for '{handoverUserId}'.");
        }

        await audit.AppendAsync(connection, transaction,
            [AuditEntry.By(actor, "successor.remove", AuditEntity.RegisteredSuccessor, removed.HandoverUserid, Json(removed), null)], ct);
        await transaction.CommitAsync(ct);
        return removed;
    }

    /// <summary>An admin registers successors for members of their own departments; an auditor for no one.</summary>
    private static Failure? MayManage(Member handover, Actor actor) =>
        actor.Rights is not { } rights || !rights.Covers(handover.Departments) ? Failure.NotFound($"No member '{handover.Userid}' in your departments.")
        : rights.MayAct ? null : Failure.NotAllowed("An auditor reads and changes nothing.");

    private static JsonObject? Json(RegisteredSuccessor? row) => row is null ? null : new()
    {
        ["successor_userid"] = row.SuccessorUserid,
        ["registered_by"] = row.RegisteredBy,
        ["registered_at"] = row.RegisteredAt,
    };
}
