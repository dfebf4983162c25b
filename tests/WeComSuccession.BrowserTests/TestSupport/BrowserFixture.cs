using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;

[assembly: AssemblyFixture(typeof(BrowserFixture))]

namespace WeComSuccession.BrowserTests.TestSupport;

/// <summary>
/// One Playwright driver, one headless Debian Chromium and one style-guide server for the whole assembly.
/// Tests take it in their constructor (xunit v3 assembly fixture) and open isolated contexts from it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// Chromium as root needs --no-sandbox. The rest keep a headless browser quiet on a closed network:
    /// without them it keeps dialling Google's update, sync and field-trial hosts, and QUIC probes.
    /// </summary>
    public static readonly IReadOnlyList<string> ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private StaticSite? _site;

    /// <summary>The browser every test shares; open a context per test (see <see cref="BrowserTest"/>).</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    /// <summary>The style guide server: <c>/css/admin.css</c>, <c>/lib/…</c>, <c>/styleguide/admin.html</c>.</summary>
    public Uri SiteUrl => (_site ?? throw new InvalidOperationException("The browser fixture is not initialised.")).BaseUrl;

    public async ValueTask InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromiumPath;
        if (!File.Exists(chromium))
        {
            // Fail every browser test with the fix in the message: a skipped browser suite would look green.
            throw new InvalidOperationException(
                $"Chromium not found at '{chromium}'. Install Debian's package (apt-get install chromium fonts-noto-cjk; " +
                "deploy/local/test.sh does it) or set CHROMIUM_PATH to a Chromium executable. Playwright's own browser download is not used.");
        }

        // Generous waits: the machine is shared with builds; a wait only lasts this long when a test fails.
        Assertions.SetDefaultExpectTimeout(15_000);
        _site = await StaticSite.StartAsync(RepoPaths.ServiceWebRoot, RepoPaths.StyleGuide);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
    }
}
