using System.Text.Json.Nodes;

namespace WeComSuccession.Audit;

/// <summary>
/// One change to record: who did what to which entity, and the entity's relevant fields before and after
/// (<c>null</c> before a creation and after a deletion). The time, id and hashes are added by <see cref="AuditLog"/>.
/// </summary>
internal sealed record AuditEntry(string Actor, string Action, string EntityType, string EntityId, JsonObject? Before = null, JsonObject? After = null);

/// <summary>The actor vocabulary of <see cref="AuditEntry.Actor"/>: a member's userid, an API key's name, or the service itself.</summary>
internal static class AuditActor
{
    public const string System = "system";

    public static string ApiKey(string name) => "api-key:" + name;
}

/// <summary>Entity types written by this service; the engine may add its own.</summary>
internal static class AuditEntity
{
    public const string Succession = "succession";
    public const string Item = "succession_item";
    public const string RegisteredSuccessor = "registered_successor";
}
