using Microsoft.AspNetCore.Http.HttpResults;

namespace WeComSuccession.Api;

/// <summary>A page of a list, 1-based.</summary>
internal sealed record PageDto<T>(int Page, int PageSize, long Total, IReadOnlyList<T> Items);

/// <summary>Problem details for the admin API: 400 always names the request field at fault.</summary>
internal static class ApiResults
{
    public const int MaxPageSize = 200;
    public const int MaxUserIdLength = 64;

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>A command's outcome: 200 with its value, or the problem that says why nothing changed.</summary>
    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> From<T>(Outcome<T> outcome) => outcome.Kind switch
    {
        OutcomeKind.Done => TypedResults.Ok(outcome.Value!),
        OutcomeKind.Invalid => Invalid(outcome.Field!, outcome.Detail!),
        _ => Problem(outcome),
    };

    /// <summary>The problem details of an outcome that is not Done: 404, 409, 403 (or 400 naming the field).</summary>
    public static ProblemHttpResult Problem<T>(Outcome<T> outcome) => TypedResults.Problem(
        detail: outcome.Detail,
        statusCode: outcome.Kind switch
        {
            OutcomeKind.NotFound => StatusCodes.Status404NotFound,
            OutcomeKind.Conflict => StatusCodes.Status409Conflict,
            OutcomeKind.NotAllowed => StatusCodes.Status403Forbidden,
            OutcomeKind.Invalid => StatusCodes.Status400BadRequest,
            _ => throw new ArgumentException("A done outcome is no problem.", nameof(outcome)),
        },
        extensions: outcome.Field is { } field ? new Dictionary<string, object?> { ["field"] = field } : null);

    /// <returns>The first problem with the paging parameters, or null.</returns>
    public static ValidationProblem? CheckPaging(int page, int pageSize)
    {
        if (page < 1)
        {
            return Invalid("page", "page starts at 1.");
        }

        return pageSize is < 1 or > MaxPageSize ? Invalid("pageSize", $"pageSize must be between 1 and {MaxPageSize}.") : null;
    }

    /// <returns>A problem when <paramref name="value"/> is set and not one of <paramref name="allowed"/>.</returns>
    public static ValidationProblem? CheckOneOf(string field, string? value, IReadOnlyCollection<string> allowed) =>
        value is null || allowed.Contains(value) ? null : Invalid(field, $"{field} must be one of: {string.Join(", ", allowed)}.");

    /// <returns>A problem when <paramref name="value"/> is empty or longer than a WeCom userid.</returns>
    public static ValidationProblem? CheckUserId(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > MaxUserIdLength
            ? Invalid(field, $"{field} must be a member's userid (1 to {MaxUserIdLength} characters).")
            : null;
}
