using System.Diagnostics;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Tests.Audit;

/// <summary>The chain on a real PostgreSQL; each test (one class instance) gets its own database.</summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private NpgsqlDataSource _db = null!;
    private AuditLog _log = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _db = _database.CreateDataSource();
        await new SchemaMigrator(_db, SchemaMigrator.EmbeddedMigrations(typeof(AuditLog).Assembly), NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        _log = new AuditLog(_db, WeComSuccession.Infrastructure.ServiceClock.Real, NullLogger<AuditLog>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Append_ThreeEntries_ChainVerifiesWithItsHead()
    {
        var last = await AppendAsync(Entries(3));

        var result = await _log.VerifyAsync(Ct);

        Assert.Equal(3, last);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(3, result.Rows);
        Assert.Equal(3, result.HeadId);
        var hash = await ScalarAsync<byte[]>("SELECT hash FROM audit_log WHERE id = 3");
        Assert.Equal(Convert.ToHexStringLower(hash), result.HeadHash);
    }

    [Fact]
    public async Task Verify_EmptyLog_IsValidWithNoRows()
    {
        var result = await _log.VerifyAsync(Ct);

        Assert.True(result.Valid);
        Assert.Equal(0, result.Rows);
        Assert.Null(result.HeadId);
    }

    [Fact]
    public async Task Append_JsonThatJsonbRewrites_StillVerifies()
    {
        // jsonb sorts keys (shorter first), drops duplicate whitespace and rewrites 1e2 as 100.
        var before = new JsonObject { ["zeta"] = 1, ["a"] = JsonNode.Parse("1e2"), ["nested"] = new JsonObject { ["y"] = 1.50m, ["x"] = "客户 \"quoted\" \\ 😀\t" } };
        await AppendAsync([new AuditEntry("system", "item.transition", "succession_item", "42", before, new JsonObject { ["state"] = "queued", ["list"] = new JsonArray(3, 2, 1) })]);

        var stored = await ScalarAsync<string>("SELECT before::text FROM audit_log WHERE id = 1");
        var result = await _log.VerifyAsync(Ct);

        Assert.StartsWith("{\"a\": 100", stored, StringComparison.Ordinal);
        Assert.True(result.Valid, result.Reason);
    }

    [Fact]
    public async Task Append_RolledBack_LeavesNoGap()
    {
        await AppendAsync(Entries(2));
        await using (var connection = await _db.OpenConnectionAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await _log.AppendAsync(connection, transaction, Entries(5), Ct);
            await transaction.RollbackAsync(Ct);
        }

        var last = await AppendAsync(Entries(1));

        Assert.Equal(3, last);
        Assert.True((await _log.VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task Append_InRepeatableReadTransaction_IsRefused()
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => _log.AppendAsync(connection, transaction, Entries(1), Ct));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2")]
    [InlineData("DELETE FROM audit_log WHERE id = 2")]
    [InlineData("DELETE FROM audit_log")]
    public async Task Change_WithRulesEnabled_IsRejectedAndChangesNothing(string sql)
    {
        await AppendAsync(Entries(3));

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(sql));

        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(3, await ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE actor = 'api-key:tests'"));
        Assert.True((await _log.VerifyAsync(Ct)).Valid);
    }

    [Theory]
    [InlineData("actor = 'api-key:someone-else'", "actor")]
    [InlineData("at = at + interval '1 second'", "at")]
    [InlineData("after = '{\"state\": \"transferred\"}'", "after")]
    [InlineData("before = NULL", "before")]
    [InlineData("entity_id = '999'", "entity_id")]
    public async Task Verify_ColumnEditedBySuperuser_ReportsEditedAtThatRow(string set, string column)
    {
        await AppendAsync(Entries(10));

        await AsSuperuserWithoutRulesAsync($"UPDATE audit_log SET {set} WHERE id = 5");
        var result = await _log.VerifyAsync(Ct);

        Assert.False(result.Valid);
        Assert.Equal(5, result.BrokenAt);
        Assert.Equal(AuditProblem.Edited, result.Problem);
        Assert.Contains($"column {column}", result.Reason, StringComparison.Ordinal);
        Assert.Equal(4, result.Rows);
    }

    [Fact]
    public async Task Verify_HashedContentEdited_ReportsEditedAtThatRow()
    {
        await AppendAsync(Entries(10));

        await AsSuperuserWithoutRulesAsync("UPDATE audit_log SET canonical = replace(canonical, 'api-key:tests', 'api-key:other') WHERE id = 7");
        var result = await _log.VerifyAsync(Ct);

        Assert.Equal((false, 7L, AuditProblem.Edited), (result.Valid, result.BrokenAt!.Value, result.Problem));
    }

    [Fact]
    public async Task Verify_RowRewrittenAndRehashed_ReportsEditedAtThatRow()
    {
        await AppendAsync(Entries(10));
        var row = (await QueryAsync<(string Canonical, byte[] PrevHash)>("SELECT canonical, prev_hash FROM audit_log WHERE id = 5")).Single();
        var forged = row.Canonical.Replace("api-key:tests", "api-key:other", StringComparison.Ordinal);
        using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var hash = new byte[AuditFormat.HashSize];
        AuditFormat.ComputeHash(sha256, row.PrevHash, System.Text.Encoding.UTF8.GetBytes(forged), hash);

        await AsSuperuserWithoutRulesAsync("UPDATE audit_log SET actor = 'api-key:other', canonical = @forged, hash = @hash WHERE id = 5", new { forged, hash });
        var result = await _log.VerifyAsync(Ct);

        Assert.Equal((false, 5L, AuditProblem.Edited), (result.Valid, result.BrokenAt!.Value, result.Problem));
        Assert.Equal(4, result.Rows);
    }

    [Fact]
    public async Task Verify_RowDeletedBySuperuser_ReportsTheMissingId()
    {
        await AppendAsync(Entries(10));

        await AsSuperuserWithoutRulesAsync("DELETE FROM audit_log WHERE id = 6");
        var result = await _log.VerifyAsync(Ct);

        Assert.Equal((false, 6L, AuditProblem.Deleted), (result.Valid, result.BrokenAt!.Value, result.Problem));
        Assert.Equal(5, result.Rows);
    }

    [Fact]
    public async Task Verify_FirstRowDeleted_ReportsTheMissingId()
    {
        await AppendAsync(Entries(3));

        await AsSuperuserWithoutRulesAsync("DELETE FROM audit_log WHERE id = 1");
        var result = await _log.VerifyAsync(Ct);

        Assert.Equal((false, 1L, AuditProblem.Deleted), (result.Valid, result.BrokenAt!.Value, result.Problem));
    }

    [Fact]
    public async Task Verify_RowDeletedAndLaterIdsShifted_ReportsReordered()
    {
        await AppendAsync(Entries(10));

        await AsSuperuserWithoutRulesAsync("DELETE FROM audit_log WHERE id = 4; UPDATE audit_log SET id = id - 1 WHERE id > 4");
        var result = await _log.VerifyAsync(Ct);

        Assert.Equal((false, 4L, AuditProblem.Reordered), (result.Valid, result.BrokenAt!.Value, result.Problem));
        Assert.Contains("holds entry 5", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TwoRowsSwapped_ReportsReordered()
    {
        await AppendAsync(Entries(10));

        await AsSuperuserWithoutRulesAsync("UPDATE audit_log SET id = -8 WHERE id = 8; UPDATE audit_log SET id = 8 WHERE id = 9; UPDATE audit_log SET id = 9 WHERE id = -8");
        var result = await _log.VerifyAsync(Ct);

        Assert.Equal((false, 8L, AuditProblem.Reordered), (result.Valid, result.BrokenAt!.Value, result.Problem));
    }

    [Fact]
    public async Task Append_EightConcurrentWriters_KeepOneValidChain()
    {
        const int writers = 8, transactions = 25, perTransaction = 4;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var t = 0; t < transactions; t++)
            {
                await AppendAsync(Entries(perTransaction, $"writer-{writer}"));
            }
        }, Ct)));
        var result = await _log.VerifyAsync(Ct);

        Assert.True(result.Valid, result.Reason);
        Assert.Equal(writers * transactions * perTransaction, result.Rows);
        // Each transaction's entries are consecutive: the lock is held from the first append to the commit.
        var runs = await ScalarAsync<long>("SELECT count(*) FROM (SELECT actor, lag(actor) OVER (ORDER BY id) AS previous FROM audit_log) r WHERE actor IS DISTINCT FROM previous");
        Assert.True(runs >= writers && runs <= writers * transactions, $"{runs} runs of one writer's entries");
    }

    [Fact]
    public async Task Append_TenThousandEntriesInOneCall_TakesUnderFiveSeconds()
    {
        var entries = Entries(10_000);

        var watch = Stopwatch.StartNew();
        var last = await AppendAsync(entries);
        var appended = watch.Elapsed;
        watch.Restart();
        var result = await _log.VerifyAsync(Ct);
        var verified = watch.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"append 10,000: {appended.TotalMilliseconds:F0} ms; verify: {verified.TotalMilliseconds:F0} ms");
        Assert.Equal(10_000, last);
        Assert.True(result.Valid, result.Reason);
        Assert.True(appended < TimeSpan.FromSeconds(5), $"append took {appended.TotalMilliseconds:F0} ms");
    }

    private static List<AuditEntry> Entries(int count, string actor = "api-key:tests") =>
        [.. Enumerable.Range(1, count).Select(i => new AuditEntry(
            actor, "item.retry", AuditEntity.Item, i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new JsonObject { ["state"] = "failed", ["reason"] = "40099 外部联系人的数量已达到上限", ["errcode"] = 40099, ["takeover_userid"] = "lisi" },
            new JsonObject { ["state"] = "queued", ["reason"] = null, ["errcode"] = null, ["takeover_userid"] = "lisi" }))];

    private async Task<long> AppendAsync(IReadOnlyList<AuditEntry> entries)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        var last = await _log.AppendAsync(connection, transaction, entries, Ct);
        await transaction.CommitAsync(Ct);
        return last;
    }

    /// <summary>The tamperer: a superuser session that switches the append-only rules off.</summary>
    private async Task AsSuperuserWithoutRulesAsync(string sql, object? param = null)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition("SET session_replication_role = replica", cancellationToken: Ct));
        await connection.ExecuteAsync(new CommandDefinition(sql, param, cancellationToken: Ct));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: Ct));
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        return (await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, cancellationToken: Ct)))!;
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, cancellationToken: Ct))];
    }
}
