namespace WeComSuccession.Successions;

/// <summary>
/// One step of the engine's pass over a succession (plan, release, send, track, complete, notify). Each flow
/// folder registers its own steps in its <c>AddX</c>, so the engine runs later folders' work without importing
/// them. A step reads everything it needs from the database and is safe to run again after a crash.
/// </summary>
internal interface ISuccessionStep
{
    /// <summary>Where the step runs in a pass; see <see cref="StepOrder"/>.</summary>
    int Order { get; }

    /// <summary>Whether the step has anything to do for a succession in <paramref name="state"/>.</summary>
    bool AppliesTo(string state);

    Task RunAsync(Succession succession, CancellationToken ct);
}

/// <summary>The order of the steps in one pass: the flow of a departure.</summary>
internal static class StepOrder
{
    public const int Plan = 100;

    /// <summary>An awaiting plan's timers: reminder, escalation, expiry.</summary>
    public const int Approve = 150;
    public const int Release = 200;
    public const int Send = 300;
    public const int Track = 400;
    public const int Complete = 500;
    public const int Notify = 600;
}
