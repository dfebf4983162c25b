namespace WeComSuccession.Successions;

/// <summary>What a command did to the items asked for: changed, or left alone and why.</summary>
internal sealed record ItemChangeReport(long SuccessionId, string SuccessionState, IReadOnlyList<long> Changed, IReadOnlyList<SkippedItem> Skipped);

/// <summary>An item a command left alone; <see cref="State"/> is null when the departure has no such item.</summary>
internal sealed record SkippedItem(long Id, string? State, string Reason);
