namespace WeComSuccession.Infrastructure.Db;

/// <summary>Patterns for <c>ILIKE … ESCAPE '\'</c>: what a person typed, matched literally anywhere in the text.</summary>
internal static class Like
{
    public static string Containing(string? typed) =>
        "%" + (typed ?? "").Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
