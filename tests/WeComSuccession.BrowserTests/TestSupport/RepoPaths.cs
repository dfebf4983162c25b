namespace WeComSuccession.BrowserTests.TestSupport;

/// <summary>Places in the checkout, found from the test binaries by walking up to WeComSuccession.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>The service's web root: our css/js and lib/ (npm, copied by FrontEnd.targets at build).</summary>
    public static string ServiceWebRoot => Path.Combine(Root, "src", "WeComSuccession", "wwwroot");

    /// <summary>The style guide pages, served from the source tree so that an edit needs no rebuild.</summary>
    public static string StyleGuide => Path.Combine(Root, "tests", "WeComSuccession.BrowserTests", "StyleGuide");

    /// <summary>Committed screenshots, for people who judge the look without running anything.</summary>
    public static string Screenshots => Path.Combine(Root, "docs", "screenshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WeComSuccession.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"WeComSuccession.sln not found in any parent of {AppContext.BaseDirectory}.");
    }
}
