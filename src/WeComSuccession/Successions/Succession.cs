namespace WeComSuccession.Successions;

/// <summary>One departure of one member: what is transferred with which API, where it stands, who decides. Times are UTC.</summary>
internal sealed record Succession
{
    public long Id { get; init; }

    public string HandoverUserid { get; init; } = "";

    public string Api { get; init; } = "";

    public string State { get; init; } = "";

    public string Trigger { get; init; } = "";

    public string? Reason { get; init; }

    /// <summary>Who may decide the plan while it awaits approval.</summary>
    public string[] Approvers { get; init; } = [];

    public string? DecidedBy { get; init; }

    public DateTime? DecidedAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? CompletedAt { get; init; }

    public DateTime? NextRunAt { get; init; }

    /// <summary>The name of the approval rule that routed the plan (as it was then); null before planning ends.</summary>
    public string? ApprovalRule { get; init; }

    /// <summary>The route that rule gave: none, direct_leader, department_leader, members, two_person.</summary>
    public string? ApprovalRoute { get; init; }

    /// <summary>Distinct approvals the plan needs (2 for two-person review).</summary>
    public short ApprovalsNeeded { get; init; } = 1;

    /// <summary>The version of the plan before its approvers: a change after an approval starts a new round.</summary>
    public short ApprovalRound { get; init; }

    /// <summary>Since when the plan waits for a decision.</summary>
    public DateTime? ApprovalRequestedAt { get; init; }

    /// <summary>When the approvers who have not decided are reminded (null: not, or done).</summary>
    public DateTime? RemindAt { get; init; }

    public DateTime? RemindedAt { get; init; }

    /// <summary>When the plan is escalated to the next leader up (null: not, or nobody is left above).</summary>
    public DateTime? EscalateAt { get; init; }

    public TimeSpan? EscalateEvery { get; init; }

    /// <summary>When an undecided plan goes to manual handling.</summary>
    public DateTime? ExpireAt { get; init; }

    /// <summary>approved, rejected or expired, once the approval is over.</summary>
    public string? ApprovalOutcome { get; init; }

    public bool IsOpen => SuccessionState.Open.Contains(State);
}

/// <summary>One customer or group of a succession. Times are UTC. (Init properties rather than a positional
/// record: Dapper matches constructors by exact type, and PostgreSQL arrays arrive typed as <see cref="Array"/>.)</summary>
internal sealed record SuccessionItem
{
    public long Id { get; init; }

    public long SuccessionId { get; init; }

    public string Kind { get; init; } = "";

    public string TargetId { get; init; } = "";

    public string? TakeoverUserid { get; init; }

    public string? Rule { get; init; }

    public string State { get; init; } = "";

    public string? Reason { get; init; }

    public int? Errcode { get; init; }

    public short Reroutes { get; init; }

    public short Attempts { get; init; }

    public string[] TriedTakeovers { get; init; } = [];

    public long? BatchId { get; init; }

    public DateTime? NotBefore { get; init; }

    public DateTime? TakeoverTime { get; init; }

    public DateTime? NextCheckAt { get; init; }

    /// <summary>How a person took care of it outside the service (failed, refused and manual items only); null until then.</summary>
    public string? HandledNote { get; init; }

    public string? HandledBy { get; init; }

    public DateTime? HandledAt { get; init; }

    /// <summary>Waits for a person: failed, refused or manual, and not handled yet.</summary>
    public bool NeedsPerson => State is ItemState.Failed or ItemState.Refused or ItemState.Manual && HandledAt is null;

    /// <summary>The customer's or group's name, read once while planning (null: not read, or WeCom gave none).</summary>
    public string? Name { get; init; }

    /// <summary>The customer's corp tags (names; an id where no name was learned), read once while planning.</summary>
    public string[]? Tags { get; init; }

    /// <summary>A group's number of members, read once while planning.</summary>
    public int? GroupSize { get; init; }

    public DateTime? DetailsAt { get; init; }

    public bool IsFinal => ItemState.Final.Contains(State);
}
