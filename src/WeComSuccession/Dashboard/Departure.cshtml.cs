using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.Transfers;

namespace WeComSuccession.Dashboard;

/// <summary>
/// One departure: who left and when, who decides, how far it got, every customer and group (those needing a person
/// first) with the reason in plain words; and the actions: approve or reject, retry, re-assign, mark handled.
/// </summary>
internal sealed class DepartureModel(
    DepartureQueries queries, AuditTrail trail, MemberDirectory directory, ApprovalCommands approvals, ItemCommands items,
    PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public const int PageSize = 100;

    public static readonly string[] ItemStates = [ItemState.Failed, ItemState.Manual, ItemState.Refused, ItemState.Waiting, ItemState.Queued, ItemState.Submitting, ItemState.Planned, ItemState.Transferred];

    public DepartureRow Departure { get; private set; } = null!;

    public Succession S => Departure.Succession;

    public IReadOnlyList<ItemCountRow> Counts { get; private set; } = [];

    public long Total { get; private set; }

    public IReadOnlyList<ItemRow> Items { get; private set; } = [];

    public IReadOnlyList<(string Takeover, string? Name, long Count)> Successors { get; private set; } = [];

    public IReadOnlyList<(int Errcode, long Count)> Errcodes { get; private set; } = [];

    public IReadOnlyList<AuditRow> Trail { get; private set; } = [];

    public IReadOnlyDictionary<string, string?> Names { get; private set; } = new Dictionary<string, string?>();

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Errcode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Successor { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public long Count(params string[] states) => Counts.Where(c => states.Contains(c.State)).Sum(c => c.Count);

    public bool Filtered => State is not null || Kind is not null || Errcode is not null || Successor is not null;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await queries.GetAsync(id, ct, Scope) is not { } departure)
        {
            return NotFound();
        }

        Departure = departure;
        State = ItemStates.Contains(State) ? State : null;
        Kind = Kind is ItemKind.Customer or ItemKind.Group ? Kind : null;
        PageNumber = Math.Max(1, PageNumber);
        Counts = await queries.CountItemsAsync([id], ct);
        (Total, Items) = await queries.ListItemsAsync(id, new ItemFilter(State, Kind, null, Errcode, Successor), PageNumber, PageSize, ct);
        (Successors, Errcodes) = await queries.ItemFacetsAsync(id, ct);
        Trail = await trail.OfSuccessionAsync(id, 50, ct);
        var people = Trail.Select(t => t.Actor).Concat(S.Approvers).Append(S.DecidedBy ?? "").Where(u => u.Length > 0).Distinct().ToList();
        Names = (await directory.GetManyAsync(people, ct)).ToDictionary(m => m.Userid, m => m.Name, StringComparer.OrdinalIgnoreCase);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(long id, CancellationToken ct) =>
        Done(id, await approvals.ApproveAsync(id, Actor, ct), T["Departure.Approved"]);

    public async Task<IActionResult> OnPostRejectAsync(long id, string? reason, CancellationToken ct) =>
        reason is { Length: > 500 }
            ? Done(id, new Outcome<Decision>(OutcomeKind.Invalid, null, T["Departure.RejectReason"], "reason"), "")
            : Done(id, await approvals.RejectAsync(id, Actor, reason, ct), T["Departure.Rejected"]);

    public async Task<IActionResult> OnPostRetryAsync(long id, long[] ids, CancellationToken ct) =>
        ids.Length == 0 ? NothingSelected(id) : Report(id, await items.RetryAsync(id, ids, Actor, ct), "retry");

    /// <summary>Every failed and manual item of the departure (up to the command's batch) goes back to the queue.</summary>
    public async Task<IActionResult> OnPostRetryAllAsync(long id, CancellationToken ct)
    {
        var (_, failed) = await queries.ListItemsAsync(id, new ItemFilter(), 1, 10_000, ct);
        long[] ids = [.. failed.Where(i => i.State is ItemState.Failed or ItemState.Manual && i.HandledNote is null).Select(i => i.Id)];
        return ids.Length == 0 ? NothingSelected(id) : Report(id, await items.RetryAsync(id, ids, Actor, ct), "retry");
    }

    public async Task<IActionResult> OnPostReassignAsync(long id, long[] ids, string? takeover, CancellationToken ct)
    {
        if (ids.Length == 0)
        {
            return NothingSelected(id);
        }

        if (string.IsNullOrWhiteSpace(takeover) || takeover.Length > 64)
        {
            Tell(T["Outcome.Invalid", T["Departure.ReassignTo"]], success: false);
            return Back(id);
        }

        return Report(id, await items.ReassignAsync(id, ids, takeover.Trim(), Actor, ct), "reassign");
    }

    public async Task<IActionResult> OnPostHandledAsync(long id, long[] ids, string? note, CancellationToken ct) =>
        ids.Length == 0 ? NothingSelected(id) : Report(id, await items.MarkHandledAsync(id, ids, note ?? "", Actor, ct), "handled");

    private IActionResult Done(long id, Outcome<Decision> outcome, string message)
    {
        Tell(outcome.IsDone ? message : Explain(outcome), outcome.IsDone);
        return Refused(outcome) ?? Back(id);
    }

    private IActionResult Report(long id, Outcome<ItemChangeReport> outcome, string verb)
    {
        if (outcome.Value is not { } report)
        {
            Tell(Explain(outcome), success: false);
            return Refused(outcome) ?? Back(id);
        }

        var done = T["Departure.Verb." + verb];
        Tell(report.Skipped.Count == 0
            ? T["Departure.Changed", report.Changed.Count, done]
            : T["Departure.ChangedSkipped", report.Changed.Count, done, report.Skipped.Count, string.Join("; ", report.Skipped.Select(s => s.Reason).Distinct().Take(3))],
            report.Changed.Count > 0);
        return Back(id);
    }

    private RedirectResult NothingSelected(long id)
    {
        Tell(T["Departure.NothingSelected"], success: false);
        return Back(id);
    }

    private RedirectResult Back(long id) => Redirect($"/admin/departures/{id}" + Request.QueryString);

    /// <summary>A link to this page with one filter changed (back to page 1).</summary>
    public string With(string key, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["state"] = State, ["kind"] = Kind, ["errcode"] = Errcode?.ToString(System.Globalization.CultureInfo.InvariantCulture), ["successor"] = Successor,
        };
        query[key] = value;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"/admin/departures/{S.Id}", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }

    public string NameOf(string? userid) => userid is null ? "—" : Names.GetValueOrDefault(userid) ?? userid;
}
