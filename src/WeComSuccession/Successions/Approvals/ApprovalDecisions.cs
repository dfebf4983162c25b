using Dapper;
using Npgsql;

namespace WeComSuccession.Successions.Approvals;

/// <summary>One approver's decision in one round of a plan.</summary>
internal sealed record ApprovalDecision(long SuccessionId, short Round, string Approver, string Decision, string? Reason, string Door, string? TaskId, DateTime DecidedAt);

internal static class DecisionKind
{
    public const string Approve = "approve";

    /// <summary>Approve, and transfer a disabled member's customers at once with the on-job API.</summary>
    public const string TransferNow = "transfer_now";

    public const string Reject = "reject";
}

/// <summary>
/// Each approver's decision per round (<c>approval_decisions</c>, owned here): what a two-person review counts (two
/// distinct members in the current round; the same member twice is one). Written inside the decision's own
/// transaction (<see cref="SuccessionChange"/>), so a decision and its record commit together.
/// </summary>
internal sealed class ApprovalDecisions(NpgsqlDataSource db)
{
    private const string Columns = "succession_id, round, approver, decision, reason, door, task_id, decided_at";

    /// <summary>The decisions of the locked succession's current round.</summary>
    public static async Task<IReadOnlyList<ApprovalDecision>> OfRoundAsync(SuccessionChange change, CancellationToken ct) =>
        [.. await change.Connection.QueryAsync<ApprovalDecision>(new CommandDefinition(
            $"SELECT {Columns} FROM approval_decisions WHERE succession_id = @Id AND round = @ApprovalRound ORDER BY id",
            new { change.Succession.Id, change.Succession.ApprovalRound }, change.Transaction, cancellationToken: ct))];

    /// <summary>Records a decision in the locked succession's current round.</summary>
    /// <returns>False when this member has decided in this round already (nothing is written).</returns>
    public static async Task<bool> RecordAsync(SuccessionChange change, ApprovalDecision decision, CancellationToken ct) =>
        await change.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO approval_decisions (succession_id, round, approver, decision, reason, door, task_id, decided_at)
            VALUES (@SuccessionId, @Round, @Approver, @Decision, @Reason, @Door, @TaskId, @DecidedAt)
            ON CONFLICT (succession_id, round, lower(approver)) DO NOTHING
            """, decision, change.Transaction, cancellationToken: ct)) == 1;

    /// <summary>The decisions of a succession's round (for cards and pages).</summary>
    public async Task<IReadOnlyList<ApprovalDecision>> OfRoundAsync(long successionId, short round, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<ApprovalDecision>(new CommandDefinition(
            $"SELECT {Columns} FROM approval_decisions WHERE succession_id = @successionId AND round = @round ORDER BY id",
            new { successionId, round }, cancellationToken: ct))];
    }

    /// <summary>Whether <paramref name="userid"/> ever decided on the succession (so they may look at it again).</summary>
    public async Task<bool> HasDecidedAsync(long successionId, string userid, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM approval_decisions WHERE succession_id = @successionId AND lower(approver) = lower(@userid))",
            new { successionId, userid }, cancellationToken: ct));
    }
}
