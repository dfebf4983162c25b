using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;

namespace WeComSuccession.BrowserTests.Dashboard;

/// <summary>A browser test against the running <see cref="DashboardSystem"/>, signing people in the way they do.</summary>
public abstract class DashboardBrowserTest(BrowserFixture browser, DashboardSystem system) : BrowserTest(browser)
{
    protected DashboardSystem System => system;

    /// <summary>
    /// Opens /admin in a fresh desktop context and signs in as <paramref name="userid"/> through the WeCom login page
    /// (the simulator's: pick the member), back to the service's callback and on to /admin.
    /// </summary>
    protected async Task<IPage> SignInAsync(string userid, BrowserProfile? profile = null)
    {
        var page = await OpenAsync(profile ?? BrowserProfile.Desktop);
        await page.GotoAsync(system.Path("/admin"));
        await page.Locator($"a.member[data-userid=\"{userid}\"]").ClickAsync();
        await page.WaitForURLAsync(system.Path("/admin"));
        return page;
    }

    /// <summary>Accepts the page's confirm() questions (bulk retry, retry selected) as a person clicking OK.</summary>
    protected static void AcceptConfirms(IPage page) => page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

    /// <summary>The items table's row of <paramref name="item"/> on a departure page.</summary>
    protected static ILocator ItemRow(IPage page, long item) =>
        page.Locator("tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator($"input[name=ids][value=\"{DashboardSystem.Id(item)}\"]") });
}
