using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Transfers;

namespace WeComSuccession.Dashboard;

/// <summary>How far a bulk action got; the page refreshes its progress every second (htmx) until it is finished.</summary>
internal sealed class BulkProgressModel(BulkItemCommands bulk, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public BulkOperation? Operation { get; private set; }

    /// <summary>Only the progress card, for the page's own refresh.</summary>
    public bool Fragment { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, bool fragment, CancellationToken ct)
    {
        // Only its author follows an operation (it names items they chose, possibly across departments).
        Operation = await bulk.GetAsync(id, ct);
        if (Operation is null || !string.Equals(Operation.Actor, Actor.Member, StringComparison.OrdinalIgnoreCase))
        {
            return NotFound();
        }

        Fragment = fragment;
        return Page();
    }
}
