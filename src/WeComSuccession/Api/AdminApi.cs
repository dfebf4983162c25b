namespace WeComSuccession.Api;

/// <summary>
/// The admin REST API under <c>/api/v1</c> for integrators and the dashboard: departures and their items,
/// retry, re-assignment, approval, registered successors and the audit log. Every call needs an API key
/// (<see cref="ApiKeyAuthenticationHandler"/>); every change is audited with the key's name as the actor, or with
/// the member the caller names (an approver) and the key beside it. The endpoints map the shared commands' outcomes
/// to problem details: 400 names the field, 403 not allowed, 404, 409 when the departure is not in the state asked for.
/// </summary>
internal static class AdminApi
{
    public const string Policy = "AdminApi";
    public const string Prefix = "/api";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        var api = app.MapGroup(Prefix + "/v1").RequireAuthorization(Policy).ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapDeparturesApi();
        api.MapSuccessorsApi();
        api.MapAuditApi();
        api.MapTriggersApi();
        return app;
    }
}
