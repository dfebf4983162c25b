using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Options;

namespace WeComSuccession.Members;

/// <summary>A role granted to a member; <see cref="Departments"/> are the roots of an admin's scope. (Init properties:
/// Dapper matches constructors by exact type, and PostgreSQL arrays arrive typed as <see cref="Array"/>.)</summary>
internal sealed record AdminRole
{
    public required string Userid { get; init; }

    public required string Role { get; init; }

    public long[] Departments { get; init; } = [];

    public required string GrantedBy { get; init; }

    public DateTime GrantedAt { get; init; }

    /// <summary>Named in Admin:SuperAdmins: a super admin by configuration, not by a grant.</summary>
    public bool FromConfiguration { get; init; }
}

/// <summary>
/// 权限分级: who administers which departures (<c>admin_roles</c>, owned here). A 超级管理员 sees and does
/// everything, roles included; a 管理员 the departures of members in their departments and every department below;
/// a 审计员 reads everything and changes nothing. Members in Admin:SuperAdmins are super admins from the start.
/// Only a super admin grants or revokes, and each change is audited.
/// </summary>
internal sealed class AdminRoles(NpgsqlDataSource db, MemberDirectory directory, Departments departments, AuditLog audit, ServiceClock clock, IOptions<AdminOptions> options)
{
    private static readonly string[] Roles = [AdminRights.SuperAdmin, AdminRights.Admin, AdminRights.Auditor];

    /// <summary>What <paramref name="userid"/> may do as an admin, or null when they hold no role.</summary>
    public async Task<AdminRights?> RightsOfAsync(string userid, CancellationToken ct)
    {
        if (IsConfiguredSuperAdmin(userid))
        {
            return AdminRights.Everything;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRole>(new CommandDefinition(
            "SELECT userid, role, departments, granted_by, granted_at FROM admin_roles WHERE lower(userid) = lower(@userid)", new { userid }, cancellationToken: ct));
        return row?.Role switch
        {
            null => null,
            AdminRights.Admin => new AdminRights(AdminRights.Admin, await departments.SubtreesAsync(row.Departments, ct)),
            _ => new AdminRights(row.Role, null),
        };
    }

    /// <summary>Every role: the configured super admins first, then the grants by userid.</summary>
    public async Task<IReadOnlyList<AdminRole>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var granted = (await connection.QueryAsync<AdminRole>(new CommandDefinition(
            "SELECT userid, role, departments, granted_by, granted_at FROM admin_roles ORDER BY userid", cancellationToken: ct))).ToList();
        return
        [
            .. options.Value.SuperAdmins.Select(u => new AdminRole { Userid = u, Role = AdminRights.SuperAdmin, GrantedBy = "Admin:SuperAdmins", FromConfiguration = true }),
            .. granted.Where(g => !IsConfiguredSuperAdmin(g.Userid)),
        ];
    }

    /// <summary>
    /// Gives <paramref name="userid"/> a role (replacing the one they had). The granter must be a super admin; the
    /// member must be an active member; an admin needs at least one department, which must exist.
    /// </summary>
    public async Task<Outcome<AdminRole>> GrantAsync(string userid, string role, long[] scope, Actor actor, CancellationToken ct)
    {
        if (actor.Rights?.Role != AdminRights.SuperAdmin)
        {
            return Failure.NotAllowed("Only a super admin grants roles.");
        }

        if (!Roles.Contains(role))
        {
            return Failure.Invalid("role", $"role must be one of: {string.Join(", ", Roles)}.");
        }

        var member = await directory.GetAsync(userid, ct);
        if (Eligibility.AsApprover(member) is { } why)
        {
            return Failure.Invalid("userid", $"'{userid}' {why}.");
        }

        if (IsConfiguredSuperAdmin(member!.Userid))
        {
            return Failure.Conflict($"'{member.Userid}' is a super admin by configuration (Admin:SuperAdmins).");
        }

        long[] roots = role == AdminRights.Admin ? [.. scope.Distinct().Order()] : [];
        if (role == AdminRights.Admin)
        {
            var known = (await departments.ListAsync(ct)).Select(d => d.Id).ToHashSet();
            if (roots.Length == 0 || roots.Any(d => !known.Contains(d)))
            {
                return Failure.Invalid("departments", "An admin needs at least one department, each one a department of the directory.");
            }
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<AdminRole>(new CommandDefinition(
            "SELECT userid, role, departments, granted_by, granted_at FROM admin_roles WHERE userid = @Userid FOR UPDATE", new { member.Userid }, transaction, cancellationToken: ct));
        if (before is not null && before.Role == role && before.Departments.SequenceEqual(roots))
        {
            return before;
        }

        var after = await connection.QuerySingleAsync<AdminRole>(new CommandDefinition(
            """
            INSERT INTO admin_roles (userid, role, departments, granted_by, granted_at) VALUES (@Userid, @role, @roots, @by, @now)
            ON CONFLICT (userid) DO UPDATE SET role = EXCLUDED.role, departments = EXCLUDED.departments,
                granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at
            RETURNING userid, role, departments, granted_by, granted_at
            """, new { member.Userid, role, roots, by = actor.AuditName, now = AuditFormat.ToStoredTime(clock.GetUtcNow()) }, transaction, cancellationToken: ct));
        await audit.AppendAsync(connection, transaction, [AuditEntry.By(actor, "role.grant", AuditEntity.AdminRole, member.Userid, Json(before), Json(after))], ct);
        await transaction.CommitAsync(ct);
        return after;
    }

    /// <summary>Takes a member's role away. Not one's own (another super admin must), not a configured super admin.</summary>
    public async Task<Outcome<AdminRole>> RevokeAsync(string userid, Actor actor, CancellationToken ct)
    {
        if (actor.Rights?.Role != AdminRights.SuperAdmin)
        {
            return Failure.NotAllowed("Only a super admin revokes roles.");
        }

        if (IsConfiguredSuperAdmin(userid))
        {
            return Failure.Conflict($"'{userid}' is a super admin by configuration (Admin:SuperAdmins); change the configuration instead.");
        }

        if (string.Equals(userid, actor.Member, StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Conflict("A super admin does not revoke their own role; ask another super admin.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var removed = await connection.QuerySingleOrDefaultAsync<AdminRole>(new CommandDefinition(
            "DELETE FROM admin_roles WHERE lower(userid) = lower(@userid) RETURNING userid, role, departments, granted_by, granted_at",
            new { userid }, transaction, cancellationToken: ct));
        if (removed is null)
        {
            return Failure.NotFound($"'{userid}' holds no role.");
        }

        await audit.AppendAsync(connection, transaction, [AuditEntry.By(actor, "role.revoke", AuditEntity.AdminRole, removed.Userid, Json(removed), null)], ct);
        await transaction.CommitAsync(ct);
        return removed;
    }

    private bool IsConfiguredSuperAdmin(string userid) => options.Value.SuperAdmins.Contains(userid, StringComparer.OrdinalIgnoreCase);

    private static JsonObject? Json(AdminRole? role) => role is null ? null : new()
    {
        ["role"] = role.Role,
        ["departments"] = new JsonArray([.. role.Departments.Select(d => (JsonNode?)d)]),
        ["granted_by"] = role.GrantedBy,
    };
}
