using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WeComSuccession.Audit;

namespace WeComSuccession.Api;

/// <summary>One audit entry; the hashes (hex) let a reader anchor the chain elsewhere.</summary>
internal sealed record AuditEntryDto(
    long Id, DateTime At, string Actor, string Action, string EntityType, string EntityId, JsonElement? Before, JsonElement? After, string PrevHash, string Hash);

/// <summary>Entries oldest first; <see cref="Next"/> is the <c>after</c> of the next page, null on the last page.</summary>
internal sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, long? Next);

internal static class AuditApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("", ListAsync).WithName("ListAuditEntries")
            .WithSummary("Audit entries after an id, oldest first, optionally of one entity type and id.");
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain")
            .WithSummary("Walks the hash chain: { valid, rows, headId, headHash }, or the first broken row with the problem (edited, deleted, reordered).");
        return api;
    }

    private static async Task<Results<Ok<AuditPageDto>, ValidationProblem>> ListAsync(
        AuditLog log, CancellationToken ct, string? entityType = null, string? entityId = null, long after = 0, int limit = 100)
    {
        if (after < 0)
        {
            return ApiResults.Invalid("after", "after is an audit entry id (0 for the start).");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return ApiResults.Invalid("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        var rows = await log.ListAsync(entityType, entityId, after, limit, ct);
        var items = rows.Select(r => new AuditEntryDto(
            r.Id, r.At, r.Actor, r.Action, r.EntityType, r.EntityId, Json(r.Before), Json(r.After), Convert.ToHexStringLower(r.PrevHash), Convert.ToHexStringLower(r.Hash))).ToList();
        return TypedResults.Ok(new AuditPageDto(items, items.Count == limit ? items[^1].Id : null));
    }

    private static async Task<Ok<AuditVerification>> VerifyAsync(AuditLog log, CancellationToken ct) => TypedResults.Ok(await log.VerifyAsync(ct));

    private static JsonElement? Json(string? text) => text is null ? null : JsonSerializer.Deserialize<JsonElement>(text);
}
