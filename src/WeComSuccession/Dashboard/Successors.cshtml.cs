using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Successors;

namespace WeComSuccession.Dashboard;

/// <summary>接替人: successors named in advance (add, remove), and each eligible member's load against the capacity setting.</summary>
internal sealed class SuccessorsModel(
    RegisteredSuccessors registered, MemberDirectory directory, DepartureQueries queries, IOptions<SuccessionOptions> options,
    PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public int Capacity => options.Value.SuccessorCapacity;

    public IReadOnlyList<RegisteredSuccessor> Registered { get; private set; } = [];

    public IReadOnlyList<Member> Members { get; private set; } = [];

    public IReadOnlyDictionary<string, Member> Known { get; private set; } = new Dictionary<string, Member>();

    public IReadOnlyDictionary<string, long> Incoming { get; private set; } = new Dictionary<string, long>();

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await registered.ListAsync(ct);
        var known = (await directory.GetManyAsync(all.SelectMany(r => new[] { r.HandoverUserid, r.SuccessorUserid }), ct))
            .ToDictionary(m => m.Userid, StringComparer.OrdinalIgnoreCase);

        // A scoped admin sees the registrations of members in their departments.
        Registered = [.. all.Where(r => Scope is null || (known.TryGetValue(r.HandoverUserid, out var m) && Rights.Covers(m.Departments)))];
        Known = known;
        Members = await directory.SearchEligibleAsync(Q is { Length: > 64 } ? Q[..64] : Q, Scope, 50, ct);
        Incoming = await queries.InFlightToAsync([.. Members.Select(m => m.Userid).Concat(Registered.Select(r => r.SuccessorUserid))], ct);
    }

    public async Task<IActionResult> OnPostAddAsync(string? handover, string? successor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(handover) || string.IsNullOrWhiteSpace(successor) || handover.Length > 64 || successor.Length > 64)
        {
            Tell(T["Outcome.Invalid", T["Successors.AddSuccessor"]], success: false);
            return RedirectToPage();
        }

        var outcome = await registered.RegisterAsync(handover.Trim(), successor.Trim(), Actor, ct);
        Tell(outcome.Value is { } done ? T["Successors.Saved", done.Row.HandoverUserid, done.Row.SuccessorUserid] : Explain(outcome), outcome.IsDone);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? handover, CancellationToken ct)
    {
        var outcome = await registered.RemoveAsync(handover ?? "", Actor, ct);
        Tell(outcome.Value is { } removed ? T["Successors.Removed", removed.HandoverUserid] : Explain(outcome), outcome.IsDone);
        return RedirectToPage();
    }

    public string NameOf(string userid) => Known.TryGetValue(userid, out var m) ? m.Name ?? userid : userid;

    public string Load(string userid) =>
        Known.TryGetValue(userid, out var m) && m.CustomerCount is { } count
            ? T["Picker.Load", count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Incoming.GetValueOrDefault(userid)]
            : T["Picker.LoadUnknown", Incoming.GetValueOrDefault(userid)];
}
