namespace WeComSuccession.Infrastructure;

/// <summary>What a command or query did, in the domain's words; each door maps it to what its audience needs
/// (problem details, a page with a message, a card update). Never an HTTP status.</summary>
internal enum OutcomeKind
{
    /// <summary>Done (or already so): <see cref="Outcome{T}.Value"/> says what it is now.</summary>
    Done,

    /// <summary>The departure, item or member asked for does not exist (or is not visible to the actor).</summary>
    NotFound,

    /// <summary>It exists, but its current state does not allow this (e.g. deciding a plan already decided).</summary>
    Conflict,

    /// <summary>The actor may not do this (e.g. a member who is not an approver of the plan).</summary>
    NotAllowed,

    /// <summary>A field of the request is wrong; <see cref="Outcome{T}.Field"/> names it.</summary>
    Invalid,
}

/// <summary>
/// The result of a command or query: its value when <see cref="OutcomeKind.Done"/>, otherwise why nothing changed.
/// A command that does not return Done has changed nothing.
/// </summary>
internal readonly record struct Outcome<T>(OutcomeKind Kind, T? Value, string? Detail, string? Field)
{
    public bool IsDone => Kind == OutcomeKind.Done;

    public static implicit operator Outcome<T>(T value) => new(OutcomeKind.Done, value, null, null);

    public static implicit operator Outcome<T>(Failure failure) => new(failure.Kind, default, failure.Detail, failure.Field);
}

/// <summary>Why a command did nothing; converts to any <see cref="Outcome{T}"/>.</summary>
internal sealed record Failure(OutcomeKind Kind, string Detail, string? Field = null)
{
    public static Failure NotFound(string detail) => new(OutcomeKind.NotFound, detail);

    public static Failure Conflict(string detail) => new(OutcomeKind.Conflict, detail);

    public static Failure NotAllowed(string detail) => new(OutcomeKind.NotAllowed, detail);

    public static Failure Invalid(string field, string detail) => new(OutcomeKind.Invalid, detail, field);
}
