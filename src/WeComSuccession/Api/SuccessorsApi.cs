using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WeComSuccession.Successions.Successors;

namespace WeComSuccession.Api;

/// <summary>"When this member leaves, that member inherits": first in the successor rule chain.</summary>
internal sealed record SuccessorDto(string HandoverUserId, string SuccessorUserId, string RegisteredBy, DateTime RegisteredAt)
{
    public static SuccessorDto From(RegisteredSuccessor row) => new(row.HandoverUserid, row.SuccessorUserid, row.RegisteredBy, row.RegisteredAt);
}

internal sealed record PutSuccessorRequest(string? SuccessorUserId);

internal static class SuccessorsApi
{
    public static RouteGroupBuilder MapSuccessorsApi(this RouteGroupBuilder api)
    {
        var successors = api.MapGroup("/successors").WithTags("Successors");
        successors.MapGet("", ListAsync).WithName("ListSuccessors").WithSummary("Registered successors, by departing member.");
        successors.MapGet("/{handoverUserId}", GetAsync).WithName("GetSuccessor").ProducesProblem(StatusCodes.Status404NotFound);
        successors.MapPut("/{handoverUserId}", PutAsync).WithName("PutSuccessor")
            .WithSummary("Registers or changes who inherits a member's customers and groups (201 when new, 200 otherwise).")
            .WithDescription("The departing member must be a known member; the successor an active member with the customer-contact permission, and not the member themself (400 naming the field otherwise). Userids match without regard to case, as in WeCom.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        successors.MapDelete("/{handoverUserId}", DeleteAsync).WithName("DeleteSuccessor").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<SuccessorDto[]>> ListAsync(RegisteredSuccessors successors, CancellationToken ct) =>
        TypedResults.Ok((await successors.ListAsync(ct)).Select(SuccessorDto.From).ToArray());

    private static async Task<Results<Ok<SuccessorDto>, ProblemHttpResult>> GetAsync(string handoverUserId, RegisteredSuccessors successors, CancellationToken ct) =>
        await successors.GetAsync(handoverUserId, ct) is { } row
            ? TypedResults.Ok(SuccessorDto.From(row))
            : ApiResults.NotFound($"No successor is registered for '{handoverUserId}'.");

    private static async Task<Results<Created<SuccessorDto>, Ok<SuccessorDto>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string handoverUserId, PutSuccessorRequest request, ClaimsPrincipal user, RegisteredSuccessors successors, CancellationToken ct)
    {
        if ((ApiResults.CheckUserId("handoverUserId", handoverUserId) ?? ApiResults.CheckUserId("successorUserId", request.SuccessorUserId)) is { } invalid)
        {
            return invalid;
        }

        var outcome = await successors.RegisterAsync(handoverUserId.Trim(), request.SuccessorUserId!.Trim(), ApiKeyAuthenticationHandler.ActorOf(user), ct);
        if (outcome.Value is not { } put)
        {
            return outcome.Kind == OutcomeKind.Invalid ? ApiResults.Invalid(outcome.Field!, outcome.Detail!) : ApiResults.Problem(outcome);
        }

        var dto = SuccessorDto.From(put.Row);
        return put.Created ? TypedResults.Created($"/api/v1/successors/{Uri.EscapeDataString(put.Row.HandoverUserid)}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string handoverUserId, ClaimsPrincipal user, RegisteredSuccessors successors, CancellationToken ct)
    {
        var outcome = await successors.RemoveAsync(handoverUserId, ApiKeyAuthenticationHandler.ActorOf(user), ct);
        return outcome.IsDone ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
