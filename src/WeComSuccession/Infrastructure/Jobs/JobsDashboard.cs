using System.Globalization;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.States;

namespace WeComSuccession.Infrastructure.Jobs;

/// <summary>
/// Hangfire's dashboard at <see cref="Path"/>, behind a named authorization policy (the admin policy: the same people
/// and keys as the admin API, whatever sign-in that policy accepts), read-only except for retrying failed jobs, in
/// Chinese unless the browser asks for English.
/// </summary>
internal static class JobsDashboard
{
    public const string Path = "/admin/jobs";

    /// <summary>The cultures Hangfire's resources are named for: its satellites are <c>zh</c> and <c>zh-TW</c>, so a
    /// browser's zh-CN must become <c>zh</c> (under invariant globalization zh-CN has no parent to fall back to).</summary>
    private static readonly CultureInfo Simplified = new("zh");
    private static readonly CultureInfo Traditional = new("zh-TW");
    private static readonly CultureInfo English = new("en");

    private static int _stylesheetAdded;

    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder app, string authorizationPolicy)
    {
        // Hangfire's dashboard assets are process-wide; a process with two hosts (tests) adds ours once.
        if (Interlocked.Exchange(ref _stylesheetAdded, 1) == 0)
        {
            DashboardRoutes.AddStylesheet(typeof(JobsDashboard).Assembly, "WeComSuccession.Infrastructure.Jobs.JobsDashboard.css");
        }

        var options = new DashboardOptions
        {
            // The policy decides who may look (RequireAuthorization below); Hangfire's default filter would allow
            // local requests only. The remaining filter decides what may be changed.
            Authorization = [],
            AsyncAuthorization = [new RetryFailedJobsOnly()],
            DashboardTitle = "WeComSuccession",
            AppPath = null,
            DisplayStorageConnectionString = false,
            // Every open page polls its counters; every 10 s rather than 2 s keeps an open tab's database load small.
            StatsPollingInterval = 10_000,
        };
        var endpoint = app.MapHangfireDashboard(Path, options).RequireAuthorization(authorizationPolicy);
        endpoint.Add(builder =>
        {
            var dashboard = builder.RequestDelegate ?? throw new InvalidOperationException("The dashboard endpoint has no request delegate.");
            builder.RequestDelegate = async context =>
            {
                CultureInfo.CurrentUICulture = CultureFor(context.Request);
                await dashboard(context);
            };
        });
        return endpoint;
    }

    /// <summary>The first of the browser's languages (by quality) that the dashboard speaks; Chinese when none is.</summary>
    internal static CultureInfo CultureFor(HttpRequest request)
    {
        // The language a person chose on the dashboard (its cookie) comes before what the browser asks for.
        var chosen = request.Cookies.TryGetValue(Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.DefaultCookieName, out var cookie)
            && Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.ParseCookieValue(cookie) is { UICultures: [var ui, ..] }
            ? [ui.Value ?? ""]
            : Array.Empty<string>();
        foreach (var tag in chosen.Concat(request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).Select(l => l.Value.Value ?? "")))
        {
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                string[] traditional = ["zh-TW", "zh-HK", "zh-MO", "zh-Hant"];
                return traditional.Any(t => tag.StartsWith(t, StringComparison.OrdinalIgnoreCase)) ? Traditional : Simplified;
            }

            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return English;
            }
        }

        return Simplified;
    }

    /// <summary>
    /// Pages and their live counters for everyone the policy lets in; of the commands only "retry" of failed jobs
    /// (Hangfire's batch command itself moves only jobs that are in the Failed state; the job page's button is checked
    /// here). Deleting, triggering, re-enqueueing other jobs and removing recurring jobs answer 403: the database is
    /// the truth, and those would change what the service decided.
    /// </summary>
    private sealed class RetryFailedJobsOnly : IDashboardAsyncAuthorizationFilter
    {
        private const string RequeueJob = "/jobs/actions/requeue/";

        public Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var method = context.Request.Method;
            var path = context.Request.Path;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || path is "/stats" or "/jobs/failed/requeue")
            {
                return Task.FromResult(true);
            }

            if (HttpMethods.IsPost(method) && path.StartsWith(RequeueJob, StringComparison.Ordinal))
            {
                using var connection = context.Storage.GetConnection();
                return Task.FromResult(connection.GetStateData(path[RequeueJob.Length..])?.Name == FailedState.StateName);
            }

            return Task.FromResult(false);
        }
    }
}
