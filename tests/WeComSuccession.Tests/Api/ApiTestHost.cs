using System.Net.Http.Json;
using Dapper;
using Npgsql;

namespace WeComSuccession.Tests.Api;

/// <summary>
/// The service with two API keys on a fresh database (xunit makes one class instance, so one database and
/// one host, per test), and plain-SQL seeding of the engine's tables.
/// </summary>
public abstract class ApiTestHost : IAsyncLifetime
{
    public const string KeyName = "tests";
    public const string Key = "test-key-0123456789abcdefghij";

    private readonly TestDatabase _database = new();
    private NpgsqlDataSource _db = null!;

    protected ServiceFactory Factory { get; private set; } = null!;

    /// <summary>Sends the API key on every request.</summary>
    protected HttpClient Client { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _db = _database.CreateDataSource();
        Factory = new ServiceFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["Admin:ApiKeys:0:Name"] = KeyName,
            ["Admin:ApiKeys:0:Key"] = Key,
            ["Admin:ApiKeys:1:Name"] = "other",
            ["Admin:ApiKeys:1:Key"] = "other-key-0123456789abcdefghij",
        });
        Client = Factory.CreateClient();
        Client.DefaultRequestHeaders.Add("X-Api-Key", Key);

        // The approvers that InsertSuccessionAsync lists by default.
        await InsertMemberAsync("leader1");
        await InsertMemberAsync("leader2");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await _db.DisposeAsync();
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static string NewUserId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    protected async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        return (await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, param, cancellationToken: Ct)))!;
    }

    protected async Task<List<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, param, cancellationToken: Ct))];
    }

    protected async Task ExecuteAsync(string sql, object? param = null)
    {
        await using var connection = await _db.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, param, cancellationToken: Ct));
    }

    protected Task InsertMemberAsync(string userId, short status = 1, bool customerContact = true) => ExecuteAsync(
        "INSERT INTO members (userid, name, status, customer_contact, updated_at) VALUES (@userId, @userId, @status, @customerContact, now())",
        new { userId, status, customerContact });

    protected Task<long> InsertSuccessionAsync(string handover, string state, string api = "resigned", DateTime? createdAt = null, string[]? approvers = null) => ScalarAsync<long>(
        """
        INSERT INTO successions (handover_userid, api, state, trigger, approvers, created_at, updated_at, completed_at)
        VALUES (@handover, @api, @state, 'callback', @approvers, @createdAt, @createdAt, CASE WHEN @state = 'completed' THEN @createdAt END)
        RETURNING id
        """,
        new { handover, api, state, approvers = approvers ?? ["leader1", "leader2"], createdAt = createdAt ?? new DateTime(2025, 11, 20, 8, 0, 0, DateTimeKind.Utc) });

    protected Task<long> InsertItemAsync(
        long successionId, string state, string kind = "customer", string? takeover = "successor", string? rule = "registered", string? reason = null, int? errcode = null) =>
        ScalarAsync<long>(
            """
            INSERT INTO succession_items (succession_id, kind, target_id, takeover_userid, rule, state, reason, errcode, not_before, updated_at)
            VALUES (@successionId, @kind, @target, @takeover, @rule, @state, @reason, @errcode,
                    CASE WHEN @state = 'failed' THEN timestamptz '2025-11-21 00:00:00Z' END, now())
            RETURNING id
            """,
            new { successionId, kind, target = NewUserId("wm"), takeover, rule, state, reason, errcode });

    protected async Task<(string State, string? Takeover, string? Rule, string? Reason, int? Errcode)> ItemAsync(long id) =>
        (await QueryAsync<(string, string?, string?, string?, int?)>(
            "SELECT state, takeover_userid, rule, reason, errcode FROM succession_items WHERE id = @id", new { id })).Single();

    protected Task<string> SuccessionStateAsync(long id) => ScalarAsync<string>("SELECT state FROM successions WHERE id = @id", new { id });

    protected Task<List<(string Actor, string Action, string? Before, string? After)>> AuditOfAsync(string entityType, long entityId) =>
        AuditOfAsync(entityType, entityId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    protected Task<List<(string Actor, string Action, string? Before, string? After)>> AuditOfAsync(string entityType, string entityId) =>
        QueryAsync<(string, string, string?, string?)>(
            "SELECT actor, action, before::text, after::text FROM audit_log WHERE entity_type = @entityType AND entity_id = @entityId AND actor <> 'system' ORDER BY id",
            new { entityType, entityId });

    /// <summary>Audit entries by people and machines (not the system).</summary>
    protected Task<long> AuditCountAsync() => ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE actor <> 'system'");

    protected async Task AssertChainValidAsync()
    {
        var verification = await Client.GetFromJsonAsync<Verification>("/api/v1/audit/verify", Ct);
        Assert.NotNull(verification);
        Assert.True(verification.Valid, $"audit chain broken at {verification.BrokenAt}: {verification.Reason}");
    }

    protected sealed record Verification(bool Valid, long Rows, long? BrokenAt, string? Problem, string? Reason, long? HeadId, string? HeadHash);
}
