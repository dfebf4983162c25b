using System.Buffers;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace WeComSuccession.Audit;

/// <summary>One stored audit row as the API shows it; before/after are jsonb's text.</summary>
internal sealed record AuditRow(long Id, DateTime At, string Actor, string Action, string EntityType, string EntityId, string? Before, string? After, byte[] PrevHash, byte[] Hash);

/// <summary>What <see cref="AuditLog.VerifyAsync"/> found. <see cref="Rows"/> counts the rows found intact
/// (before <see cref="BrokenAt"/> when the chain is broken). The head may be recorded elsewhere: the chain
/// alone cannot show that its newest rows were cut off.</summary>
internal sealed record AuditVerification(
    bool Valid,
    long Rows,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? BrokenAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Problem = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? HeadId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HeadHash = null);

/// <summary>Values of <see cref="AuditVerification.Problem"/>.</summary>
internal static class AuditProblem
{
    /// <summary>A row's content, hash or columns differ from what was hashed when it was appended.</summary>
    public const string Edited = "edited";

    /// <summary>Ids are contiguous from 1; <see cref="AuditVerification.BrokenAt"/> is the first missing id.</summary>
    public const string Deleted = "deleted";

    /// <summary>An intact row sits at another id than the one it was appended with.</summary>
    public const string Reordered = "reordered";
}

/// <summary>
/// The append-only, hash-chained audit log (format in <see cref="AuditFormat"/>). Entries are appended inside
/// the caller's transaction, so a change and its audit rows commit or roll back together; a transaction-scoped
/// advisory lock makes appends from every node take turns, which keeps the chain linear and the ids contiguous.
/// The lock is held until the caller commits: append last, just before the commit.
/// </summary>
internal sealed partial class AuditLog(NpgsqlDataSource db, ServiceClock clock, ILogger<AuditLog> logger)
{
    // An arbitrary constant shared by every node ("WCSaudit").
    private const long LockKey = 0x5743_5361_7564_6974;

    /// <summary>Appends <paramref name="entries"/> in order, all with the same time, in one binary COPY.</summary>
    /// <returns>The id of the last entry appended (0 when <paramref name="entries"/> is empty).</returns>
    public async Task<long> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(entries);
        if (transaction.Connection != connection)
        {
            throw new ArgumentException("The transaction belongs to another connection.", nameof(transaction));
        }

        // Under REPEATABLE READ or SERIALIZABLE the snapshot may predate the lock, and the head read below
        // would be stale (the primary key would then fail the append rather than fork the chain).
        if (transaction.IsolationLevel is not (IsolationLevel.Unspecified or IsolationLevel.ReadCommitted))
        {
            throw new ArgumentException("Audit entries are appended in READ COMMITTED transactions.", nameof(transaction));
        }

