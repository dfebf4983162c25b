using System.Text.Json.Nodes;

namespace WeComSuccession.Audit;

/// <summary>
/// One change to record: who did what to which entity, and the entity's relevant fields before and after
/// (<c>null</c> before a creation and after a deletion). The time, id and hashes are added by <see cref="AuditLog"/>.
/// </summary>
internal sealed record AuditEntry(string Actor, string Action, string EntityType, string EntityId, JsonObject? Before = null, JsonObject? After = null)
{
    /// <summary>
    /// An entry by <paramref name="actor"/>: the member is the actor when there is one, and the door they came
    /// through is kept beside the new values as <c>via</c> (e.g. an approval through the API names both).
    /// </summary>
    public static AuditEntry By(Actor actor, string action, string entityType, string entityId, JsonObject? before, JsonObject? after)
    {
        if (actor.Member is not null && after is not null)
        {
            after["via"] = actor.Door;
        }

        return new AuditEntry(actor.AuditName, action, entityType, entityId, before, after);
    }
}

/// <summary>Entity types written by this service; the engine may add its own.</summary>
internal static class AuditEntity
{
    public const string Succession = "succession";
    public const string Item = "succession_item";
    public const string RegisteredSuccessor = "registered_successor";
    public const string AdminRole = "admin_role";
    public const string ApprovalRule = "approval_rule";

    /// <summary>Every entity type the service audits, in the order a reader filters on them.</summary>
    public static readonly string[] All = [Succession, Item, RegisteredSuccessor, AdminRole, ApprovalRule];
}
