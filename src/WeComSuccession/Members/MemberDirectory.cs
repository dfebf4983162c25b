using Dapper;
using Npgsql;
using WeComSuccession.Infrastructure.Db;

namespace WeComSuccession.Members;

/// <summary>A member who may inherit, with the customers they hold (as of the last directory sync) and whether they are near the leaver.</summary>
internal sealed record SuccessorCandidate(string Userid, string? Name, int? Load, bool Near);

/// <summary>
/// The members table: the directory snapshot that outlives a member's deletion from WeCom. Userids are stored as
/// WeCom spells them and matched without regard to case, as WeCom matches them.
/// </summary>
internal sealed class MemberDirectory(NpgsqlDataSource db, ServiceClock clock)
{
    private const string Columns = "userid, name, status, departments, leader_of, main_department, direct_leaders, customer_contact, departed_at, customer_count";

    /// <summary>
    /// Members who may inherit (<see cref="Eligibility.AsSuccessor"/>) whose name or userid contains
    /// <paramref name="search"/>, within <paramref name="scope"/> (departments, null: all), fewest customers first.
    /// </summary>
    public async Task<IReadOnlyList<Member>> SearchEligibleAsync(string? search, IReadOnlySet<long>? scope, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var pattern = Like.Containing(search);
        return [.. await connection.QueryAsync<Member>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM members
            WHERE status = 1 AND departed_at IS NULL AND customer_contact
              AND (userid ILIKE @pattern ESCAPE '\' OR name ILIKE @pattern ESCAPE '\')
              AND (@scope::bigint[] IS NULL OR departments && @scope)
            ORDER BY customer_count NULLS LAST, userid
            LIMIT @limit
            """, new { pattern, scope = scope?.ToArray(), limit }, cancellationToken: ct))];
    }

    /// <summary>Records how many customers WeCom counted for a member now.</summary>
    public async Task SetCustomerCountAsync(string userid, int count, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE members SET customer_count = @count, customer_count_at = @now WHERE userid = @userid",
            new { userid, count, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<Member?> GetAsync(string userid, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Member>(new CommandDefinition(
            $"SELECT {Columns} FROM members WHERE lower(userid) = lower(@userid)", new { userid }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Member>> GetManyAsync(IEnumerable<string> userids, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Member>(new CommandDefinition(
            $"SELECT {Columns} FROM members WHERE userid = ANY(@ids)", new { ids = userids.Distinct().ToArray() }, cancellationToken: ct))];
    }

    /// <summary>Leaders of any of <paramref name="departments"/>, in department order.</summary>
    public async Task<IReadOnlyList<Member>> LeadersOfAsync(long[] departments, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Member>(new CommandDefinition(
            $"SELECT {Columns} FROM members WHERE leader_of && @departments ORDER BY userid", new { departments }, cancellationToken: ct))];
    }

    /// <summary>Everyone in <paramref name="department"/>: the pool a departed member's customers can be spread over.</summary>
    public async Task<IReadOnlyList<Member>> InDepartmentAsync(long department, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Member>(new CommandDefinition(
            $"SELECT {Columns} FROM members WHERE departments @> ARRAY[@department]::bigint[] ORDER BY userid", new { department }, cancellationToken: ct))];
    }

    /// <summary>
    /// Members who may inherit customers (<see cref="Eligibility.AsSuccessor"/>: active, not departed, with 客户联系), with
    /// their load (customers at the last directory sync): those in <paramref name="near"/> first, then the lightest loaded.
    /// </summary>
    public async Task<IReadOnlyList<SuccessorCandidate>> SuccessorCandidatesAsync(long[] near, string? search, int limit, CancellationToken ct)
    {
        var pattern = string.IsNullOrWhiteSpace(search) ? null : Like.Containing(search);
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SuccessorCandidate>(new CommandDefinition(
            """
            SELECT userid, name, customer_count AS load, departments && @near AS near
            FROM members
            WHERE status = 1 AND departed_at IS NULL AND customer_contact
              AND (@pattern::text IS NULL OR userid ILIKE @pattern ESCAPE '\' OR name ILIKE @pattern ESCAPE '\')
            ORDER BY departments && @near DESC, customer_count NULLS LAST, userid
            LIMIT @limit
            """, new { near, pattern, limit }, cancellationToken: ct))];
    }

    /// <summary>
    /// Active members whose userid or name contains <paramref name="text"/> (any case), userids that start with it
    /// first, then by name: the people a page lets someone choose.
    /// </summary>
    public async Task<IReadOnlyList<Member>> SearchAsync(string text, int limit, CancellationToken ct)
    {
        var pattern = Like.Containing(text);
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Member>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM members
            WHERE status = @Active AND departed_at IS NULL AND (userid ILIKE @pattern ESCAPE '\' OR name ILIKE @pattern ESCAPE '\')
            ORDER BY starts_with(lower(userid), lower(@prefix)) DESC, name, userid
            LIMIT @limit
            """, new { pattern, prefix = text.Trim(), Member.Active, limit }, cancellationToken: ct))];
    }

    /// <summary>Records what WeCom says about a member now (spelled as WeCom spells them). A departed member stays departed.</summary>
    public async Task UpsertAsync(Member m, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO members (userid, name, status, departments, leader_of, main_department, direct_leaders, customer_contact, departed_at, updated_at)
            VALUES (@Userid, @Name, @Status, @Departments, @LeaderOf, @MainDepartment, @DirectLeaders, @CustomerContact, @DepartedAt, @Now)
            ON CONFLICT (lower(userid)) DO UPDATE SET
                name = COALESCE(EXCLUDED.name, members.name),
                status = EXCLUDED.status,
                departments = EXCLUDED.departments,
                leader_of = EXCLUDED.leader_of,
                main_department = EXCLUDED.main_department,
                direct_leaders = EXCLUDED.direct_leaders,
                customer_contact = EXCLUDED.customer_contact OR members.customer_contact,
                departed_at = COALESCE(members.departed_at, EXCLUDED.departed_at),
                updated_at = EXCLUDED.updated_at
            """,
            new { m.Userid, m.Name, m.Status, m.Departments, m.LeaderOf, m.MainDepartment, m.DirectLeaders, m.CustomerContact, m.DepartedAt, Now = clock.GetUtcNow() },
            cancellationToken: ct));
    }

    /// <summary>Marks a member departed (deleted, quit, or no longer readable), keeping what was known of them but their status.</summary>
    public async Task MarkDepartedAsync(string userid, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO members (userid, status, departed_at, updated_at) VALUES (@userid, @Quit, @Now, @Now)
            ON CONFLICT (lower(userid)) DO UPDATE SET status = @Quit, departed_at = COALESCE(members.departed_at, @Now), updated_at = @Now
            """,
            new { userid, Member.Quit, Now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>Sets who has 客户联系 permission, as get_follow_user_list says.</summary>
    public async Task SetCustomerContactAsync(IReadOnlyCollection<string> followers, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE members SET customer_contact = (userid = ANY(@followers)) WHERE customer_contact <> (userid = ANY(@followers))",
            new { followers = followers.ToArray() }, cancellationToken: ct));
    }
}
