using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace WeComSuccession.Api;

/// <summary>"When this member leaves, that member inherits": first in the successor rule chain.</summary>
internal sealed record SuccessorDto(string HandoverUserId, string SuccessorUserId, string RegisteredBy, DateTime RegisteredAt)
{
    public static SuccessorDto From(RegisteredSuccessorRow row) => new(row.HandoverUserid, row.SuccessorUserid, row.RegisteredBy, row.RegisteredAt);
}

internal sealed record PutSuccessorRequest(string? SuccessorUserId);

internal static partial class SuccessorsApi
{
    public static RouteGroupBuilder MapSuccessorsApi(this RouteGroupBuilder api)
    {
        var successors = api.MapGroup("/successors").WithTags("Successors");
        successors.MapGet("", ListAsync).WithName("ListSuccessors").WithSummary("Registered successors, by departing member.");
        successors.MapGet("/{handoverUserId}", GetAsync).WithName("GetSuccessor").ProducesProblem(StatusCodes.Status404NotFound);
        successors.MapPut("/{handoverUserId}", PutAsync).WithName("PutSuccessor")
            .WithSummary("Registers or changes who inherits a member's customers and groups (201 when new, 200 otherwise).")
            .WithDescription("The successor must be an active member with the customer-contact permission, and not the member themself.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        successors.MapDelete("/{handoverUserId}", DeleteAsync).WithName("DeleteSuccessor").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<SuccessorDto[]>> ListAsync(SuccessorStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(SuccessorDto.From).ToArray());

    private static async Task<Results<Ok<SuccessorDto>, ProblemHttpResult>> GetAsync(string handoverUserId, SuccessorStore store, CancellationToken ct) =>
        await store.GetAsync(handoverUserId, ct) is { } row
            ? TypedResults.Ok(SuccessorDto.From(row))
            : ApiResults.NotFound($"No successor is registered for '{handoverUserId}'.");

    private static async Task<Results<Created<SuccessorDto>, Ok<SuccessorDto>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string handoverUserId, PutSuccessorRequest request, ClaimsPrincipal user, SuccessorStore store, ILogger<SuccessorStore> logger, CancellationToken ct)
    {
        if ((ApiResults.CheckUserId("handoverUserId", handoverUserId) ?? ApiResults.CheckUserId("successorUserId", request.SuccessorUserId)) is { } invalid)
        {
            return invalid;
        }

        var result = await store.PutAsync(handoverUserId, request.SuccessorUserId!, ApiKeyAuthenticationHandler.Actor(user), ct);
        if (result.Value is not { } put)
        {
            return result.Error!.Field is { } field ? ApiResults.Invalid(field, result.Error.Detail) : TypedResults.Problem(detail: result.Error.Detail, statusCode: result.Error.Status);
        }

        if (put.Changed)
        {
            LogRegistered(logger, handoverUserId, put.Row.SuccessorUserid, user.Identity!.Name!);
        }

        var dto = SuccessorDto.From(put.Row);
        return put.Created ? TypedResults.Created($"/api/v1/successors/{Uri.EscapeDataString(handoverUserId)}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string handoverUserId, ClaimsPrincipal user, SuccessorStore store, ILogger<SuccessorStore> logger, CancellationToken ct)
    {
        if (await store.DeleteAsync(handoverUserId, ApiKeyAuthenticationHandler.Actor(user), ct) is null)
        {
            return ApiResults.NotFound($"No successor is registered for '{handoverUserId}'.");
        }

        LogRemoved(logger, handoverUserId, user.Identity!.Name!);
        return TypedResults.NoContent();
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Successor of {HandoverUserId} is now {SuccessorUserId} (api key {KeyName})")]
    private static partial void LogRegistered(ILogger logger, string handoverUserId, string successorUserId, string keyName);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Successor of {HandoverUserId} removed (api key {KeyName})")]
    private static partial void LogRemoved(ILogger logger, string handoverUserId, string keyName);
}
