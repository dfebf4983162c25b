namespace WeComSuccession.Api;

/// <summary>Why a command did nothing: 400 (with the request field at fault), 404 or 409.</summary>
internal sealed record StoreError(int Status, string Detail, string? Field = null)
{
    public static StoreError NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);

    public static StoreError Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);

    public static StoreError Invalid(string field, string detail) => new(StatusCodes.Status400BadRequest, detail, field);
}

/// <summary>The value of a command, or why it did nothing (and changed nothing).</summary>
internal readonly record struct StoreResult<T>(T? Value, StoreError? Error)
{
    public static implicit operator StoreResult<T>(T value) => new(value, null);

    public static implicit operator StoreResult<T>(StoreError error) => new(default, error);
}
