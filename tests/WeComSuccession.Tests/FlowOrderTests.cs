using System.Text.RegularExpressions;

namespace WeComSuccession.Tests;

/// <summary>
/// The service's folders follow one departure: Callbacks → Members → Successions → Transfers → Notifications.
/// A flow folder may use the folders before it (and Audit and Infrastructure, which every step stands on), never
/// one after it and never a door (Api, Dashboard, Workbench); Audit and Infrastructure use no flow folder. The
/// engine reaches later steps only through the steps they register.
/// </summary>
public sealed partial class FlowOrderTests
{
    private static readonly string[] Flow = ["Callbacks", "Members", "Successions", "Transfers", "Notifications"];
    private static readonly string[] Doors = ["Api", "Dashboard", "Workbench"];
    private static readonly string[] Ground = ["Audit", "Infrastructure"];

    public static TheoryData<string> FlowAndGroundFolders => [.. Flow, .. Ground];

    [Theory]
    [MemberData(nameof(FlowAndGroundFolders))]
    public void Folder_UsesNoLaterFlowFolderAndNoDoor(string folder)
    {
        var allowed = Ground.Contains(folder) ? [] : Flow[..Array.IndexOf(Flow, folder)];
        var forbidden = Flow.Concat(Doors).Where(f => f != folder && !allowed.Contains(f)).ToHashSet();

        var violations = (
            from file in Directory.EnumerateFiles(Path.Combine(ServiceSource, folder), "*.cs", SearchOption.AllDirectories)
            from match in NamespaceReference().Matches(File.ReadAllText(file)).Cast<Match>()
            let used = match.Groups["folder"].Value
            where forbidden.Contains(used)
            select $"{Path.GetRelativePath(ServiceSource, file)} uses {used}").Distinct().ToList();

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Service_HasExactlyTheFoldersTheFlowNames()
    {
        var folders = Directory.EnumerateDirectories(ServiceSource).Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj" or "Properties" or "wwwroot" or "node_modules")).Order().ToList();

        Assert.Equal([.. Flow.Concat(Doors).Concat(Ground).Where(f => Directory.Exists(Path.Combine(ServiceSource, f))).Order()], folders);
        Assert.All(Flow.Concat(Ground), f => Assert.True(Directory.Exists(Path.Combine(ServiceSource, f)), f + " is missing"));
    }

    private static string ServiceSource => RepositoryPaths.Under("src", "WeComSuccession");

    /// <summary><c>using WeComSuccession.X</c> or a qualified <c>WeComSuccession.X.</c> (the WeCom library's <c>WeCom</c> is no folder).</summary>
    [GeneratedRegex(@"\bWeComSuccession\.(?<folder>[A-Z][A-Za-z]+)\b")]
    private static partial Regex NamespaceReference();
}
