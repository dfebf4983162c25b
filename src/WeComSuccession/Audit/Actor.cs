namespace WeComSuccession.Audit;

/// <summary>
/// Who does something, as every command receives it: the member who acts (a userid), when one is known, and the
/// door they came through (<c>api-key:crm</c>, <c>dashboard</c>, <c>workbench</c>, <c>card</c>, or <c>system</c>).
/// The audit log records the member when there is one (a decision through the API names its approver), else the door.
/// </summary>
internal sealed record Actor(string? Member, string Door)
{
    public static readonly Actor System = new(null, "system");

    /// <summary>The <c>actor</c> column of an audit entry.</summary>
    public string AuditName => Member ?? Door;

    /// <summary>A machine with an API key; <paramref name="member"/> when it acts for a named member.</summary>
    public static Actor ApiKey(string keyName, string? member = null) => new(member, "api-key:" + keyName);

    /// <summary>The same door, acting for <paramref name="member"/> (e.g. the approver an API caller names).</summary>
    public Actor For(string member) => this with { Member = member };

    public override string ToString() => Member is null ? Door : $"{Member} via {Door}";
}
