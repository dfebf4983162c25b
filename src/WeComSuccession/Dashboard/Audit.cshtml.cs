using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Dashboard;

/// <summary>
/// 审计: the append-only log, newest first, filtered by entity, departure, actor and China-time dates, a page at a
/// time (keyset on the id), each change shown as before → after in words; and the hash chain verified on request.
/// Super admins and auditors read it (<see cref="DashboardPolicies.Audit"/>); a scoped admin reads the trail of each
/// of their departures on the departure's page.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = DashboardPolicies.Audit)]
internal sealed partial class AuditModel(
    AuditQueries queries, AuditLog log, Departments departments, MemberDirectory directory, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public const int PageSize = 50;

    /// <summary>The entity types a reader can filter on, in the order the filter lists them.</summary>
    public static readonly string[] EntityTypes = AuditEntity.All;

    // Keys every item entry repeats that say nothing the entity column does not.
    private static readonly HashSet<string> Hidden = ["succession_id", "kind", "target_id", "via"];

    // Fields whose values are members: shown with their names.
    private static readonly HashSet<string> People = ["takeover_userid", "handover_userid", "successor_userid", "decided_by", "granted_by", "registered_by", "handled_by", "approvers"];

    private Dictionary<long, string?> _departmentNames = [];
    private readonly Dictionary<string, string?> _memberNames = new(StringComparer.OrdinalIgnoreCase);

    [BindProperty(SupportsGet = true, Name = "entity")]
    public string? EntityType { get; set; }

    [BindProperty(SupportsGet = true, Name = "entityId")]
    public string? EntityId { get; set; }

    [BindProperty(SupportsGet = true, Name = "departure")]
    public long? DepartureId { get; set; }

    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? By { get; set; }

    /// <summary>"people": what people and machines did; "system": the service's own transitions; else both.</summary>
    [BindProperty(SupportsGet = true, Name = "who")]
    public string? Who { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? After { get; set; }

    public AuditPage Entries { get; private set; } = new([], false, false);

    /// <summary>What "verify the chain" found, when it was asked.</summary>
    public AuditVerification? Verification { get; private set; }

    public bool IsFiltered => EntityType is not null || EntityId is not null || DepartureId is not null || By is not null || From is not null || To is not null || WhoFilter is not null;

    private bool? WhoFilter => Who switch { "people" => true, "system" => false, _ => null };

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Walks the whole chain (a read: auditors may ask too) and shows the result above the same page.</summary>
    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        Verification = await log.VerifyAsync(ct);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var filter = new AuditFilter(
            Blank(EntityType), Blank(EntityId), DepartureId, Blank(By),
            From is { } from ? StartOfDay(from) : null, To is { } to ? StartOfDay(to.AddDays(1)) : null, WhoFilter);
        Entries = await queries.PageAsync(filter, Before, After, PageSize, ct);
        if (Entries.Rows.Any(r => r.EntityType == AuditEntity.AdminRole))
        {
            _departmentNames = (await departments.ListAsync(ct)).ToDictionary(d => d.Id, d => d.Name);
        }

        var userids = Entries.Rows.SelectMany(r => new[] { Parse(r.Before), Parse(r.After) })
            .SelectMany(o => o?.Where(p => People.Contains(p.Key)).Select(p => p.Value) ?? [])
            .SelectMany(v => v is JsonArray array ? array.AsEnumerable() : [v])
            .OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (userids.Count > 0)
        {
            foreach (var member in await directory.GetManyAsync(userids, ct))
            {
                _memberNames[member.Userid] = member.Name;
            }
        }
    }

    /// <summary>Who acted, when the directory does not name them: the system, an API key, or the stored text.</summary>
    public string ActorWords(string actor) => DashboardWords.Actor(T, actor);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The query string of this page's filters with <paramref name="page"/> ("before=…" or "after=…") added.</summary>
    public string Link(string? page = null) => Link(Who, page);

    /// <summary>The same filters for the entries of <paramref name="who"/> ("people", "system", or null for both).</summary>
    public string Link(string? who, string? page)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("entity", EntityType);
        Add("entityId", EntityId);
        Add("departure", DepartureId?.ToString(CultureInfo.InvariantCulture));
        Add("actor", By);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("who", who);
        if (page is not null)
        {
            query.Add(page);
        }

        return "/admin/audit" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    /// <summary>The action in words: "同意计划", "状态变为 已转接".</summary>
    public string ActionWords(string action) => DashboardWords.Action(T, action);

    /// <summary>The door the person came through (<c>via</c>), in words, or null.</summary>
    public string? Via(AuditListRow row)
    {
        if (row.After is null || JsonNode.Parse(row.After) is not JsonObject after || after["via"]?.GetValue<string>() is not { } door)
        {
            return null;
        }

        if (door.StartsWith("api-key:", StringComparison.Ordinal))
        {
            return T["Audit.Door.ApiKey", door["api-key:".Length..]];
        }

        var words = T["Audit.Door." + door];
        return words.ResourceNotFound ? door : words;
    }

    /// <summary>
    /// What changed, field by field, in words: every field that differs for a change; the fields that were set for a
    /// creation (before is null) or a deletion (after is null).
    /// </summary>
    public IReadOnlyList<(string Field, string? Before, string? After)> Changes(AuditListRow row)
    {
        var before = Parse(row.Before);
        var after = Parse(row.After);
        var keys = (after?.Select(p => p.Key) ?? []).Concat(before?.Select(p => p.Key) ?? []).Distinct().Where(k => !Hidden.Contains(k));
        var changes = new List<(string, string?, string?)>();
        foreach (var key in keys)
        {
            var was = before?[key];
            var now = after?[key];
            if (before is not null && after is not null && JsonNode.DeepEquals(was, now))
            {
                continue;
            }

            if ((before is null || after is null) && IsEmpty(was ?? now))
            {
                continue;
            }

            changes.Add((FieldWords(key), before is null ? null : Value(row.EntityType, key, was), after is null ? null : Value(row.EntityType, key, now)));
        }

        return changes;
    }

    private static JsonObject? Parse(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;

    private static bool IsEmpty(JsonNode? node) => node is null || (node is JsonArray { Count: 0 }) || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() == "0");

    private string FieldWords(string key)
    {
        var words = T["Audit.Field." + key];
        return words.ResourceNotFound ? key : words;
    }

    private string Value(string entityType, string key, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "—";
            case JsonArray array:
                return array.Count == 0 ? "—" : string.Join("、", array.Select(e => key == "departments" && e is JsonValue d && d.TryGetValue(out long id)
                    ? _departmentNames.GetValueOrDefault(id) ?? id.ToString(CultureInfo.InvariantCulture)
                    : People.Contains(key) && e is JsonValue u && u.TryGetValue(out string? userid) ? DashboardWords.Person(userid, _memberNames.GetValueOrDefault(userid))
                    : e?.ToString() ?? "—"));
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return key switch
                {
                    "state" => entityType == AuditEntity.Succession ? DashboardWords.SuccessionState(T, text) : DashboardWords.ItemState(T, text),
                    "rule" => DashboardWords.Rule(T, text),
                    "kind" => DashboardWords.Kind(T, text),
                    "role" => T["Role." + text],
                    "api" => T["Audit.Api." + text].ResourceNotFound ? text : T["Audit.Api." + text],
                    _ when People.Contains(key) => DashboardWords.Person(text, _memberNames.GetValueOrDefault(text)),
                    _ when IsoTime().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => Local(at.UtcDateTime),
                    _ => text,
                };
            case JsonValue value when key == "errcode" && value.TryGetValue(out int errcode):
                return DashboardWords.Errcode(T, errcode);
            case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return T[value.GetValue<bool>() ? "Common.Yes" : "Common.No"];
            default:
                return node.ToJsonString();
        }
    }

    /// <summary>A time as System.Text.Json writes one: "2026-11-30T01:12:00.123Z".</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex IsoTime();
}
