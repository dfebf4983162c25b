using Microsoft.Playwright;

namespace WeComSuccession.BrowserTests.TestSupport;

/// <summary>
/// Base class for browser tests: opens pages in fresh contexts (traced), collects what went wrong in the
/// page (script errors, console errors, failed or 4xx/5xx requests), writes screenshots, and when the test
/// fails keeps a Playwright trace and a screenshot of every open page (open the trace with
/// <c>playwright show-trace</c> or trace.playwright.dev).
/// </summary>
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<(IBrowserContext Context, IPage Page, List<string> Problems)> _opened = [];

    protected BrowserFixture Browser => browser;

    /// <summary>The style guide server's URL for a path such as <c>styleguide/admin.html</c>.</summary>
    protected Uri Site(string relative) => new(browser.SiteUrl, relative);

    /// <summary>A new page at 1280×800.</summary>
    protected Task<IPage> OpenDesktopAsync(string locale = "zh-CN") => OpenAsync(BrowserProfile.Desktop, locale);

    /// <summary>A new page at 390×844 (×2) with WeCom's in-app user agent.</summary>
    protected Task<IPage> OpenPhoneAsync(string locale = "zh-CN") => OpenAsync(BrowserProfile.Phone, locale);

    /// <summary>A new page in its own context (no shared cookies or storage) for <paramref name="profile"/>.</summary>
    protected async Task<IPage> OpenAsync(BrowserProfile profile, string locale = "zh-CN")
    {
        ArgumentNullException.ThrowIfNull(profile);
        var context = await browser.Browser.NewContextAsync(profile.ContextOptions(locale));
        context.SetDefaultTimeout(30_000);
        await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = false, Snapshots = true, Sources = false });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add("script error: " + error);
        page.Console += (_, message) =>
        {
            // "Failed to load resource" repeats a failed response, which is reported below with its URL.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add("console error: " + message.Text);
            }
        };
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            // Browsers ask for /favicon.ico on their own; no page links it.
            if (response.Status >= 400 && new Uri(response.Url).AbsolutePath != "/favicon.ico")
            {
                problems.Add($"HTTP {response.Status}: {response.Url}");
            }
        };
        _opened.Add((context, page, problems));
        return page;
    }

    /// <summary>Fails with every script error, console error and failed request seen in <paramref name="page"/>.</summary>
    protected void AssertNoProblems(IPage page)
    {
        var problems = _opened.Single(o => ReferenceEquals(o.Page, page)).Problems;
        Assert.True(problems.Count == 0, "The page had problems:\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// A PNG as <c>docs/screenshots/{name}.png</c> under the repository root (committed, for people to judge
    /// the look), and also under <c>$TEST_RESULTS_DIR/screenshots</c> when that is set. The whole page by
    /// default; <paramref name="fullPage"/> false takes the screen as scrolled, which is what a phone shows
    /// (a full-page shot draws sticky bars where the first screen ends).
    /// </summary>
    protected static async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        ArgumentNullException.ThrowIfNull(page);
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
        var path = Path.Combine(RepoPaths.Screenshots, name + ".png");
        Directory.CreateDirectory(RepoPaths.Screenshots);
        await File.WriteAllBytesAsync(path, bytes);
        if (Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") is { Length: > 0 } results)
        {
            var copy = Path.Combine(results, "screenshots", name + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            await File.WriteAllBytesAsync(copy, bytes);
        }

        return path;
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        // TestState is set once the test method has finished, before the class is disposed (xunit v3).
        var failed = TestContext.Current.TestState?.Result is not TestResult.Passed and not TestResult.Skipped;
        var artifacts = failed ? FailureDirectory() : null;
        for (var i = 0; i < _opened.Count; i++)
        {
            var (context, page, _) = _opened[i];
            if (artifacts is not null)
            {
                Directory.CreateDirectory(artifacts);
                if (!page.IsClosed)
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, $"page{i}.png"), FullPage = true });
                }

                await context.Tracing.StopAsync(new TracingStopOptions { Path = Path.Combine(artifacts, $"trace{i}.zip") });
            }
            else
            {
                await context.Tracing.StopAsync();
            }

            await context.CloseAsync();
        }

        if (artifacts is not null)
        {
            Console.Error.WriteLine($"[browser] failure artefacts of {TestContext.Current.Test?.TestDisplayName}: {artifacts}");
        }

        GC.SuppressFinalize(this);
    }

    private static string FailureDirectory()
    {
        var root = Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") is { Length: > 0 } results
            ? results
            : Path.Combine(RepoPaths.Root, "TestResults");
        var test = TestContext.Current.Test?.TestDisplayName ?? "unknown";
        var safe = string.Concat(test.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_'));
        return Path.Combine(root, "browser-failures", safe.Length > 120 ? safe[..120] : safe);
    }
}
