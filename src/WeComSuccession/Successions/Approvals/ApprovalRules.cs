using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;

namespace WeComSuccession.Successions.Approvals;

/// <summary>Who decides a plan: no one, the leaver's direct leader, the department leader, named members, or two of them (双人复核).</summary>
internal static class ApprovalRoute
{
    public const string None = "none";
    public const string DirectLeader = "direct_leader";
    public const string DepartmentLeader = "department_leader";
    public const string Members = "members";
    public const string TwoPerson = "two_person";

    public static readonly string[] All = [None, DirectLeader, DepartmentLeader, Members, TwoPerson];
}

/// <summary>What started a departure, as a rule names it.</summary>
internal static class ApprovalTrigger
{
    /// <summary>The member was deleted (or quit) in WeCom.</summary>
    public const string Deleted = "deleted";

    /// <summary>The member was disabled, not deleted.</summary>
    public const string Disabled = "disabled";

    /// <summary>A person (HR) started it by hand.</summary>
    public const string HrRequest = "hr_request";

    public static readonly string[] All = [Deleted, Disabled, HrRequest];
}

/// <summary>
/// One approval rule: conditions that must all hold (an empty list or a null bound is "any"), the route it gives,
/// and the approval's timers. Rules are evaluated in <see cref="Position"/> order; the first that holds decides.
/// (Init properties: Dapper matches constructors by exact type, and PostgreSQL arrays arrive typed as <see cref="Array"/>.)
/// </summary>
internal sealed record ApprovalRule
{
    public long Id { get; init; }

    public int Position { get; init; }

    public string Name { get; init; } = "";

    public bool Enabled { get; init; } = true;

    /// <summary>The leaver is in one of these departments or one below them.</summary>
    public long[] Departments { get; init; } = [];

    public int? MinCustomers { get; init; }

    public int? MaxCustomers { get; init; }

    /// <summary>At least one customer carries one of these corp tags (names or ids), e.g. 重要客户.</summary>
    public string[] KeyTags { get; init; } = [];

    /// <summary><see cref="ApprovalTrigger"/> values.</summary>
    public string[] Triggers { get; init; } = [];

    public string Route { get; init; } = ApprovalRoute.None;

    /// <summary>The approvers of <see cref="ApprovalRoute.Members"/>; reviewers added to a two-person review.</summary>
    public string[] Members { get; init; } = [];

    public int? RemindAfterHours { get; init; }

    public int? EscalateAfterHours { get; init; }

    public int? ExpireAfterHours { get; init; }

    public string UpdatedBy { get; init; } = "";

    public DateTime UpdatedAt { get; init; }

    /// <summary>The configuration's rule (Succession:Approval:*), in force while the database holds no rule.</summary>
    public bool FromConfiguration { get; init; }

    /// <summary>The configuration's threshold counts customers and groups together (more than this many items).</summary>
    public int? MoreItemsThan { get; init; }

    /// <summary>The timers of the configuration's rule, which are durations rather than whole hours.</summary>
    internal (TimeSpan? Remind, TimeSpan? Escalate, TimeSpan? Expire) Timers { get; init; }

    public TimeSpan? RemindAfter => Timers.Remind ?? Hours(RemindAfterHours);

    public TimeSpan? EscalateAfter => Timers.Escalate ?? Hours(EscalateAfterHours);

    public TimeSpan? ExpireAfter => Timers.Expire ?? Hours(ExpireAfterHours);

    /// <summary>Two distinct approvals for a two-person review, else one.</summary>
    public short ApprovalsNeeded => Route == ApprovalRoute.TwoPerson ? (short)2 : (short)1;

    private static TimeSpan? Hours(int? hours) => hours is { } h ? TimeSpan.FromHours(h) : null;
}

/// <summary>A rule as a person writes it on the settings page (every field checked by <see cref="ApprovalRules.SaveAsync"/>).</summary>
internal sealed record ApprovalRuleInput(
    string? Name, bool Enabled, long[] Departments, int? MinCustomers, int? MaxCustomers, string[] KeyTags, string[] Triggers, string? Route, string[] Members,
    int? RemindAfterHours, int? EscalateAfterHours, int? ExpireAfterHours);

