using System.Text.RegularExpressions;

namespace WeComSuccession.Tests;

/// <summary>
/// Test folders mirror <c>src/</c>: the tests of <c>src/P/X/Y.cs</c> are under <c>tests/P.Tests/X/</c>, in the
/// namespace <c>P.Tests.X</c>, so a reader finds them where the code is. A test project's <c>TestSupport</c>
/// folder (its own helpers) and <c>Samples</c> folder (data) have no counterpart.
/// </summary>
public sealed partial class TestLayoutTests
{
    private static readonly string[] BuildFolders = ["bin", "obj"];
    private static readonly string[] OwnFolders = ["TestSupport", "Samples"];

    public static TheoryData<string> SourceProjects => ["WeComSuccession", "WeComSuccession.WeCom", "WeComSuccession.Simulator"];

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void TestProject_EveryFolder_MirrorsASourceFolder(string project)
    {
        var tests = RepositoryPaths.Under("tests", project + ".Tests");
        var source = RepositoryPaths.Under("src", project);

        var strays = Folders(tests).Where(f => !Directory.Exists(Path.Combine(source, f))).ToList();

        Assert.True(strays.Count == 0, $"tests/{project}.Tests has folders that src/{project} lacks: {string.Join(", ", strays)}");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void TestProject_EveryFile_DeclaresTheNamespaceOfItsFolder(string project)
    {
        var tests = RepositoryPaths.Under("tests", project + ".Tests");

        var wrong = (
            from file in Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            let folder = Path.GetRelativePath(tests, Path.GetDirectoryName(file)!)
            where !folder.Split(Path.DirectorySeparatorChar).Any(BuildFolders.Contains)
            let expected = project + ".Tests" + (folder == "." ? "" : "." + folder.Replace(Path.DirectorySeparatorChar, '.'))
            let declared = FileNamespace().Match(File.ReadAllText(file)).Groups["ns"].Value
            where declared != expected
            select $"{Path.GetRelativePath(tests, file)}: {declared} (expected {expected})").ToList();

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    /// <summary>Folders under <paramref name="root"/>, relative to it, without a test project's own folders.</summary>
    private static IEnumerable<string> Folders(string root) =>
        Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(root, d))
            .Where(d => !d.Split(Path.DirectorySeparatorChar).Any(f => OwnFolders.Contains(f) || BuildFolders.Contains(f)));

    [GeneratedRegex(@"^namespace (?<ns>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();
}
