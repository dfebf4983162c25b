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

    public bool IsFinal => ItemState.Final.Contains(State);
}
