using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WeComSuccession.Audit;

namespace WeComSuccession.Api;

internal sealed record RegisteredSuccessorRow(string HandoverUserid, string SuccessorUserid, string RegisteredBy, DateTime RegisteredAt);

/// <summary>The outcome of a PUT: the row as it is now, and whether it was created or changed (neither = already so).</summary>
internal sealed record SuccessorPut(RegisteredSuccessorRow Row, bool Created, bool Changed);

/// <summary>Successors named in advance (<c>registered_successors</c>); each change is audited in its transaction.</summary>
internal sealed class SuccessorStore(NpgsqlDataSource db, AuditLog audit, ServiceClock clock)
{
    private const string Columns = "handover_userid, successor_userid, registered_by, registered_at";

    public async Task<IReadOnlyList<RegisteredSuccessorRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<RegisteredSuccessorRow>(new CommandDefinition(
            $"SELECT {Columns} FROM registered_successors ORDER BY handover_userid", cancellationToken: ct))];
    }

    public async Task<RegisteredSuccessorRow?> GetAsync(string handoverUserId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RegisteredSuccessorRow>(new CommandDefinition(
            $"SELECT {Columns} FROM registered_successors WHERE handover_userid = @handoverUserId", new { handoverUserId }, cancellationToken: ct));
    }

    public async Task<StoreResult<SuccessorPut>> PutAsync(string handoverUserId, string successorUserId, string actor, CancellationToken ct)
    {
        if (handoverUserId == successorUserId)
        {
            return StoreError.Invalid("successorUserId", "A member cannot succeed themself.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await MemberChecks.EligibleSuccessorAsync(connection, transaction, successorUserId, "successorUserId", ct) is { } invalid)
        {
            return invalid;
        }

        var now = AuditFormat.ToStoredTime(clock.GetUtcNow());
        var created = await connection.QuerySingleOrDefaultAsync<RegisteredSuccessorRow>(new CommandDefinition(
            $"""
            INSERT INTO registered_successors ({Columns}) VALUES (@handoverUserId, @successorUserId, @actor, @now)
            ON CONFLICT (handover_userid) DO NOTHING
            RETURNING {Columns}
            """, new { handoverUserId, successorUserId, actor, now }, transaction, cancellationToken: ct));
        SuccessorPut result;
        if (created is not null)
        {
            result = new SuccessorPut(created, Created: true, Changed: true);
            await audit.AppendAsync(connection, transaction, [new AuditEntry(actor, "successor.register", AuditEntity.RegisteredSuccessor, handoverUserId, null, Json(created))], ct);
        }
        else
        {
            var existing = await connection.QuerySingleOrDefaultAsync<RegisteredSuccessorRow>(new CommandDefinition(
                $"SELECT {Columns} FROM registered_successors WHERE handover_userid = @handoverUserId FOR UPDATE", new { handoverUserId }, transaction, cancellationToken: ct));
            if (existing is null)
            {
                return StoreError.Conflict($"The successor of '{handoverUserId}' was removed meanwhile; send the request again.");
            }

            if (existing.SuccessorUserid == successorUserId)
            {
                return new SuccessorPut(existing, Created: false, Changed: false);
            }

            var changed = await connection.QuerySingleAsync<RegisteredSuccessorRow>(new CommandDefinition(
                $"""
                UPDATE registered_successors SET successor_userid = @successorUserId, registered_by = @actor, registered_at = @now
                WHERE handover_userid = @handoverUserId
                RETURNING {Columns}
                """, new { handoverUserId, successorUserId, actor, now }, transaction, cancellationToken: ct));
            result = new SuccessorPut(changed, Created: false, Changed: true);
            await audit.AppendAsync(connection, transaction, [new AuditEntry(actor, "successor.change", AuditEntity.RegisteredSuccessor, handoverUserId, Json(existing), Json(changed))], ct);
        }

        await transaction.CommitAsync(ct);
        return result;
    }

    /// <returns>The removed row, or null when there was none.</returns>
    public async Task<RegisteredSuccessorRow?> DeleteAsync(string handoverUserId, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var removed = await connection.QuerySingleOrDefaultAsync<RegisteredSuccessorRow>(new CommandDefinition(
            $"DELETE FROM registered_successors WHERE handover_userid = @handoverUserId RETURNING {Columns}", new { handoverUserId }, transaction, cancellationToken: ct));
        if (removed is null)
        {
            return null;
        }

        await audit.AppendAsync(connection, transaction, [new AuditEntry(actor, "successor.remove", AuditEntity.RegisteredSuccessor, handoverUserId, Json(removed), null)], ct);
        await transaction.CommitAsync(ct);
        return removed;
    }

    private static JsonObject Json(RegisteredSuccessorRow row) => new()
    {
        ["successor_userid"] = row.SuccessorUserid,
        ["registered_by"] = row.RegisteredBy,
        ["registered_at"] = row.RegisteredAt,
    };
}
