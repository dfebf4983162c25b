using Microsoft.Extensions.Localization;
using WeComSuccession.Members;
using WeComSuccession.Successions;

namespace WeComSuccession.Dashboard;

/// <summary>
/// The member picker's choices (an htmx fragment of &lt;option&gt;s): members who may inherit, within the admin's
/// departments, matching what was typed, fewest customers first, each with their load — customers now (the last
/// directory sync) and customers on their way to them.
/// </summary>
internal sealed class MemberPickerModel(MemberDirectory directory, DepartureQueries queries, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public IReadOnlyList<Member> Members { get; private set; } = [];

    public IReadOnlyDictionary<string, long> Incoming { get; private set; } = new Dictionary<string, long>();

    public async Task OnGetAsync(string? takeover, string? q, CancellationToken ct)
    {
        var typed = q ?? takeover;
        Members = await directory.SearchEligibleAsync(typed is { Length: > 64 } ? typed[..64] : typed, Scope, 20, ct);
        Incoming = await queries.InFlightToAsync([.. Members.Select(m => m.Userid)], ct);
    }
}
