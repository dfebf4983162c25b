using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Dashboard.Exports;
using WeComSuccession.Successions;

namespace WeComSuccession.Dashboard;

/// <summary>
/// 交接清单: every customer and group of one departure, who had it, who has it now, by which rule, where it stands and
/// why. A page to print (and sign), and the same list as CSV or Excel (<c>checklist.csv</c>, <c>checklist.xlsx</c>),
/// streamed from the database row by row. A departure outside the reader's departments does not exist for them (404).
/// </summary>
internal sealed class ChecklistModel(DepartureQueries departures, ServiceClock clock, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    /// <summary>Rows shown on the page; the downloads always hold every one.</summary>
    public const int PageLimit = 2_000;

    // Kind, name, id, from, to, rule, state, reason, time: Excel widths in characters.
    private static readonly double[] ColumnWidths = [8, 20, 36, 20, 20, 14, 10, 48, 17];

    public DepartureRow Departure { get; private set; } = null!;

    public IReadOnlyList<ItemRow> Items { get; private set; } = [];

    public IReadOnlyList<ItemCountRow> Counts { get; private set; } = [];

    public IReadOnlyList<(string Takeover, string? Name, long Count)> Successors { get; private set; } = [];

    public long Total => Counts.Sum(c => c.Count);

    public DateTimeOffset Now { get; private set; }

    /// <summary>The leaver as the checklist names them.</summary>
    public string Leaver => Departure.HandoverName ?? Departure.Succession.HandoverUserid;

    public async Task<IActionResult> OnGetAsync(long id, string? format, CancellationToken ct)
    {
        if (await departures.GetAsync(id, ct, Scope) is not { } departure)
        {
            return NotFound();
        }

        Departure = departure;
        if (format is not null)
        {
            return TableWriter.Parse(format) is { } file ? Export(file) : NotFound();
        }

        Now = clock.GetUtcNow();
        Counts = await departures.CountItemsAsync([id], ct);
        Successors = (await departures.ItemFacetsAsync(id, ct)).Successors;
        var items = new List<ItemRow>(capacity: (int)Math.Min(Total, PageLimit));
        await foreach (var item in departures.StreamItemsAsync(id, ct))
        {
            if (items.Count == PageLimit)
            {
                break;
            }

            items.Add(item);
        }

        Items = items;
        return Page();
    }

    /// <summary>How many of the departure's items of <paramref name="kind"/> are in <paramref name="state"/> (any state when null).</summary>
    public long Count(string kind, string? state = null) => Counts.Where(c => c.Kind == kind && (state is null || c.State == state)).Sum(c => c.Count);

    private ExportResult Export(ExportFormat format)
    {
        var s = Departure.Succession;
        var from = DashboardWords.Person(s.HandoverUserid, Departure.HandoverName);
        return new ExportResult(
            format, T["Checklist.FileName", Leaver, s.Id], $"handover-checklist-{s.Id}", T["Checklist.Sheet"], ColumnWidths,
            async (writer, ct) =>
            {
                await writer.WriteRowAsync(
                [
                    T["Checklist.Col.Kind"], T["Checklist.Col.Name"], T["Checklist.Col.Id"], T["Checklist.Col.From"], T["Checklist.Col.To"],
                    T["Checklist.Col.Rule"], T["Checklist.Col.State"], T["Checklist.Col.Reason"], T["Checklist.Col.Time"],
                ], ct);
                var cells = new string?[ColumnWidths.Length];
                await foreach (var item in departures.StreamItemsAsync(s.Id, ct))
                {
                    cells[0] = DashboardWords.Kind(T, item.Kind);
                    cells[1] = item.Name; // read while planning when Succession:Approval:CustomerDetails asks for it
                    cells[2] = item.TargetId;
                    cells[3] = from;
                    cells[4] = DashboardWords.Person(item.TakeoverUserid, item.TakeoverName);
                    cells[5] = DashboardWords.Rule(T, item.Rule);
                    cells[6] = DashboardWords.ItemState(T, item.State);
                    cells[7] = DashboardWords.Reason(T, item);
                    cells[8] = Local(item.UpdatedAt);
                    await writer.WriteRowAsync(cells, ct);
                }
            });
    }
}
