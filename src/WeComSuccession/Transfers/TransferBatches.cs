using Dapper;
using Npgsql;
using WeComSuccession.Successions;

namespace WeComSuccession.Transfers;

/// <summary>
/// One row per transfer call (<c>transfer_batches</c>, owned here), written with its items set to
/// <c>submitting</c> in one transaction before the call leaves, so that after a crash the service knows exactly
/// which items to check with transfer_result before it sends anything again.
/// </summary>
internal sealed class TransferBatches(NpgsqlDataSource db, SuccessionStore store, ServiceClock clock)
{
    /// <returns>The batch id, and the items that became <c>submitting</c> (the others changed meanwhile).</returns>
    public async Task<(long BatchId, IReadOnlyList<SuccessionItem> Submitting)> BeginAsync(Succession s, string kind, string takeover, SuccessionItem[] chunk, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var batchId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO transfer_batches (succession_id, kind, api, handover_userid, takeover_userid, size, state, created_at)
            VALUES (@Id, @kind, @Api, @HandoverUserid, @takeover, @size, 'sending', @now) RETURNING id
            """,
            new { s.Id, kind, s.Api, s.HandoverUserid, takeover, size = chunk.Length, now = clock.GetUtcNow() }, transaction, cancellationToken: ct));
        var submitting = await store.UpdateAsync(connection, transaction,
            [.. chunk.Select(i => (i, i with { State = ItemState.Submitting, BatchId = batchId, Attempts = (short)(i.Attempts + 1), NotBefore = null }))], ct);
        await transaction.CommitAsync(ct);
        return (batchId, submitting);
    }

    /// <summary>Records how the call ended: <c>answered</c> (with the call-level errcode, if any) or <c>unknown</c>.</summary>
    public async Task EndAsync(long batchId, string state, int? errcode, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE transfer_batches SET state = @state, errcode = @errcode, answered_at = @now WHERE id = @batchId",
            new { batchId, state, errcode, now = clock.GetUtcNow() }, cancellationToken: ct));
    }
}
