using Microsoft.Playwright;

namespace WeComSuccession.BrowserTests.TestSupport;

/// <summary>A device to open pages on: viewport, pixel ratio, touch and user agent.</summary>
public sealed record BrowserProfile(string Name, int Width, int Height, float DeviceScaleFactor, bool IsMobile, string? UserAgent)
{
    /// <summary>An HR admin's laptop: the dashboard must read well at 1280 px.</summary>
    public static readonly BrowserProfile Desktop = new("desktop", 1280, 800, 1, IsMobile: false, UserAgent: null);

    /// <summary>The smallest screen the dashboard supports (a tablet held upright).</summary>
    public static readonly BrowserProfile Tablet = new("tablet", 768, 1024, 1, IsMobile: false, UserAgent: null);

    /// <summary>
    /// An approver's phone inside WeCom's in-app browser. The user agent has WeCom's markers (<c>wxwork/</c>,
    /// <c>MicroMessenger/</c>) on an Android WebView, the engine Chromium really is.
    /// </summary>
    public static readonly BrowserProfile Phone = new("phone", 390, 844, 2, IsMobile: true,
        UserAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
                   "Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 wxwork/4.1.38 MicroMessenger/7.0.1 NetType/WIFI Language/zh");

    /// <summary>Context options for this profile; <paramref name="locale"/> is <c>zh-CN</c> or <c>en</c>.</summary>
    public BrowserNewContextOptions ContextOptions(string locale) => new()
    {
        ViewportSize = new ViewportSize { Width = Width, Height = Height },
        DeviceScaleFactor = DeviceScaleFactor,
        IsMobile = IsMobile,
        HasTouch = IsMobile,
        UserAgent = UserAgent,
        Locale = locale,
        TimezoneId = "Asia/Shanghai",
    };
}
