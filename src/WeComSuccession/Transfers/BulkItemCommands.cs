using Dapper;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.Members;

namespace WeComSuccession.Transfers;

/// <summary>How far a bulk action got.</summary>
internal sealed record BulkOperation
{
    public long Id { get; init; }

    public string Action { get; init; } = "";

    public string Actor { get; init; } = "";

    public long[] Items { get; init; } = [];

    public int Done { get; init; }

    public int Changed { get; init; }

    public int Skipped { get; init; }

    public string? LastError { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? FinishedAt { get; init; }

    public int Total => Items.Length;
}

/// <summary>
/// <see cref="ItemCommands"/> over many items across departures (<c>bulk_operations</c>, owned here): the request
/// records the action and the items, a job carries it out a batch at a time — each departure's items through the
/// same command, as the person who asked, with the rights they hold when the batch runs — and counts as it goes,
/// so a page shows progress and a job cut short resumes where it stopped.
/// </summary>
internal sealed class BulkItemCommands(NpgsqlDataSource db, ItemCommands items, AdminRoles roles, JobQueue jobs, ServiceClock clock)
{
    public const int MaxItems = 100_000;
    private const int BatchSize = 500;

    /// <summary>Records a bulk action and starts its job.</summary>
    public async Task<Outcome<long>> StartAsync(string action, long[] itemIds, string? takeover, string? note, Actor actor, CancellationToken ct)
    {
        if (actor.Member is null || actor.Rights is not { MayAct: true })
        {
            return Failure.NotAllowed("A bulk action is taken by an admin.");
        }

        if (itemIds.Length is 0 or > MaxItems)
        {
            return Failure.Invalid("ids", $"Choose 1 to {MaxItems} items.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO bulk_operations (action, actor, door, takeover, note, items, created_at)
            VALUES (@action, @member, @door, @takeover, @note, @items, @now) RETURNING id
            """, new { action, member = actor.Member, door = actor.Door, takeover, note, items = itemIds.Distinct().ToArray(), now = clock.GetUtcNow() },
            cancellationToken: ct));
        await jobs.EnqueueAsync<BulkItemJob>(id, ct: ct);
        return id;
    }

    public async Task<BulkOperation?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BulkOperation>(new CommandDefinition(
            "SELECT id, action, actor, items, done, changed, skipped, last_error, created_at, finished_at FROM bulk_operations WHERE id = @id",
            new { id }, cancellationToken: ct));
    }

    /// <summary>Carries out what is left of the operation, a batch at a time.</summary>
    public async Task RunAsync(long id, CancellationToken ct)
    {
        while (await NextBatchAsync(id, ct) is var (operation, batch) && batch.Count > 0)
        {
            // The person acts with the rights they hold now: a role revoked meanwhile stops the rest.
            var rights = await roles.RightsOfAsync(operation.Actor, ct);
            var actor = new Actor(operation.Actor, operation.Door, rights);
            int changed = 0, skipped = 0;
            string? error = null;
            foreach (var succession in batch.GroupBy(b => b.SuccessionId))
            {
                long[] ids = [.. succession.Select(b => b.ItemId)];
                var outcome = operation.Action switch
                {
                    "retry" => await items.RetryAsync(succession.Key, ids, actor, ct),
                    "reassign" => await items.ReassignAsync(succession.Key, ids, operation.Takeover!, actor, ct),
                    _ => await items.MarkHandledAsync(succession.Key, ids, operation.Note ?? "", actor, ct),
                };
                if (outcome.Value is { } report)
                {
                    changed += report.Changed.Count;
                    skipped += report.Skipped.Count;
                    error ??= report.Skipped.Count > 0 ? report.Skipped[0].Reason : null;
                }
                else
                {
                    skipped += ids.Length;
                    error ??= outcome.Detail;
                }
            }

            await RecordAsync(id, batch.Count, changed, skipped, error, ct);
        }
    }

    private async Task<(Pending Operation, List<(long SuccessionId, long ItemId)> Batch)> NextBatchAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var operation = await connection.QuerySingleOrDefaultAsync<Pending>(new CommandDefinition(
            "SELECT action, actor, door, takeover, note, done, items[done + 1 : done + @BatchSize] AS batch FROM bulk_operations WHERE id = @id AND finished_at IS NULL",
            new { id, BatchSize }, cancellationToken: ct));
        if (operation is null)
        {
            return (new Pending(), []);
        }

        var owners = (await connection.QueryAsync<(long Id, long SuccessionId)>(new CommandDefinition(
            "SELECT id, succession_id FROM succession_items WHERE id = ANY(@batch)", new { operation.Batch }, cancellationToken: ct))).ToDictionary(r => r.Id, r => r.SuccessionId);

        // An id with no item left (it cannot happen today: items are never deleted) counts as done and skipped.
        return (operation, [.. operation.Batch.Select(i => (owners.GetValueOrDefault(i), i))]);
    }

    private async Task RecordAsync(long id, int done, int changed, int skipped, string? error, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE bulk_operations SET done = done + @done, changed = changed + @changed, skipped = skipped + @skipped,
                last_error = COALESCE(@error, last_error),
                finished_at = CASE WHEN done + @done >= cardinality(items) THEN @now END
            WHERE id = @id
            """, new { id, done, changed, skipped, error, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    private sealed record Pending
    {
        public string Action { get; init; } = "";

        public string Actor { get; init; } = "";

        public string Door { get; init; } = "";

        public string? Takeover { get; init; }

        public string? Note { get; init; }

        public long[] Batch { get; init; } = [];
    }
}
