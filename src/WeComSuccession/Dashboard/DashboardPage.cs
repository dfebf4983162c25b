using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WeComSuccession.Audit;

namespace WeComSuccession.Dashboard;

/// <summary>
/// What every dashboard page knows: who is signed in, with which rights (read once per request), the words of the
/// page's language, China time for people, and a message carried to the next page after a POST.
/// </summary>
internal abstract class DashboardPage(PeopleRights people, IStringLocalizer<DashboardText> text) : PageModel
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public IStringLocalizer<DashboardText> T => text;

    /// <summary>The signed-in member acting through the dashboard, with the rights they hold now.</summary>
    public Actor Actor { get; private set; } = Actor.System;

    public AdminRights Rights => Actor.Rights!;

    /// <summary>The departments whose departures the member sees, or null for all.</summary>
    public IReadOnlySet<long>? Scope => Rights.Departments;

    public string UserName => User.Identity?.Name ?? Actor.Member ?? "";

    /// <summary>A message for the next page (after a POST that redirects), e.g. "3 项已重试".</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>"success" or "error".</summary>
    [TempData]
    public string? FlashKind { get; set; }

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Identity?.IsAuthenticated == true && PeopleRights.UseridOf(User) is not null)
        {
            Actor = await people.ActorAsync(User, DashboardSetup.Door, HttpContext.RequestAborted);
        }

        if (Actor.Rights is null)
        {
            // The role was revoked since the policy looked (the cache is brief): treat as no access.
            context.Result = StatusCode(StatusCodes.Status403Forbidden);
            return;
        }

        await next();
    }

    /// <summary>A UTC time as people in China read it.</summary>
    public static string Local(DateTime? utc, string format = "yyyy-MM-dd HH:mm") =>
        utc is { } t ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), China).ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>The date in China at <paramref name="instant"/>.</summary>
    public static DateOnly ChinaDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, China).DateTime);

    /// <summary>A China-time date (from a filter) as the UTC instant it starts.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), China), TimeSpan.Zero);

    /// <summary>A duration as people read it: "2 天 3 小时", "45 分钟".</summary>
    public string Duration(TimeSpan? span)
    {
        if (span is not { } s)
        {
            return "—";
        }

        return s.TotalDays >= 1 ? T["Duration.DaysHours", (int)s.TotalDays, s.Hours]
            : s.TotalHours >= 1 ? T["Duration.HoursMinutes", (int)s.TotalHours, s.Minutes]
            : (string)T["Duration.Minutes", Math.Max(1, (int)Math.Round(s.TotalMinutes))];
    }

    /// <summary>A department's name, or its id in words when WeCom gave the app no name.</summary>
    public string DepartmentName(long? id, string? name) =>
        name ?? (id is { } d ? T["Department.Unnamed", d] : "—");

    protected void Tell(string message, bool success = true)
    {
        Flash = message;
        FlashKind = success ? "success" : "error";
    }

    /// <summary>
    /// The status page for an outcome that must not look like a mere message: a departure the admin cannot see is
    /// not found, an action they may not take is forbidden (the page offered no such button: the POST was crafted).
    /// </summary>
    protected IActionResult? Refused<TValue>(Outcome<TValue> outcome) => outcome.Kind switch
    {
        OutcomeKind.NotFound => NotFound(),
        OutcomeKind.NotAllowed => StatusCode(StatusCodes.Status403Forbidden),
        _ => null,
    };

    /// <summary>A domain outcome that is not Done, as a message for the person (what was wrong, in their words where we have them).</summary>
    protected string Explain<TValue>(Outcome<TValue> outcome) => outcome.Kind switch
    {
        OutcomeKind.NotFound => T["Outcome.NotFound"],
        OutcomeKind.Conflict => T["Outcome.Conflict", outcome.Detail ?? ""],
        OutcomeKind.NotAllowed => T["Outcome.NotAllowed", outcome.Detail ?? ""],
        OutcomeKind.Invalid => T["Outcome.Invalid", outcome.Detail ?? ""],
        _ => "",
    };
}