        if (entries.Count == 0)
        {
            return 0;
        }

        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, transaction, cancellationToken: ct));
        var head = await connection.QuerySingleOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", transaction: transaction, cancellationToken: ct));

        var at = AuditFormat.ToStoredTime(clock.GetUtcNow());
        var id = head?.Id ?? 0;
        var previous = head?.Hash ?? AuditFormat.GenesisHash.ToArray();
        var firstId = id + 1;
        var canonical = new ArrayBufferWriter<byte>(512);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY audit_log (id, at, actor, action, entity_type, entity_id, before, after, canonical, prev_hash, hash) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var entry in entries)
            {
                id++;
                var before = entry.Before?.ToJsonString(AuditFormat.JsonOptions);
                var after = entry.After?.ToJsonString(AuditFormat.JsonOptions);
                AuditFormat.WriteCanonical(canonical, id, at, entry.Actor, entry.Action, entry.EntityType, entry.EntityId, before, after);
                var hash = new byte[AuditFormat.HashSize];
                AuditFormat.ComputeHash(sha256, previous, canonical.WrittenSpan, hash);

                await import.StartRowAsync(ct);
                await import.WriteAsync(id, NpgsqlDbType.Bigint, ct);
                await import.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                await import.WriteAsync(entry.Actor, NpgsqlDbType.Text, ct);
                await import.WriteAsync(entry.Action, NpgsqlDbType.Text, ct);
                await import.WriteAsync(entry.EntityType, NpgsqlDbType.Text, ct);
                await import.WriteAsync(entry.EntityId, NpgsqlDbType.Text, ct);
                await WriteJsonbAsync(import, before, ct);
                await WriteJsonbAsync(import, after, ct);
                await import.WriteAsync(Encoding.UTF8.GetString(canonical.WrittenSpan), NpgsqlDbType.Text, ct);
                await import.WriteAsync(previous, NpgsqlDbType.Bytea, ct);
                await import.WriteAsync(hash, NpgsqlDbType.Bytea, ct);
                previous = hash;
            }

            await import.CompleteAsync(ct);
        }

        LogAppended(logger, entries.Count, firstId, id);
        return id;
    }

    /// <summary>Entries after id <paramref name="after"/>, oldest first, optionally of one entity type and id.</summary>
    public async Task<IReadOnlyList<AuditRow>> ListAsync(string? entityType, string? entityId, long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<AuditRow>(new CommandDefinition(
            """
            SELECT id, at, actor, action, entity_type, entity_id, before::text AS before, after::text AS after, prev_hash, hash
            FROM audit_log
            WHERE id > @after
              AND (@entityType::text IS NULL OR entity_type = @entityType)
              AND (@entityId::text IS NULL OR entity_id = @entityId)
            ORDER BY id
            LIMIT @limit
            """, new { entityType, entityId, after, limit }, cancellationToken: ct))];
    }

    /// <summary>
    /// Walks the whole chain in id order, one row at a time, and stops at the first row that is not what was
    /// appended: content or hash edited, a row missing, or an intact row moved to another id.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Streamed with a plain reader: Dapper's unbuffered query takes no CancellationToken.
        await using var command = new NpgsqlCommand(
            """
            SELECT id, at, actor, action, entity_type, entity_id, before::text, after::text, canonical, prev_hash, hash
            FROM audit_log
            ORDER BY id
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var previous = AuditFormat.GenesisHash.ToArray();
        var expectedId = 1L;
        var rows = 0L;
        while (await reader.ReadAsync(ct))
        {
            var row = new StoredAuditRow(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTime>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                await reader.IsDBNullAsync(6, ct) ? null : reader.GetString(6),
                await reader.IsDBNullAsync(7, ct) ? null : reader.GetString(7),
                reader.GetString(8),
                reader.GetFieldValue<byte[]>(9),
                reader.GetFieldValue<byte[]>(10));
            if (Check(row, previous, expectedId, sha256) is { } broken)
            {
                // A re-hashed row is found one row late: it was counted as intact.
                var rehashed = broken.Problem == AuditProblem.Edited && broken.BrokenAt < row.Id;
                LogBroken(logger, broken.BrokenAt.GetValueOrDefault(), broken.Problem!);
                return broken with { Rows = rehashed ? rows - 1 : rows };
            }

            previous = row.Hash;
            expectedId = row.Id + 1;
            rows++;
        }

        return new AuditVerification(true, rows, HeadId: rows == 0 ? null : expectedId - 1, HeadHash: rows == 0 ? null : Convert.ToHexStringLower(previous));
    }

    /// <summary>Checks one row against the previous row's hash; null when it is intact and in place.</summary>
    internal static AuditVerification? Check(StoredAuditRow row, byte[] previousHash, long expectedId, IncrementalHash sha256)
    {
        var canonical = Encoding.UTF8.GetBytes(row.Canonical);
        var computed = new byte[AuditFormat.HashSize];
        AuditFormat.ComputeHash(sha256, row.PrevHash, canonical, computed);
        if (!CryptographicOperations.FixedTimeEquals(computed, row.Hash))
        {
            return Broken(row.Id, AuditProblem.Edited, $"row {row.Id}: its hash does not match its content and prev_hash");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(canonical);
        }
        catch (JsonException)
        {
            return Broken(row.Id, AuditProblem.Edited, $"row {row.Id}: its hashed content is not an audit entry");
        }

        using (document)
        {
            var fields = document.RootElement;
            if (fields.ValueKind != JsonValueKind.Array || fields.GetArrayLength() != 9 || fields[0].ValueKind != JsonValueKind.String
                || fields[0].GetString() != AuditFormat.Version || !fields[1].TryGetInt64(out var hashedId))
            {
                return Broken(row.Id, AuditProblem.Edited, $"row {row.Id}: its hashed content is not an audit entry");
            }

            if (hashedId != row.Id)
            {
                return Broken(row.Id, AuditProblem.Reordered, $"row {row.Id} holds entry {hashedId}, intact but moved");
            }

            if (FirstDifferentColumn(row, fields) is { } column)
            {
                return Broken(row.Id, AuditProblem.Edited, $"row {row.Id}: column {column} differs from the hashed content");
            }
        }

        if (row.Id != expectedId)
        {
            return Broken(expectedId, AuditProblem.Deleted, expectedId == row.Id - 1
                ? $"row {expectedId} is missing (row {row.Id} follows row {expectedId - 1})"
                : $"rows {expectedId}..{row.Id - 1} are missing (row {row.Id} follows row {expectedId - 1})");
        }

        if (!CryptographicOperations.FixedTimeEquals(row.PrevHash, previousHash))
        {
            // This row is intact, so the previous one (also intact by itself) was rewritten and re-hashed,
            // or row 1 no longer starts from the genesis hash.
            return row.Id == 1
                ? Broken(1, AuditProblem.Edited, "row 1 does not start from the genesis hash")
                : Broken(row.Id - 1, AuditProblem.Edited, $"row {row.Id - 1} was rewritten and re-hashed: row {row.Id} was chained to another hash");
        }

        return null;
    }

    private static string? FirstDifferentColumn(StoredAuditRow row, JsonElement fields)
    {
        if (!IsString(fields[2], AuditFormat.FormatTime(row.At)))
        {
            return "at";
        }

        if (!IsString(fields[3], row.Actor))
        {
            return "actor";
        }

        if (!IsString(fields[4], row.Action))
        {
            return "action";
        }

        if (!IsString(fields[5], row.EntityType))
        {
            return "entity_type";
        }

        if (!IsString(fields[6], row.EntityId))
        {
            return "entity_id";
        }

        if (!SameJson(fields[7], row.Before))
        {
            return "before";
        }

        return SameJson(fields[8], row.After) ? null : "after";
    }

    private static bool IsString(JsonElement element, string value) => element.ValueKind == JsonValueKind.String && element.ValueEquals(value);

    /// <summary>By value: jsonb keeps neither key order nor number spelling.</summary>
    private static bool SameJson(JsonElement hashed, string? stored)
    {
        if (stored is null)
        {
            return hashed.ValueKind == JsonValueKind.Null;
        }

        using var document = JsonDocument.Parse(stored);
        return JsonElement.DeepEquals(hashed, document.RootElement);
    }

    private static AuditVerification Broken(long id, string problem, string reason) => new(false, 0, id, problem, reason);

    private sealed record ChainHead(long Id, byte[] Hash);

    [LoggerMessage(EventId = 900, Level = LogLevel.Debug, Message = "Appended {Count} audit entries, {FirstId}..{LastId}")]
    private static partial void LogAppended(ILogger logger, int count, long firstId, long lastId);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Audit chain broken at row {Id}: {Problem}")]
    private static partial void LogBroken(ILogger logger, long id, string problem);

    private static async Task WriteJsonbAsync(NpgsqlBinaryImporter import, string? json, CancellationToken ct)
    {
        if (json is null)
        {
            await import.WriteNullAsync(ct);
        }
        else
        {
            await import.WriteAsync(json, NpgsqlDbType.Jsonb, ct);
        }
    }
}

/// <summary>One row as the verifier reads it: every column, before/after as jsonb's text.</summary>
internal sealed record StoredAuditRow(long Id, DateTime At, string Actor, string Action, string EntityType, string EntityId, string? Before, string? After, string Canonical, byte[] PrevHash, byte[] Hash);
