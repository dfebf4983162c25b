namespace WeComSuccession.Successions;

/// <summary>
/// The life of one departure. Open states: <see cref="Planning"/> → (<see cref="AwaitingApproval"/> |
/// <see cref="AwaitingDeletion"/>) → <see cref="Transferring"/> → <see cref="Completed"/>; or
/// <see cref="Rejected"/> / <see cref="Ignored"/>. Completed means every item is in a final item state.
/// </summary>
internal static class SuccessionState
{
    public const string Planning = "planning";
    public const string AwaitingApproval = "awaiting_approval";

    /// <summary>A disabled member's plan is ready; transfers start when the member is deleted (resigned API).</summary>
    public const string AwaitingDeletion = "awaiting_deletion";

    public const string Transferring = "transferring";
    public const string Completed = "completed";
    public const string Rejected = "rejected";
    public const string Ignored = "ignored";

    public static readonly string[] Open = [Planning, AwaitingApproval, AwaitingDeletion, Transferring];
}

/// <summary>
/// The life of one customer or group. <see cref="Planned"/> (successor chosen, not yet released) →
/// <see cref="Queued"/> → <see cref="Submitting"/> (in a transfer call whose answer is not recorded yet) →
/// <see cref="Waiting"/> (customers: WeCom's 24 h takeover) → a final state: <see cref="Transferred"/>,
/// <see cref="Refused"/>, <see cref="Failed"/> or <see cref="Manual"/>.
/// </summary>
internal static class ItemState
{
    public const string Planned = "planned";
    public const string Queued = "queued";
    public const string Submitting = "submitting";
    public const string Waiting = "waiting";
    public const string Transferred = "transferred";
    public const string Refused = "refused";
    public const string Failed = "failed";
    public const string Manual = "manual";

    public static readonly string[] Final = [Transferred, Refused, Failed, Manual];

    /// <summary>States a person may retry or re-assign from: nothing is in flight at WeCom for them.</summary>
    public static readonly string[] Reassignable = [Planned, Queued, Failed, Manual];
}

internal static class ItemKind
{
    public const string Customer = "customer";
    public const string Group = "group";
}

internal static class TransferApi
{
    public const string Resigned = "resigned";
    public const string OnJob = "on_job";
}

/// <summary>How the approval of a plan ended (<c>successions.approval_outcome</c>).</summary>
internal static class ApprovalOutcomes
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>Nobody decided in time: every item went to manual handling and the admins were told.</summary>
    public const string Expired = "expired";
}
