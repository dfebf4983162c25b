namespace WeComSuccession.Members;

/// <summary>A member as last seen. Status: 1 active, 2 disabled, 4 not activated, 5 quit.</summary>
internal sealed record Member
{
    public string Userid { get; init; } = "";

    public string? Name { get; init; }

    public short Status { get; init; }

    public long[] Departments { get; init; } = [];

    public long[] LeaderOf { get; init; } = [];

    public long? MainDepartment { get; init; }

    public string[] DirectLeaders { get; init; } = [];

    public bool CustomerContact { get; init; }

    public DateTime? DepartedAt { get; init; }

    /// <summary>Customers WeCom counted for the member at the last directory sync (externalcontact/list), when known.</summary>
    public int? CustomerCount { get; init; }

    public const short Active = 1;
    public const short Disabled = 2;
    public const short Quit = 5;

    /// <summary>Can inherit customers (<see cref="Eligibility.AsSuccessor"/>).</summary>
    public bool IsEligibleSuccessor => Eligibility.AsSuccessor(this) is null;
}

/// <summary>
/// The one rule for who may take part, used by the successor chain, re-assignment, registered successors and
/// approvals alike. Everyone must be a member who is active (status 1) and has not left (a deleted member keeps
/// their row, marked departed). A successor must also have the 客户联系 permission, or WeCom refuses the transfer
/// (84074). An approver decides but inherits nothing, so the permission is not asked of them: the HR admins who
/// approve when a member has no leader usually do not have it.
/// </summary>
internal static class Eligibility
{
    /// <returns>Null when <paramref name="member"/> may inherit customers and groups; otherwise why not.</returns>
    public static string? AsSuccessor(Member? member) =>
        AsMember(member) ?? (member!.CustomerContact ? null : "has no customer-contact (客户联系) permission");

    /// <returns>Null when <paramref name="member"/> may decide a plan they are listed on; otherwise why not.</returns>
    public static string? AsApprover(Member? member) => AsMember(member);

    private static string? AsMember(Member? member) => member switch
    {
        null => "is not a known member",
        { DepartedAt: not null } => "has left the company",
        { Status: not Member.Active } => $"is not active (status {member.Status})",
        _ => null,
    };
}
