namespace WeComSuccession.Successions;

/// <summary>A succession is completed when every one of its items is in a final state (invariant 4).</summary>
internal sealed partial class CompleteStep(SuccessionStore store, ILogger<CompleteStep> logger) : ISuccessionStep
{
    public int Order => StepOrder.Complete;

    public bool AppliesTo(string state) => state == SuccessionState.Transferring;

    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        var counts = await store.CountsAsync(s.Id, ct);
        if (counts.Keys.All(ItemState.Final.Contains)
            && await store.TransitionAsync(s.Id, [SuccessionState.Transferring], SuccessionState.Completed, null, ct))
        {
            int transferred = counts.GetValueOrDefault(ItemState.Transferred), refused = counts.GetValueOrDefault(ItemState.Refused);
            int failed = counts.GetValueOrDefault(ItemState.Failed), manual = counts.GetValueOrDefault(ItemState.Manual);
            LogCompleted(logger, s.Id, s.HandoverUserid, transferred, refused, failed, manual);
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Succession {SuccessionId} of {Handover} completed: {Transferred} transferred, {Refused} refused, {Failed} failed, {Manual} manual")]
    private static partial void LogCompleted(ILogger logger, long successionId, string handover, int transferred, int refused, int failed, int manual);
}
