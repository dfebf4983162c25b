using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.Transfers;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Api;

/// <summary>A departure (one succession) with its progress per item state, customers and groups apart.</summary>
internal sealed record DepartureDto(
    long Id, string HandoverUserId, string? HandoverName, string Api, string State, string Trigger, string? Reason, IReadOnlyList<string> Approvers,
    string? DecidedBy, DateTime? DecidedAt, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, ItemCounts Customers, ItemCounts Groups);

internal sealed record ItemCounts(long Total, long Planned, long Queued, long Submitting, long Waiting, long Transferred, long Refused, long Failed, long Manual)
{
    public static ItemCounts From(IEnumerable<ItemCountRow> rows)
    {
        var byState = rows.ToDictionary(r => r.State, r => r.Count);
        long Of(string state) => byState.GetValueOrDefault(state);
        return new ItemCounts(byState.Values.Sum(), Of(ItemState.Planned), Of(ItemState.Queued), Of(ItemState.Submitting), Of(ItemState.Waiting),
            Of(ItemState.Transferred), Of(ItemState.Refused), Of(ItemState.Failed), Of(ItemState.Manual));
    }
}

/// <summary>One customer (target = external_userid) or group (target = chat_id) of a departure.</summary>
internal sealed record ItemDto(
    long Id, string Kind, string TargetId, string? TakeoverUserId, string? Rule, string State, string? Reason, int? Errcode, string? ErrcodeDescription,
    int Attempts, int Reroutes, DateTime? NotBefore, DateTime? TakeoverTime, DateTime UpdatedAt);

internal sealed record RetryRequest(long[]? ItemIds);

internal sealed record ReassignRequest(long[]? ItemIds, string? TakeoverUserId);

internal sealed record ApproveRequest(string? Approver, bool TransferNow = false);

internal sealed record RejectRequest(string? Approver, string? Reason);

internal sealed record ChangeSuccessorRequest(string? Approver, long[]? ItemIds, string? TakeoverUserId);

internal static class DeparturesApi
{
    public const int MaxItemsPerCall = 1000;
    public const int MaxReasonLength = 500;

    private static readonly string[] SuccessionStates = [.. SuccessionState.Open, SuccessionState.Completed, SuccessionState.Rejected, SuccessionState.Ignored];
    private static readonly string[] ItemStates = [ItemState.Planned, ItemState.Queued, ItemState.Submitting, ItemState.Waiting, .. ItemState.Final];
    private static readonly string[] ItemKinds = [ItemKind.Customer, ItemKind.Group];

