using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using WeComSuccession.Audit;
using WeComSuccession.Directory;
using WeComSuccession.Successions;

namespace WeComSuccession.Api;

internal sealed record StartDepartureRequest(string? UserId);

internal sealed record StartedDeparture(long Id, string HandoverUserId, string State, string Api);

internal sealed record SweepResult(IReadOnlyList<string> Opened);

/// <summary>
/// What a person can start by hand: a member's departure (when WeCom's callback never came and the sweep has
/// not run yet), and the reconciliation sweep itself. WeCom decides: the member is read with user/get first.
/// </summary>
internal static class TriggersApi
{
    public static RouteGroupBuilder MapTriggersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/departures", StartAsync).WithTags("Departures").WithName("StartDeparture")
            .WithSummary("Starts (or finds) the departure of a member whom WeCom reports deleted, quit, or disabled (then Succession:OnDisabled applies).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/reconcile", SweepAsync).WithTags("Departures").WithName("Reconcile")
            .WithSummary("Runs the reconciliation sweep now: opens a departure for every departed member WeCom still lists with customers or groups.");
        return api;
    }

    private static async Task<Results<Ok<StartedDeparture>, ValidationProblem, ProblemHttpResult>> StartAsync(
        StartDepartureRequest request, ClaimsPrincipal user, DirectorySync sync, MemberDirectory directory, SuccessionTriggers triggers,
        AuditLog audit, SuccessionStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.UserId) || request.UserId.Length > 64)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = ["a WeCom userid is required"] });
        }

        var userid = request.UserId.Trim();
        var lookup = await sync.ReadAsync(userid, (await directory.GetAsync(userid, ct))?.CustomerContact ?? false, ct);
        Succession? s = lookup switch
        {
            { Departed: true } or { Member.Status: Member.Quit } => await triggers.DepartedAsync(userid, "manual", ct),
            { Member.Status: Member.Disabled } => await triggers.DisabledAsync(userid, ct),
            _ => null,
        };
        if (s is null)
        {
            return TypedResults.Problem(
                lookup.Member?.Status == Member.Disabled
                    ? "The member is disabled and Succession:OnDisabled is Ignore."
                    : "WeCom reports this member as active: an active member's customers are not inherited.",
                statusCode: StatusCodes.Status409Conflict);
        }

        // The succession itself is audited by the system; this records who asked for it.
        await using (var connection = await store.DataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await audit.AppendAsync(connection, transaction, [new AuditEntry(ApiKeyAuthenticationHandler.Actor(user), "succession.request", AuditEntity.Succession,
                s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, new JsonObject { ["handover_userid"] = userid })], ct);
            await transaction.CommitAsync(ct);
        }

        var current = await store.GetAsync(s.Id, ct) ?? s;
        return TypedResults.Ok(new StartedDeparture(current.Id, current.HandoverUserid, current.State, current.Api));
    }

    private static async Task<Ok<SweepResult>> SweepAsync(Reconciler reconciler, CancellationToken ct) =>
        TypedResults.Ok(new SweepResult(await reconciler.SweepAsync(ct)));
}
