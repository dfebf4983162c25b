using Microsoft.Extensions.Localization;
using WeComSuccession.Successions;

namespace WeComSuccession.Dashboard;

/// <summary>
/// Stored codes as people read them, in the page's language: an item's kind, state and successor rule, a WeCom
/// errcode, a member. One place, so that a page, its print view and its downloads say the same thing.
/// </summary>
internal static class DashboardWords
{
    public static string Kind(IStringLocalizer t, string kind) => t[kind == ItemKind.Group ? "Common.Group" : "Common.Customer"];

    public static string ItemState(IStringLocalizer t, string state) => Known(t, "State." + state, state);

    public static string SuccessionState(IStringLocalizer t, string state) => Known(t, "Succession." + state, state);

    /// <summary>Which rule of the successor chain chose the successor; empty when none did.</summary>
    public static string Rule(IStringLocalizer t, string? rule) => rule is null ? "" : Known(t, "Rule." + rule, rule);

    /// <summary>What a WeCom errcode means, in the page's language, with the code.</summary>
    public static string Errcode(IStringLocalizer t, int errcode) => ItemWords.Reason(t, Successions.ItemState.Failed, errcode, null);

    /// <summary>
    /// Why an item is where it is, in plain words (<see cref="ItemWords.Reason"/>), or for a customer waiting at WeCom
    /// when the takeover completes by itself; with the note of the person who marked it handled, if one did.
    /// </summary>
    public static string Reason(IStringLocalizer t, ItemRow item)
    {
        var why = ItemWords.Reason(t, item.State, item.Errcode, item.Reason);
        if (why.Length == 0 && item.State == Successions.ItemState.Waiting && item.TakeoverTime is { } at)
        {
            why = t["Words.TakeoverAt", DashboardPage.Local(at)];
        }

        if (item.HandledNote is not { Length: > 0 } note)
        {
            return why;
        }

        string handled = t["Words.Handled", note];
        return why.Length == 0 ? handled : why + " · " + handled;
    }

    /// <summary>An audit entry's action in words: "同意计划", "状态变为 已转接".</summary>
    public static string Action(IStringLocalizer t, string action)
    {
        var known = t["Audit.Action." + action];
        if (!known.ResourceNotFound)
        {
            return known;
        }

        var dot = action.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? action : action[..dot] switch
        {
            "item" => t["Audit.Action.ItemState", ItemState(t, action[(dot + 1)..])],
            "succession" => t["Audit.Action.SuccessionState", SuccessionState(t, action[(dot + 1)..])],
            _ => action,
        };
    }

    /// <summary>An audit entry's actor when no member's name is known: 系统, an API key by its name, else the id.</summary>
    public static string Actor(IStringLocalizer t, string actor) =>
        actor == Audit.Actor.System.AuditName ? t["Audit.System"]
        : actor.StartsWith("api-key:", StringComparison.Ordinal) ? t["Audit.Door.ApiKey", actor["api-key:".Length..]]
        : actor;

    /// <summary>"李娜 (lina)"; the userid alone when the directory has no name.</summary>
    public static string Person(string? userid, string? name) =>
        userid is null ? "" : string.IsNullOrEmpty(name) || name == userid ? userid : $"{name} ({userid})";

    private static string Known(IStringLocalizer t, string key, string fallback)
    {
        var text = t[key];
        return text.ResourceNotFound ? fallback : text.Value;
    }
}