    public static RouteGroupBuilder MapDeparturesApi(this RouteGroupBuilder api)
    {
        var departures = api.MapGroup("/departures").WithTags("Departures");
        departures.MapGet("", ListAsync).WithName("ListDepartures")
            .WithSummary("Departures, newest first, with item counts per state (customers and groups apart).");
        departures.MapGet("/{id:long}", GetAsync).WithName("GetDeparture").ProducesProblem(StatusCodes.Status404NotFound);
        departures.MapGet("/{id:long}/items", ListItemsAsync).WithName("ListDepartureItems")
            .WithSummary("Items of a departure: failed and manual first, then waiting, then the rest; filters match exactly.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        departures.MapPost("/{id:long}/items/retry", RetryAsync).WithName("RetryItems")
            .WithSummary("Failed, refused and manual items that have a successor go back to the queue (planned while the departure awaits a decision); a refused customer is asked again.")
            .WithDescription("Per item: changed, or skipped with the reason (e.g. waiting, or no successor: re-assign it). A completed departure reopens. 409 when the departure is planning, rejected or ignored.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        departures.MapPost("/{id:long}/items/reassign", ReassignAsync).WithName("ReassignItems")
            .WithSummary("Planned, queued, failed and manual items get the successor a person chose (rule manual).")
            .WithDescription("The successor must be an active member with the customer-contact permission and not the departed member (400 otherwise). Per item: changed or skipped with the reason.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        departures.MapPost("/{id:long}/items/change-successor", ChangeSuccessorAsync).WithName("ChangeSuccessor")
            .WithSummary("While the plan awaits approval, its approver gives planned or manual items to another eligible member (they stay planned).")
            .WithDescription("approver names the deciding member, who must be one of the departure's approvers (403 otherwise); the API key is recorded beside them.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        departures.MapPost("/{id:long}/approve", ApproveAsync).WithName("ApproveDeparture")
            .WithSummary("awaiting_approval → transferring (planned items → queued); with transferNow, also awaiting_deletion → transferring on the on-job API.")
            .WithDescription("approver names the deciding member, who must be one of the departure's approvers (403 otherwise); the decision is audited with that member as actor and the API key beside them.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        departures.MapPost("/{id:long}/reject", RejectAsync).WithName("RejectDeparture")
            .WithSummary("awaiting_approval or awaiting_deletion → rejected; planned items → manual ('plan rejected').")
            .WithDescription("approver names the deciding member, who must be one of the departure's approvers (403 otherwise).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Ok<PageDto<DepartureDto>>, ValidationProblem>> ListAsync(
        DepartureQueries queries, CancellationToken ct, string? state = null, int page = 1, int pageSize = 50)
    {
        if ((ApiResults.CheckOneOf("state", state, SuccessionStates) ?? ApiResults.CheckPaging(page, pageSize)) is { } invalid)
        {
            return invalid;
        }

        var (total, rows) = await queries.ListAsync(state, page, pageSize, ct);
        var counts = await queries.CountItemsAsync([.. rows.Select(r => r.Succession.Id)], ct);
        return TypedResults.Ok(new PageDto<DepartureDto>(page, pageSize, total, [.. rows.Select(r => ToDto(r, counts))]));
    }

    private static async Task<Results<Ok<DepartureDto>, ProblemHttpResult>> GetAsync(long id, DepartureQueries queries, CancellationToken ct)
    {
        if (await queries.GetAsync(id, ct) is not { } row)
        {
            return ApiResults.NotFound($"Departure {id} does not exist.");
        }

        return TypedResults.Ok(ToDto(row, await queries.CountItemsAsync([id], ct)));
    }

    private static async Task<Results<Ok<PageDto<ItemDto>>, ValidationProblem, ProblemHttpResult>> ListItemsAsync(
        long id, DepartureQueries queries, CancellationToken ct, string? state = null, string? kind = null, string? reason = null, int page = 1, int pageSize = 50)
    {
        if ((ApiResults.CheckOneOf("state", state, ItemStates) ?? ApiResults.CheckOneOf("kind", kind, ItemKinds) ?? ApiResults.CheckPaging(page, pageSize)) is { } invalid)
        {
            return invalid;
        }

        if (await queries.GetAsync(id, ct) is null)
        {
            return ApiResults.NotFound($"Departure {id} does not exist.");
        }

        var (total, rows) = await queries.ListItemsAsync(id, state, kind, reason, page, pageSize, ct);
        return TypedResults.Ok(new PageDto<ItemDto>(page, pageSize, total, [.. rows.Select(r => new ItemDto(
            r.Id, r.Kind, r.TargetId, r.TakeoverUserid, r.Rule, r.State, r.Reason, r.Errcode,
            r.Errcode is { } code ? WeComErrorCodes.Describe(code) : null,
            r.Attempts, r.Reroutes, r.NotBefore, r.TakeoverTime, r.UpdatedAt))]));
    }

    private static async Task<Results<Ok<ItemChangeReport>, ValidationProblem, ProblemHttpResult>> RetryAsync(
        long id, RetryRequest request, ClaimsPrincipal user, ItemCommands items, CancellationToken ct) =>
        CheckItemIds(request.ItemIds) is { } invalid
            ? invalid
            : ApiResults.From(await items.RetryAsync(id, [.. request.ItemIds!.Distinct()], ApiKeyAuthenticationHandler.ActorOf(user), ct));

    private static async Task<Results<Ok<ItemChangeReport>, ValidationProblem, ProblemHttpResult>> ReassignAsync(
        long id, ReassignRequest request, ClaimsPrincipal user, ItemCommands items, CancellationToken ct) =>
        (CheckItemIds(request.ItemIds) ?? ApiResults.CheckUserId("takeoverUserId", request.TakeoverUserId)) is { } invalid
            ? invalid
            : ApiResults.From(await items.ReassignAsync(id, [.. request.ItemIds!.Distinct()], request.TakeoverUserId!.Trim(), ApiKeyAuthenticationHandler.ActorOf(user), ct));

    private static async Task<Results<Ok<ItemChangeReport>, ValidationProblem, ProblemHttpResult>> ChangeSuccessorAsync(
        long id, ChangeSuccessorRequest request, ClaimsPrincipal user, ApprovalCommands approvals, CancellationToken ct) =>
        (ApiResults.CheckUserId("approver", request.Approver) ?? CheckItemIds(request.ItemIds) ?? ApiResults.CheckUserId("takeoverUserId", request.TakeoverUserId)) is { } invalid
            ? invalid
            : ApiResults.From(await approvals.ChangeSuccessorAsync(
                id, [.. request.ItemIds!.Distinct()], request.TakeoverUserId!.Trim(), ApiKeyAuthenticationHandler.ActorOf(user, request.Approver!.Trim()), ct));

    private static async Task<Results<Ok<Decision>, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        long id, ApproveRequest request, ClaimsPrincipal user, ApprovalCommands approvals, CancellationToken ct)
    {
        if (ApiResults.CheckUserId("approver", request.Approver) is { } invalid)
        {
            return invalid;
        }

        var actor = ApiKeyAuthenticationHandler.ActorOf(user, request.Approver!.Trim());
        return ApiResults.From(request.TransferNow ? await approvals.TransferNowAsync(id, actor, ct) : await approvals.ApproveAsync(id, actor, ct));
    }

    private static async Task<Results<Ok<Decision>, ValidationProblem, ProblemHttpResult>> RejectAsync(
        long id, RejectRequest request, ClaimsPrincipal user, ApprovalCommands approvals, CancellationToken ct)
    {
        if (ApiResults.CheckUserId("approver", request.Approver) is { } invalid)
        {
            return invalid;
        }

        if (request.Reason is { Length: > MaxReasonLength })
        {
            return ApiResults.Invalid("reason", $"reason must be at most {MaxReasonLength} characters.");
        }

        return ApiResults.From(await approvals.RejectAsync(id, ApiKeyAuthenticationHandler.ActorOf(user, request.Approver!.Trim()), request.Reason, ct));
    }

    private static ValidationProblem? CheckItemIds(long[]? itemIds)
    {
        if (itemIds is not { Length: > 0 })
        {
            return ApiResults.Invalid("itemIds", "itemIds must list at least one item id.");
        }

        if (itemIds.Length > MaxItemsPerCall)
        {
            return ApiResults.Invalid("itemIds", $"itemIds may list at most {MaxItemsPerCall} items per call.");
        }

        return itemIds.Any(i => i <= 0) ? ApiResults.Invalid("itemIds", "item ids are positive numbers.") : null;
    }

    private static DepartureDto ToDto(DepartureRow row, IReadOnlyList<ItemCountRow> counts)
    {
        var r = row.Succession;
        var mine = counts.Where(c => c.SuccessionId == r.Id).ToList();
        return new DepartureDto(
            r.Id, r.HandoverUserid, row.HandoverName, r.Api, r.State, r.Trigger, r.Reason, r.Approvers, r.DecidedBy, r.DecidedAt, r.CreatedAt, r.UpdatedAt, r.CompletedAt,
            ItemCounts.From(mine.Where(c => c.Kind == ItemKind.Customer)),
            ItemCounts.From(mine.Where(c => c.Kind == ItemKind.Group)));
    }
}
