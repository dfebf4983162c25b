namespace WeComSuccession.Audit;

/// <summary>
/// Who does something, as every command receives it: the member who acts (a userid), when one is known, and the
/// door they came through (<c>api-key:crm</c>, <c>dashboard</c>, <c>workbench</c>, <c>card</c>, or <c>system</c>).
/// The audit log records the member when there is one (a decision through the API names its approver), else the door.
/// </summary>
internal sealed record Actor(string? Member, string Door, AdminRights? Rights = null)
{
    public static readonly Actor System = new(null, "system", AdminRights.Everything);

    /// <summary>The <c>actor</c> column of an audit entry.</summary>
    public string AuditName => Member ?? Door;

    /// <summary>
    /// A machine with an API key: an admin of everything (DESIGN: integrators act as an admin). When it names a
    /// member to act for (an approver), the member decides with their own rights, not the key's.
    /// </summary>
    public static Actor ApiKey(string keyName, string? member = null) =>
        new(member, "api-key:" + keyName, member is null ? AdminRights.Everything : null);

    /// <summary>The same door, acting for <paramref name="member"/> as the directory spells them.</summary>
    public Actor For(string member) => this with { Member = member };

    public override string ToString() => Member is null ? Door : $"{Member} via {Door}";
}

/// <summary>
/// What an actor may do as an admin (权限分级): <see cref="Role"/> is super_admin, admin or auditor; <see cref="Departments"/>
/// is the set of departments (their subtrees already expanded) whose members' departures they see, or null for all.
/// </summary>
internal sealed record AdminRights(string Role, IReadOnlySet<long>? Departments)
{
    public const string SuperAdmin = "super_admin";
    public const string Admin = "admin";
    public const string Auditor = "auditor";

    public static readonly AdminRights Everything = new(SuperAdmin, null);

    /// <summary>May change things (retry, re-assign, decide): super admins and admins, not auditors.</summary>
    public bool MayAct => Role is SuperAdmin or Admin;

    /// <summary>Whether a member in <paramref name="memberDepartments"/> is within these rights' departments.</summary>
    public bool Covers(IEnumerable<long> memberDepartments) => Departments is null || memberDepartments.Any(Departments.Contains);
}
