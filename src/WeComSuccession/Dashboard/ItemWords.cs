using System.Globalization;
using Microsoft.Extensions.Localization;
using WeComSuccession.Successions;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Dashboard;

/// <summary>
/// Why an item is where it is, and what a person can do about it, in the reader's language: WeCom's errcode through
/// its one table (WeComErrorCodes: "中文 / English"), else the engine's reason recognised by its wording.
/// </summary>
internal static class ItemWords
{
    public static string Reason(IStringLocalizer t, string state, int? errcode, string? reason)
    {
        if (errcode is { } code && code != 0)
        {
            // Describe gives "40099 中文 / English": the code is added back below, once, after the words.
            var described = WeComErrorCodes.Describe(code);
            var prefix = code.ToString(CultureInfo.InvariantCulture) + " ";
            if (described.StartsWith(prefix, StringComparison.Ordinal))
            {
                described = described[prefix.Length..];
            }

            var halves = described.Split(" / ", 2);
            var words = halves.Length == 2 ? (English ? halves[1] : halves[0]) : described;
            return $"{words} ({code.ToString(CultureInfo.InvariantCulture)})";
        }

        if (state == ItemState.Refused)
        {
            return t["Reason.Refused"];
        }

        return reason switch
        {
            null or "" => "",
            _ when reason.StartsWith("no eligible successor", StringComparison.Ordinal) => t["Reason.NoSuccessor"],
            "plan rejected" => t["Reason.Rejected"],
            _ when reason.StartsWith("re-routed", StringComparison.Ordinal) => t["Reason.Rerouted"],
            _ when reason.StartsWith("WeCom has no record", StringComparison.Ordinal) => t["Reason.NoRecord"],
            _ when reason.StartsWith("the group did not show", StringComparison.Ordinal) => t["Reason.GroupNotConfirmed"],
            _ when reason.StartsWith("daily limit of groups", StringComparison.Ordinal) => t["Reason.GroupDailyLimit"],
            "not in WeCom's answer" => t["Reason.NotInAnswer"],
            _ => reason,
        };
    }

    /// <summary>The engine's own words behind <see cref="Reason"/> (e.g. whom the chain skipped and why), for a tooltip.</summary>
    public static string? Detail(string? reason) => reason is { Length: > 0 } && reason.Contains(':', StringComparison.Ordinal) ? reason : null;

    /// <summary>What a person can do: retry, re-assign, contact the customer, or fix the configuration and retry.</summary>
    public static string SuggestedAction(IStringLocalizer t, string state, int? errcode, string? takeover)
    {
        if (state == ItemState.Refused)
        {
            return t["Action.Contact"];
        }

        if (errcode is { } code)
        {
            return WeComErrorCodes.Classify(code) switch
            {
                WeComErrorClass.ReRoute => t["Action.Reassign"],
                WeComErrorClass.Configuration => t["Action.Check"],
                WeComErrorClass.TerminalForItem => t["Action.Contact"],
                _ => t["Action.Retry"],
            };
        }

        return takeover is null ? t["Action.Reassign"] : t["Action.Retry"];
    }

    // By name: with invariant globalization every culture's TwoLetterISOLanguageName is the invariant one's ("iv").
    private static bool English => CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal);
}
