using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Workbench;

/// <summary>待我审批 / 已处理: the plans waiting for the member's decision, newest first, and their past decisions.</summary>
internal sealed class IndexModel(ApprovalQueries queries, IStringLocalizer<WorkbenchText> text, ServiceClock clock) : WorkbenchPage(text, clock)
{
    public const int Shown = 100;

    [BindProperty(SupportsGet = true)]
    public string? Tab { get; set; }

    public bool ShowsDone => Tab == "done";

    public IReadOnlyList<PendingPlan> Pending { get; private set; } = [];

    public IReadOnlyList<DecidedPlan> Decided { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Pending = await queries.PendingAsync(Userid, Shown, ct);
        if (ShowsDone)
        {
            Decided = await queries.DecidedAsync(Userid, Shown, ct);
        }
    }
}
