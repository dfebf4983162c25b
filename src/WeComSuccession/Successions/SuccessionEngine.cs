namespace WeComSuccession.Successions;

/// <summary>The succession state machine, one step at a time (filled in by the following commits).</summary>
internal sealed class SuccessionEngine(TimeProvider clock)
{
    public Task RunAsync(long successionId, CancellationToken ct) => Task.FromResult(clock.GetUtcNow());
}
