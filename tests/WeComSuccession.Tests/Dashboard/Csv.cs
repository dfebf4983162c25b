using System.Text;

namespace WeComSuccession.Tests.Dashboard;

/// <summary>An RFC 4180 reader, as strict as the tests need: quoted cells with doubled quotes and line breaks, CRLF rows.</summary>
internal static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                Assert.False(c is '\r' or '\n', $"a bare line break at {i}: rows end with CRLF, breaks inside cells are quoted");
                cell.Append(c);
            }
        }

        Assert.False(quoted, "an unterminated quoted cell");
        Assert.True(cell.Length == 0 && row.Count == 0, "the last row does not end with CRLF");
        return rows;
    }
}