/// <summary>
/// 审批规则 (<c>approval_rules</c>, owned here): policy in the database, edited by super admins on the dashboard, every
/// change audited. While the table is empty the configuration's rule (<c>Succession:Approval:*</c>) is the only one.
/// </summary>
internal sealed class ApprovalRules(
    NpgsqlDataSource db, MemberDirectory directory, Departments departments, AuditLog audit, ServiceClock clock, IOptions<SuccessionOptions> options)
{
    public const int MaxNameLength = 60;
    public const int MaxListLength = 50;
    public const int MaxHours = 24 * 90;

    private const string Columns =
        "id, position, name, enabled, departments, min_customers, max_customers, key_tags, triggers, route, members, " +
        "remind_after_hours, escalate_after_hours, expire_after_hours, updated_by, updated_at";

    /// <summary>Every rule in the database, in evaluation order (disabled ones too).</summary>
    public async Task<IReadOnlyList<ApprovalRule>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<ApprovalRule>(new CommandDefinition($"SELECT {Columns} FROM approval_rules ORDER BY position, id", cancellationToken: ct))];
    }

    /// <summary>The rules in force, in order: the enabled rules of the database, or the configuration's rule when it holds none.</summary>
    public async Task<IReadOnlyList<ApprovalRule>> InForceAsync(CancellationToken ct)
    {
        var rules = await ListAsync(ct);
        return rules.Count == 0 ? [Configured()] : [.. rules.Where(r => r.Enabled)];
    }

    /// <summary>The configuration's rule: Succession:Approval:Mode (None, Always, AboveThreshold) with its threshold and timers.</summary>
    public ApprovalRule Configured()
    {
        var a = options.Value.Approval;
        return new ApprovalRule
        {
            Name = "Succession:Approval",
            FromConfiguration = true,
            Route = a.Mode == ApprovalMode.None ? ApprovalRoute.None : ApprovalRoute.DirectLeader,
            MoreItemsThan = a.Mode == ApprovalMode.AboveThreshold ? a.Threshold : null,
            Timers = (a.RemindAfter, a.EscalateAfter, a.ExpireAfter),
        };
    }

    /// <summary>Adds a rule at the end (<paramref name="id"/> null) or changes one. Super admins only; audited.</summary>
    public async Task<Outcome<ApprovalRule>> SaveAsync(long? id, ApprovalRuleInput input, Actor actor, CancellationToken ct)
    {
        if (actor.Rights?.Role != AdminRights.SuperAdmin)
        {
            return Failure.NotAllowed("Only a super admin changes approval rules.");
        }

        if (await CheckAsync(input, ct) is { } invalid)
        {
            return invalid;
        }

        var name = input.Name!.Trim();
        var members = new List<string>();
        foreach (var userid in input.Members)
        {
            // As the directory spells them (userids match without regard to case).
            members.Add((await directory.GetAsync(userid, ct))!.Userid);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, ct);
        var before = id is null ? null : await connection.QuerySingleOrDefaultAsync<ApprovalRule>(new CommandDefinition(
            $"SELECT {Columns} FROM approval_rules WHERE id = @id FOR UPDATE", new { id }, transaction, cancellationToken: ct));
        if (id is not null && before is null)
        {
            return Failure.NotFound($"Approval rule {id} does not exist.");
        }

        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM approval_rules WHERE lower(name) = lower(@name) AND id IS DISTINCT FROM @id)", new { name, id }, transaction, cancellationToken: ct)))
        {
            return Failure.Invalid("name", $"A rule named '{name}' exists already.");
        }

        var args = new
        {
            id, name, input.Enabled, departments = input.Departments.Distinct().Order().ToArray(), input.MinCustomers, input.MaxCustomers,
            keyTags = input.KeyTags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToArray(), triggers = input.Triggers.Distinct().ToArray(), route = input.Route,
            members = members.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), input.RemindAfterHours, input.EscalateAfterHours, input.ExpireAfterHours, by = actor.AuditName, now = AuditFormat.ToStoredTime(clock.GetUtcNow()),
        };
        var after = before is null
            ? await connection.QuerySingleAsync<ApprovalRule>(new CommandDefinition(
                $"""
                INSERT INTO approval_rules (position, name, enabled, departments, min_customers, max_customers, key_tags, triggers, route, members,
                                            remind_after_hours, escalate_after_hours, expire_after_hours, updated_by, updated_at)
                VALUES ((SELECT COALESCE(max(position), 0) + 1 FROM approval_rules), @name, @Enabled, @departments, @MinCustomers, @MaxCustomers, @keyTags, @triggers, @route,
                        @members, @RemindAfterHours, @EscalateAfterHours, @ExpireAfterHours, @by, @now)
                RETURNING {Columns}
                """, args, transaction, cancellationToken: ct))
            : await connection.QuerySingleAsync<ApprovalRule>(new CommandDefinition(
                $"""
                UPDATE approval_rules SET name = @name, enabled = @Enabled, departments = @departments, min_customers = @MinCustomers, max_customers = @MaxCustomers,
                    key_tags = @keyTags, triggers = @triggers, route = @route, members = @members, remind_after_hours = @RemindAfterHours,
                    escalate_after_hours = @EscalateAfterHours, expire_after_hours = @ExpireAfterHours, updated_by = @by, updated_at = @now
                WHERE id = @id
                RETURNING {Columns}
                """, args, transaction, cancellationToken: ct));
        await audit.AppendAsync(connection, transaction,
            [AuditEntry.By(actor, before is null ? "approval_rule.create" : "approval_rule.update", AuditEntity.ApprovalRule, Id(after.Id), Json(before), Json(after))], ct);
        await transaction.CommitAsync(ct);
        return after;
    }

    /// <summary>Moves a rule one place earlier (<paramref name="by"/> -1) or later (+1) in the order. Super admins only; audited.</summary>
    public async Task<Outcome<ApprovalRule>> MoveAsync(long id, int by, Actor actor, CancellationToken ct)
    {
        if (actor.Rights?.Role != AdminRights.SuperAdmin)
        {
            return Failure.NotAllowed("Only a super admin changes approval rules.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, ct);
        var rules = (await connection.QueryAsync<ApprovalRule>(new CommandDefinition(
            $"SELECT {Columns} FROM approval_rules ORDER BY position, id", transaction: transaction, cancellationToken: ct))).ToList();
        var index = rules.FindIndex(r => r.Id == id);
        if (index < 0)
        {
            return Failure.NotFound($"Approval rule {id} does not exist.");
        }

        var target = index + Math.Sign(by);
        if (by == 0 || target < 0 || target >= rules.Count)
        {
            return rules[index];
        }

        (rules[index], rules[target]) = (rules[target], rules[index]);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE approval_rules AS r SET position = v.position FROM unnest(@ids, @positions) AS v(id, position) WHERE r.id = v.id",
            new { ids = rules.Select(r => r.Id).ToArray(), positions = Enumerable.Range(1, rules.Count).ToArray() }, transaction, cancellationToken: ct));
        var before = rules[target];
        var after = before with { Position = target + 1 };
        await audit.AppendAsync(connection, transaction, [AuditEntry.By(actor, "approval_rule.move", AuditEntity.ApprovalRule, Id(id),
            new JsonObject { ["position"] = index + 1 }, new JsonObject { ["position"] = target + 1, ["name"] = before.Name })], ct);
        await transaction.CommitAsync(ct);
        return after;
    }

    /// <summary>Deletes a rule. Super admins only; audited. (Plans it routed keep its name.)</summary>
    public async Task<Outcome<ApprovalRule>> DeleteAsync(long id, Actor actor, CancellationToken ct)
    {
        if (actor.Rights?.Role != AdminRights.SuperAdmin)
        {
            return Failure.NotAllowed("Only a super admin changes approval rules.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, ct);
        var removed = await connection.QuerySingleOrDefaultAsync<ApprovalRule>(new CommandDefinition(
            $"DELETE FROM approval_rules WHERE id = @id RETURNING {Columns}", new { id }, transaction, cancellationToken: ct));
        if (removed is null)
        {
            return Failure.NotFound($"Approval rule {id} does not exist.");
        }

        await audit.AppendAsync(connection, transaction, [AuditEntry.By(actor, "approval_rule.delete", AuditEntity.ApprovalRule, Id(id), Json(removed), null)], ct);
        await transaction.CommitAsync(ct);
        return removed;
    }

    private async Task<Failure?> CheckAsync(ApprovalRuleInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > MaxNameLength)
        {
            return Failure.Invalid("name", $"A rule needs a name of 1 to {MaxNameLength} characters.");
        }

        if (!ApprovalRoute.All.Contains(input.Route))
        {
            return Failure.Invalid("route", $"route must be one of: {string.Join(", ", ApprovalRoute.All)}.");
        }

        if (input.Triggers.FirstOrDefault(t => !ApprovalTrigger.All.Contains(t)) is { } trigger)
        {
            return Failure.Invalid("triggers", $"'{trigger}' is not a trigger; triggers are {string.Join(", ", ApprovalTrigger.All)}.");
        }

        if (input.MinCustomers < 0 || input.MaxCustomers < 0 || input.MinCustomers > input.MaxCustomers)
        {
            return Failure.Invalid("minCustomers", "The numbers of customers are 0 or more, the least no larger than the most.");
        }

        foreach (var (hours, field) in new[] { (input.RemindAfterHours, "remindAfterHours"), (input.EscalateAfterHours, "escalateAfterHours"), (input.ExpireAfterHours, "expireAfterHours") })
        {
            if (hours is < 1 or > MaxHours)
            {
                return Failure.Invalid(field, $"Hours are between 1 and {MaxHours}, or empty for none.");
            }
        }

        if (input.KeyTags.Length > MaxListLength || input.Members.Length > MaxListLength || input.Departments.Length > MaxListLength)
        {
            return Failure.Invalid("keyTags", $"A rule lists at most {MaxListLength} tags, members and departments.");
        }

        if (input.KeyTags.Any(t => t.Trim().Length > 64))
        {
            return Failure.Invalid("keyTags", "A corp tag is at most 64 characters.");
        }

        if (input.Departments.Length > 0)
        {
            var known = (await departments.ListAsync(ct)).Select(d => d.Id).ToHashSet();
            if (input.Departments.FirstOrDefault(d => !known.Contains(d)) is var unknown and not 0)
            {
                return Failure.Invalid("departments", $"Department {unknown} is not in the directory.");
            }
        }

        foreach (var userid in input.Members)
        {
            if (Eligibility.AsApprover(await directory.GetAsync(userid, ct)) is { } why)
            {
                return Failure.Invalid("members", $"'{userid}' {why}.");
            }
        }

        return input.Route == ApprovalRoute.Members && input.Members.Length == 0
            ? Failure.Invalid("members", "The route 'named members' needs at least one member.")
            : null;
    }

    /// <summary>Changes to the rules take turns, so positions stay 1, 2, 3, ... (the lock ends with the transaction).</summary>
    private static Task<int> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('approval_rules'))", transaction: transaction, cancellationToken: ct));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static JsonObject? Json(ApprovalRule? r) => r is null ? null : new()
    {
        ["name"] = r.Name,
        ["enabled"] = r.Enabled,
        ["position"] = r.Position,
        ["departments"] = new JsonArray([.. r.Departments.Select(d => (JsonNode?)d)]),
        ["min_customers"] = r.MinCustomers,
        ["max_customers"] = r.MaxCustomers,
        ["key_tags"] = new JsonArray([.. r.KeyTags.Select(t => (JsonNode?)t)]),
        ["triggers"] = new JsonArray([.. r.Triggers.Select(t => (JsonNode?)t)]),
        ["route"] = r.Route,
        ["members"] = new JsonArray([.. r.Members.Select(m => (JsonNode?)m)]),
        ["remind_after_hours"] = r.RemindAfterHours,
        ["escalate_after_hours"] = r.EscalateAfterHours,
        ["expire_after_hours"] = r.ExpireAfterHours,
    };
}
