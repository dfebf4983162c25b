using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WeComSuccession.Audit;

namespace WeComSuccession.Workbench;

/// <summary>
/// What every workbench page knows: the signed-in member acting through the workbench (their rights are the commands'
/// business), the words of the page's language, China time, and a message carried to the next page after a POST.
/// </summary>
internal abstract class WorkbenchPage(IStringLocalizer<WorkbenchText> text, ServiceClock clock) : PageModel
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public IStringLocalizer<WorkbenchText> T => text;

    public string Userid => User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    public string UserName => User.Identity?.Name ?? Userid;

    /// <summary>The member acting through the workbench.</summary>
    public Actor Actor => new(Userid, WorkbenchSetup.Door);

    public DateTimeOffset Now => clock.GetUtcNow();

    [TempData]
    public string? Flash { get; set; }

    /// <summary>"success" or "error".</summary>
    [TempData]
    public string? FlashKind { get; set; }

    /// <summary>A UTC time as people in China read it.</summary>
    public static string Local(DateTime? utc, string format = "MM-dd HH:mm") =>
        utc is { } t ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), China).ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>How long since <paramref name="since"/>: "3 分钟", "5 小时", "2 天".</summary>
    public string Age(DateTime? since)
    {
        if (since is not { } t)
        {
            return "—";
        }

        var span = Now - new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc));
        return span.TotalDays >= 1 ? T["Age.Days", (int)span.TotalDays]
            : span.TotalHours >= 1 ? T["Age.Hours", (int)span.TotalHours]
            : (string)T["Age.Minutes", Math.Max(1, (int)span.TotalMinutes)];
    }

    /// <summary>The first character of a name, for an avatar.</summary>
    public static string Initial(string? name, string fallback) => string.IsNullOrEmpty(name) ? fallback : name[..1];

    protected void Tell(string message, bool success = true)
    {
        Flash = message;
        FlashKind = success ? "success" : "error";
    }

    /// <summary>A command's outcome that is not Done, in the member's words.</summary>
    protected string Explain<TValue>(Outcome<TValue> outcome) => outcome.Kind switch
    {
        OutcomeKind.NotFound => T["Outcome.NotFound"],
        OutcomeKind.Conflict => T["Outcome.Conflict", outcome.Detail ?? ""],
        OutcomeKind.NotAllowed => T["Outcome.NotAllowed"],
        OutcomeKind.Invalid => T["Outcome.Invalid", outcome.Detail ?? ""],
        _ => "",
    };

    /// <summary>A 403 for a crafted request: the status page says it, nothing of the plan is shown.</summary>
    protected IActionResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);
}
