namespace WeComSuccession.TestSupport;

/// <summary>Files of the checkout the tests were built from (the build output sits under it).</summary>
public static class RepositoryPaths
{
    public static string Root => FindRoot();

    /// <summary>A path under the repository root, e.g. <c>Under("src", "WeComSuccession")</c>.</summary>
    public static string Under(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WeComSuccession.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("WeComSuccession.sln not found above " + AppContext.BaseDirectory);
    }
}
