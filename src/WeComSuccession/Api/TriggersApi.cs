using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WeComSuccession.Successions;

namespace WeComSuccession.Api;

internal sealed record StartDepartureRequest(string? UserId);

internal sealed record StartedDeparture(long Id, string HandoverUserId, string State, string Api);

internal sealed record SweepResult(IReadOnlyList<string> Opened);

/// <summary>
/// What a person can start by hand: a member's departure (when WeCom's callback never came and the sweep has
/// not run yet), and the reconciliation sweep itself.
/// </summary>
internal static class TriggersApi
{
    public static RouteGroupBuilder MapTriggersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/departures", StartAsync).WithTags("Departures").WithName("StartDeparture")
            .WithSummary("Starts (or finds) the departure of a member whom WeCom reports deleted, quit, or disabled (then Succession:OnDisabled applies).")
            .WithDescription("404 when neither WeCom nor this service knows the userid (nothing is written); 409 when WeCom reports the member active.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/reconcile", SweepAsync).WithTags("Departures").WithName("Reconcile")
            .WithSummary("Runs the reconciliation sweep now: opens a departure for every departed member WeCom still lists with customers or groups.");
        return api;
    }

    private static async Task<Results<Ok<StartedDeparture>, ValidationProblem, ProblemHttpResult>> StartAsync(
        StartDepartureRequest request, ClaimsPrincipal user, OpenDeparture departures, CancellationToken ct)
    {
        if (ApiResults.CheckUserId("userId", request.UserId) is { } invalid)
        {
            return invalid;
        }

        var outcome = await departures.OpenAsync(request.UserId!.Trim(), ApiKeyAuthenticationHandler.ActorOf(user), ct);
        return outcome.Value is { } s
            ? TypedResults.Ok(new StartedDeparture(s.Id, s.HandoverUserid, s.State, s.Api))
            : ApiResults.Problem(outcome);
    }

    private static async Task<Ok<SweepResult>> SweepAsync(Reconciler reconciler, CancellationToken ct) =>
        TypedResults.Ok(new SweepResult(await reconciler.SweepAsync(ct)));
}
