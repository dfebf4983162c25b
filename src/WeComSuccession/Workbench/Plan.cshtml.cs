using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Workbench;

/// <summary>
/// One plan as its approver reads it on a phone: who left, which rule routed it, the items grouped by successor (key
/// customers first and marked), and the actions: approve, reject with a reason, transfer now (a disabled member, where
/// Succession:OnDisabled allows), change the successor of selected items or split them (<see cref="PickModel"/>). A
/// member who may not see the plan gets the 403 page and nothing of it.
/// </summary>
internal sealed class PlanModel(
    ApprovalQueries queries, ApprovalCommands approvals, ApprovalDecisions decisions, ApprovalPolicy policy, MemberDirectory directory,
    IOptions<SuccessionOptions> options, IStringLocalizer<WorkbenchText> text, ServiceClock clock) : WorkbenchPage(text, clock)
{
    public const int PerGroup = 20;
    public const int Expanded = 500;
    public const int MaxReasonLength = 500;

    /// <summary>The successor whose items are all shown ("-" for the items without one).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Successor { get; set; }

    public PlanHeader Header { get; private set; } = null!;

    public Succession Plan => Header.Succession;

    public IReadOnlyList<SuccessorGroup> Groups { get; private set; } = [];

    public IReadOnlyDictionary<string, IReadOnlyList<PlanItem>> Items { get; private set; } = new Dictionary<string, IReadOnlyList<PlanItem>>();

    public IReadOnlySet<string> KeyTags { get; private set; } = new HashSet<string>();

    /// <summary>Who decided what in the current round, by name.</summary>
    public IReadOnlyList<(string Name, string Decision)> Round { get; private set; } = [];

    public string? DecidedByName { get; private set; }

    public bool CanDecide { get; private set; }

    public bool CanChange => CanDecide && Plan.State == SuccessionState.AwaitingApproval;

    /// <summary>The member has decided in this round already (a two-person review waits for someone else).</summary>
    public bool DecidedByMe { get; private set; }

    public bool CanTransferNow { get; private set; }

    public static string Key(string? takeover) => takeover ?? "-";

    public bool IsKey(PlanItem item) => item.Kind == ItemKind.Customer && (item.Tags ?? []).Any(KeyTags.Contains);

    public int Shown(SuccessorGroup g) => Successor == Key(g.Takeover) ? Expanded : PerGroup;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        KeyTags = await policy.KeyCustomerTagsAsync(ct);
        Groups = await queries.GroupsAsync(id, KeyTags, ct);
        var items = new Dictionary<string, IReadOnlyList<PlanItem>>();
        foreach (var group in Groups)
        {
            items[Key(group.Takeover)] = await queries.ItemsAsync(id, group.Takeover, KeyTags, Shown(group), ct);
        }

        Items = items;
        var round = await decisions.OfRoundAsync(id, Plan.ApprovalRound, ct);
        var names = (await directory.GetManyAsync([.. round.Select(d => d.Approver), Plan.DecidedBy ?? ""], ct)).ToDictionary(m => m.Userid, m => m.Name, StringComparer.OrdinalIgnoreCase);
        Round = [.. round.Select(d => (names.GetValueOrDefault(d.Approver) ?? d.Approver, d.Decision))];
        DecidedByMe = round.Any(d => string.Equals(d.Approver, Userid, StringComparison.OrdinalIgnoreCase));
        DecidedByName = Plan.DecidedBy is { } by ? names.GetValueOrDefault(by) ?? by : null;
        return Page();
    }

    /// <summary>通过, 驳回 (with a reason) or 立即转接.</summary>
    public async Task<IActionResult> OnPostDecideAsync(long id, string? decision, string? reason, CancellationToken ct)
    {
        if (decision == DecisionKind.Reject && string.IsNullOrWhiteSpace(reason))
        {
            Tell(T["Plan.ReasonNeeded"], success: false);
            return Back(id);
        }

        if (reason is { Length: > MaxReasonLength })
        {
            Tell(T["Plan.ReasonTooLong", MaxReasonLength], success: false);
            return Back(id);
        }

        var outcome = decision switch
        {
            DecisionKind.Approve => await approvals.ApproveAsync(id, Actor, ct),
            DecisionKind.TransferNow => await approvals.TransferNowAsync(id, Actor, ct),
            DecisionKind.Reject => await approvals.RejectAsync(id, Actor, reason, ct),
            _ => Failure.Invalid("decision", "decision is approve, transfer_now or reject."),
        };
        if (outcome.Value is { } done)
        {
            Tell(done.State == SuccessionState.AwaitingApproval ? T["Plan.ApprovedFirst", done.ApprovalsNeeded - done.Approvals.Count]
                : T[decision == DecisionKind.Reject ? "Plan.Rejected" : "Plan.Approved", done.Items.Count]);
            return Back(id);
        }

        return Refused(id, outcome);
    }

    /// <summary>The selected items go to one member (chosen on the picker).</summary>
    public async Task<IActionResult> OnPostChangeAsync(long id, long[] items, string? takeover, CancellationToken ct)
    {
        if (items.Length == 0 || string.IsNullOrWhiteSpace(takeover))
        {
            Tell(T["Plan.ChooseItemsAndMember"], success: false);
            return Back(id);
        }

        return Changed(id, await approvals.ChangeSuccessorAsync(id, items, takeover.Trim(), Actor, ct));
    }

    /// <summary>The selected items are split among the members chosen on the picker, round-robin.</summary>
    public async Task<IActionResult> OnPostSplitAsync(long id, long[] items, string[] takeovers, CancellationToken ct)
    {
        if (items.Length == 0 || takeovers.Length == 0)
        {
            Tell(T["Plan.ChooseItemsAndMember"], success: false);
            return Back(id);
        }

        return Changed(id, await approvals.SplitAsync(id, items, [.. takeovers.Select(t => t.Trim())], Actor, ct));
    }

    private IActionResult Changed(long id, Outcome<ItemChangeReport> outcome)
    {
        if (outcome.Value is { } report)
        {
            Tell(report.Skipped.Count == 0 ? T["Plan.Changed", report.Changed.Count] : T["Plan.ChangedSkipped", report.Changed.Count, report.Skipped.Count],
                report.Changed.Count > 0);
            return Back(id);
        }

        return Refused(id, outcome);
    }

    private IActionResult Refused<TValue>(long id, Outcome<TValue> outcome)
    {
        // A crafted POST for a plan that is not theirs changes nothing and shows nothing of it.
        if (outcome.Kind is OutcomeKind.NotAllowed)
        {
            return Forbidden();
        }

        if (outcome.Kind is OutcomeKind.NotFound)
        {
            return NotFound();
        }

        Tell(Explain(outcome), success: false);
        return Back(id);
    }

    private RedirectResult Back(long id) => Redirect("/workbench/plans/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The plan, when the member may look at it; otherwise the 404 or 403 to answer.</summary>
    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        if (await queries.HeaderAsync(id, ct) is not { } header)
        {
            return NotFound();
        }

        if (!await approvals.MayViewAsync(header.Succession, Actor, ct))
        {
            return Forbidden();
        }

        Header = header;
        var s = header.Succession;
        CanDecide = s.State is SuccessionState.AwaitingApproval or SuccessionState.AwaitingDeletion && await approvals.MayDecideAsync(s, Actor, ct) is null;
        CanTransferNow = CanDecide && options.Value.OnDisabled == OnDisabledPolicy.Plan && s.Api == TransferApi.Resigned
            && header is { DepartedAt: null, HandoverStatus: Member.Disabled };
        return null;
    }
}
