using Dapper;
using Npgsql;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Callbacks;

/// <summary>One stored callback: the decrypted event, waiting for (or done with) its processing job.
/// Times are UTC <see cref="DateTime"/>s, as Npgsql reads timestamptz.</summary>
internal sealed record InboxRow(long Id, string DedupeKey, string Event, string? ChangeType, string Payload, DateTime ReceivedAt, int Deliveries, DateTime? ProcessedAt);

/// <summary>
/// The durable inbox. A callback is answered 200 only after <see cref="AddAsync"/> returned, and a retry of
/// the same event (same dedupe key) only counts a delivery, so it cannot start a second succession.
/// </summary>
internal sealed class CallbackInbox(NpgsqlDataSource db, ServiceClock clock)
{
    /// <returns>The row id, and whether this delivery was the first of its event.</returns>
    public async Task<(long Id, bool IsNew)> AddAsync(CallbackEvent evt, string payload, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<(long, bool)>(new CommandDefinition(
            """
            INSERT INTO callback_inbox (dedupe_key, corp_id, event, change_type, payload, received_at)
            VALUES (@DedupeKey, @CorpId, @Event, @ChangeType, @Payload, @Now)
            ON CONFLICT (dedupe_key) DO UPDATE SET deliveries = callback_inbox.deliveries + 1
            RETURNING id, (xmax = 0) AS is_new
            """,
            new { evt.DedupeKey, evt.Header.CorpId, evt.Header.Event, evt.Header.ChangeType, Payload = payload, Now = clock.GetUtcNow() },
            cancellationToken: ct));
    }

    public async Task MarkProcessedAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE callback_inbox SET processed_at = @Now WHERE id = @id AND processed_at IS NULL",
            new { id, Now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>Rows received before <paramref name="olderThan"/> that are still unprocessed: their job was lost.</summary>
    public async Task<IReadOnlyList<long>> UnprocessedAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM callback_inbox WHERE processed_at IS NULL AND received_at < @olderThan ORDER BY id LIMIT @limit",
            new { olderThan, limit }, cancellationToken: ct))];
    }

    public async Task<InboxRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<InboxRow>(new CommandDefinition(
            """
            SELECT id, dedupe_key, event, change_type, payload, received_at, deliveries, processed_at
            FROM callback_inbox WHERE id = @id
            """, new { id }, cancellationToken: ct));
    }
}
