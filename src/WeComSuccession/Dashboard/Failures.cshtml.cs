using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Successions;
using WeComSuccession.Transfers;

namespace WeComSuccession.Dashboard;

/// <summary>
/// 失败处理: every item across departures that waits for a person (failed, refused, manual — successors at capacity
/// included once re-routing ran out), oldest first, with the reason and what to do; bulk retry, re-assign and mark
/// handled over the selection or everything that matches, carried out by a job whose progress the next page shows.
/// </summary>
internal sealed class FailuresModel(AttentionQueries queries, BulkItemCommands bulk, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Errcode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public long Total { get; private set; }

    public IReadOnlyList<AttentionRow> Rows { get; private set; } = [];

    public IReadOnlyList<(string State, int? Errcode, long Count)> Reasons { get; private set; } = [];

    public bool Filtered => State is not null || Errcode is not null || Kind is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Normalise();
        (Total, Rows) = await queries.ListAsync(Scope, State, Errcode, Kind, PageNumber, PageSize, ct);
        Reasons = await queries.CountByReasonAsync(Scope, ct);
    }

    /// <summary>Starts a bulk action over the selected items, or (<paramref name="scope"/> = all) every item that matches the filters.</summary>
    public async Task<IActionResult> OnPostAsync(string action, string? scope, long[] ids, string? takeover, string? note, CancellationToken ct)
    {
        Normalise();
        if (action is not ("retry" or "reassign" or "handled"))
        {
            return BadRequest();
        }

        var chosen = scope == "all" ? await queries.IdsAsync(Scope, State, Errcode, Kind, BulkItemCommands.MaxItems, ct) : ids;
        if (chosen.Length == 0)
        {
            Tell(T["Departure.NothingSelected"], success: false);
            return Redirect("/admin/failures" + Request.QueryString);
        }

        if (action == "reassign" && (string.IsNullOrWhiteSpace(takeover) || takeover.Length > 64))
        {
            Tell(T["Outcome.Invalid", T["Departure.ReassignTo"]], success: false);
            return Redirect("/admin/failures" + Request.QueryString);
        }

        var outcome = await bulk.StartAsync(action, chosen, takeover?.Trim(), note?.Trim(), Actor, ct);
        if (outcome.IsDone)
        {
            return Redirect($"/admin/failures/bulk/{outcome.Value}");
        }

        if (outcome.Kind == OutcomeKind.NotAllowed)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Tell(Explain(outcome), success: false);
        return Redirect("/admin/failures" + Request.QueryString);
    }

    public string With(string key, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["state"] = State, ["errcode"] = Errcode?.ToString(System.Globalization.CultureInfo.InvariantCulture), ["kind"] = Kind,
        };
        query[key] = value;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/admin/failures", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }

    private void Normalise()
    {
        State = AttentionQueries.States.Contains(State) ? State : null;
        Kind = Kind is ItemKind.Customer or ItemKind.Group ? Kind : null;
        PageNumber = Math.Max(1, PageNumber);
    }
}
