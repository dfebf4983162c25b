using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Members;
using WeComSuccession.Successions;

namespace WeComSuccession.Dashboard;

/// <summary>离职交接: every departure the admin may see, filtered and paged, with its progress; and starting one by hand.</summary>
internal sealed class DeparturesModel(
    DepartureQueries queries, Departments departments, OpenDeparture open, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public const int PageSize = 50;

    public static readonly string[] States = [.. SuccessionState.Open, SuccessionState.Completed, SuccessionState.Rejected, SuccessionState.Ignored];

    public static readonly string[] Triggers = ["callback", "sweep", "manual"];

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>A succession state, or "open" for every open one.</summary>
    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Department { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Trigger { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public long Total { get; private set; }

    public IReadOnlyList<DepartureRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<long, (long Total, long Final, long Attention)> Progress { get; private set; } = new Dictionary<long, (long, long, long)>();

    public IReadOnlyDictionary<long, (long Customers, long Groups)> Sizes { get; private set; } = new Dictionary<long, (long, long)>();

    public IReadOnlyDictionary<string, long> StateCounts { get; private set; } = new Dictionary<string, long>();

    public IReadOnlyList<(Department Department, int Depth)> DepartmentTree { get; private set; } = [];

    public bool Filtered => Q is { Length: > 0 } || State is not null || Department is not null || From is not null || To is not null || Trigger is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        State = State is "open" || States.Contains(State) ? State : null;
        Trigger = Triggers.Contains(Trigger) ? Trigger : null;
        PageNumber = Math.Max(1, PageNumber);
        var filter = new DepartureFilter(
            Scope,
            State == "open" ? SuccessionState.Open : State is null ? null : [State],
            Department is { } d ? await departments.SubtreesAsync([d], ct) : null,
            From is { } from ? StartOfDay(from) : null,
            To is { } to ? StartOfDay(to.AddDays(1)) : null,
            Trigger,
            Q);
        (Total, Rows) = await queries.ListAsync(filter, PageNumber, PageSize, ct);
        StateCounts = await queries.CountByStateAsync(filter, ct);
        var counts = await queries.CountItemsAsync([.. Rows.Select(r => r.Succession.Id)], ct);
        Progress = counts.GroupBy(c => c.SuccessionId).ToDictionary(
            g => g.Key,
            g => (g.Sum(c => c.Count), g.Where(c => ItemState.Final.Contains(c.State)).Sum(c => c.Count), g.Where(c => AttentionQueries.States.Contains(c.State)).Sum(c => c.Count)));
        Sizes = counts.GroupBy(c => c.SuccessionId).ToDictionary(
            g => g.Key, g => (g.Where(c => c.Kind == ItemKind.Customer).Sum(c => c.Count), g.Where(c => c.Kind == ItemKind.Group).Sum(c => c.Count)));
        DepartmentTree = Tree(await departments.ListAsync(ct));
    }

    /// <summary>Starts a departure by hand; the command checks the admin's rights and departments (an auditor gets "not allowed").</summary>
    public async Task<IActionResult> OnPostStartAsync(string? userid, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userid) || userid.Trim().Length > 64)
        {
            Tell(T["Outcome.Invalid", T["Departures.Start.UserId"]], success: false);
            return RedirectToPage();
        }

        var outcome = await open.OpenAsync(userid.Trim(), Actor, ct);
        if (outcome.Value is { } s)
        {
            Tell(T["Departures.Started", s.HandoverUserid]);
            return Redirect($"/admin/departures/{s.Id}");
        }

        if (outcome.Kind == OutcomeKind.NotAllowed)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Tell(Explain(outcome), success: false);
        return RedirectToPage();
    }

    /// <summary>The link to this list with one query value changed (and back to page 1 unless the page is what changes).</summary>
    public string With(string key, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["q"] = Q, ["state"] = State, ["department"] = Department?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["from"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["trigger"] = Trigger,
        };
        query[key] = value;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/admin/departures", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }

    /// <summary>Departments in tree order with their depth, for an indented picker.</summary>
    private static List<(Department, int)> Tree(IReadOnlyList<Department> all)
    {
        var children = all.ToLookup(d => d.ParentId);
        var ids = all.Select(d => d.Id).ToHashSet();
        var result = new List<(Department, int)>();
        void Walk(Department d, int depth)
        {
            result.Add((d, depth));
            foreach (var child in children[d.Id].OrderBy(c => c.SortOrder).ThenBy(c => c.Id))
            {
                Walk(child, depth + 1);
            }
        }

        foreach (var root in all.Where(d => !ids.Contains(d.ParentId)).OrderBy(d => d.SortOrder).ThenBy(d => d.Id))
        {
            Walk(root, 0);
        }

        return result;
    }
}
