using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Workbench;

/// <summary>
/// The member picker for the items selected on a plan: only members who may inherit (active, 客户联系), each with the
/// customers they hold, those of the leaver's departments first; one for 更换接替人, several for 分给多人 (round-robin).
/// The choice is posted to the plan's own handlers, which the approval commands check.
/// </summary>
internal sealed class PickModel(
    ApprovalQueries queries, ApprovalCommands approvals, MemberDirectory directory, IStringLocalizer<WorkbenchText> text, ServiceClock clock)
    : WorkbenchPage(text, clock)
{
    public const int Listed = 50;

    [BindProperty(SupportsGet = true)]
    public string? Mode { get; set; }

    [BindProperty(SupportsGet = true, Name = "items")]
    public long[] ItemIds { get; set; } = [];

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    public bool Splits => Mode == "split";

    public PlanHeader Header { get; private set; } = null!;

    public IReadOnlyList<PlanItem> Selected { get; private set; } = [];

    public IReadOnlyList<SuccessorCandidate> Candidates { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await queries.HeaderAsync(id, ct) is not { } header)
        {
            return NotFound();
        }

        if (await approvals.MayDecideAsync(header.Succession, Actor, ct) is not null)
        {
            return Forbidden();
        }

        var back = "/workbench/plans/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (header.Succession.State != SuccessionState.AwaitingApproval)
        {
            Tell(T["Pick.NotAwaiting"], success: false);
            return Redirect(back);
        }

        Header = header;
        Selected = await queries.ItemsByIdAsync(id, ItemIds, ct);
        if (Selected.Count == 0)
        {
            Tell(T["Pick.NothingSelected"], success: false);
            return Redirect(back);
        }

        var leaver = await directory.GetAsync(header.Succession.HandoverUserid, ct);
        Candidates = [.. (await directory.SuccessorCandidatesAsync(leaver?.Departments ?? [], Search, Listed + 1, ct))
            .Where(c => !string.Equals(c.Userid, header.Succession.HandoverUserid, StringComparison.OrdinalIgnoreCase)).Take(Listed)];
        return Page();
    }
}
