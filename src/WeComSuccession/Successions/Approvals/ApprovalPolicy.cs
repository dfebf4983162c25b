using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;

namespace WeComSuccession.Successions.Approvals;

/// <summary>
/// What a rule asks about a plan. <see cref="CustomerTagsAsync"/> is read only when a rule needs it: it may cost
/// WeCom calls (see <c>Planning/ItemDetails</c>).
/// </summary>
internal sealed record PlanFacts(Member? Handover, string Trigger, int Customers, int Groups, Func<CancellationToken, Task<IReadOnlySet<string>>> CustomerTagsAsync);

/// <summary>The rule that routed a plan and who decides it (nobody when the route is <see cref="ApprovalRoute.None"/>).</summary>
internal sealed record RoutedPlan(ApprovalRule Rule, string[] Approvers)
{
    public bool NeedsApproval => Rule.Route != ApprovalRoute.None;
}

/// <summary>
/// Whether a plan waits for people, and for whom: the approval rules in order (<see cref="ApprovalRules"/>), the first
/// whose conditions all hold deciding, the configuration's rule last; then the route's approvers, each an eligible
/// approver who is not the leaver: direct leaders (else department leaders), department leaders, named members, or for
/// a two-person review all of these; with the configured admins (Succession:Admins) when a route finds nobody.
/// </summary>
internal sealed partial class ApprovalPolicy(
    MemberDirectory directory, Departments departments, ApprovalRules rules, IOptions<SuccessionOptions> options, ILogger<ApprovalPolicy> logger)
{
    /// <summary>The approval trigger of a plan: a person's request, else whether the member is gone or only disabled.</summary>
    public static string TriggerOf(Succession s, Member? handover) =>
        s.Trigger == "manual" ? ApprovalTrigger.HrRequest
        : handover is { DepartedAt: null } ? ApprovalTrigger.Disabled
        : ApprovalTrigger.Deleted;

    public async Task<RoutedPlan> RouteAsync(PlanFacts facts, CancellationToken ct)
    {
        var inForce = (await rules.ListAsync(ct)).Where(r => r.Enabled).Append(rules.Configured());
        foreach (var rule in inForce)
        {
            if (await HoldsAsync(rule, facts, ct))
            {
                if (rule.Route == ApprovalRoute.None)
                {
                    return new RoutedPlan(rule, []);
                }

                var approvers = await ApproversAsync(rule, facts.Handover, ct);
                if (approvers.Length < rule.ApprovalsNeeded)
                {
                    LogTooFewApprovers(logger, facts.Handover?.Userid, rule.Name, approvers.Length, rule.ApprovalsNeeded);
                }

                return new RoutedPlan(rule, approvers);
            }
        }

        throw new InvalidOperationException("The configuration's rule holds for every plan.");
    }

    /// <summary>Who decides a plan of <paramref name="handover"/> by the leader route: also those who may decide a plan that was never routed to anyone.</summary>
    public async Task<string[]> DefaultApproversAsync(Member? handover, CancellationToken ct)
    {
        if (handover is not null)
        {
            var leaders = await DirectLeadersAsync(handover, ct);
            if (leaders.Length == 0)
            {
                leaders = await DepartmentLeadersAsync(handover, ct);
            }

            if (leaders.Length > 0)
            {
                return leaders;
            }
        }

        return options.Value.Admins;
    }

    /// <summary>
    /// The next leaders up from a plan's approvers: their direct leaders who are eligible and not yet asked; when there are
    /// none, the configured admins not yet asked. Empty when nobody is left.
    /// </summary>
    public async Task<string[]> EscalationTargetsAsync(Succession s, CancellationToken ct)
    {
        var asked = s.Approvers.Append(s.HandoverUserid).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var up = new List<string>();
        foreach (var approver in await directory.GetManyAsync(s.Approvers, ct))
        {
            foreach (var leader in await directory.GetManyAsync(approver.DirectLeaders, ct))
            {
                if (Eligibility.AsApprover(leader) is null && !asked.Contains(leader.Userid) && !up.Contains(leader.Userid, StringComparer.OrdinalIgnoreCase))
                {
                    up.Add(leader.Userid);
                }
            }
        }

        return up.Count > 0 ? [.. up] : [.. options.Value.Admins.Where(a => !asked.Contains(a))];
    }

    /// <summary>The corp tags that mark a key customer: Succession:Approval:KeyCustomerTags and every enabled rule's key tags.</summary>
    public async Task<IReadOnlySet<string>> KeyCustomerTagsAsync(CancellationToken ct) =>
        (await rules.ListAsync(ct)).Where(r => r.Enabled).SelectMany(r => r.KeyTags).Concat(options.Value.Approval.KeyCustomerTags)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether any rule in force could ask for customers' corp tags (then planning reads them when a rule needs them).</summary>
    public async Task<bool> AnyRuleNeedsTagsAsync(CancellationToken ct) => (await rules.ListAsync(ct)).Any(r => r.Enabled && r.KeyTags.Length > 0);

    private async Task<bool> HoldsAsync(ApprovalRule rule, PlanFacts facts, CancellationToken ct)
    {
        // The cheap conditions first: the customers' tags may cost WeCom calls.
        if ((rule.Triggers.Length > 0 && !rule.Triggers.Contains(facts.Trigger))
            || (rule.MinCustomers is { } min && facts.Customers < min)
            || (rule.MaxCustomers is { } max && facts.Customers > max)
            || (rule.MoreItemsThan is { } threshold && facts.Customers + facts.Groups <= threshold))
        {
            return false;
        }

        if (rule.Departments.Length > 0)
        {
            if (facts.Handover is not { } member)
            {
                return false;
            }

            var subtree = await departments.SubtreesAsync(rule.Departments, ct);
            if (!member.Departments.Any(subtree.Contains))
            {
                return false;
            }
        }

        if (rule.KeyTags.Length > 0)
        {
            var tags = await facts.CustomerTagsAsync(ct);
            return rule.KeyTags.Any(tags.Contains);
        }

        return true;
    }

    private async Task<string[]> ApproversAsync(ApprovalRule rule, Member? handover, CancellationToken ct)
    {
        string[] found = rule.Route switch
        {
            ApprovalRoute.DirectLeader => await DefaultApproversAsync(handover, ct),
            ApprovalRoute.DepartmentLeader => handover is null ? [] : await DepartmentLeadersAsync(handover, ct),
            ApprovalRoute.Members => await EligibleAsync(rule.Members, handover, ct),
            ApprovalRoute.TwoPerson => handover is null
                ? await EligibleAsync(rule.Members, handover, ct)
                : [.. (await DirectLeadersAsync(handover, ct)).Concat(await DepartmentLeadersAsync(handover, ct)).Concat(await EligibleAsync(rule.Members, handover, ct))
                    .Distinct(StringComparer.OrdinalIgnoreCase)],
            _ => [],
        };

        // Too few for the route (a two-person review needs two): the configured admins complete the list.
        return found.Length >= rule.ApprovalsNeeded
            ? found
            : [.. found.Concat(options.Value.Admins.Where(a => !string.Equals(a, handover?.Userid, StringComparison.OrdinalIgnoreCase))).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private async Task<string[]> DirectLeadersAsync(Member handover, CancellationToken ct) =>
        [.. (await directory.GetManyAsync(handover.DirectLeaders, ct)).Where(m => Eligibility.AsApprover(m) is null && m.Userid != handover.Userid).Select(m => m.Userid)];

    private async Task<string[]> DepartmentLeadersAsync(Member handover, CancellationToken ct) =>
        [.. (await directory.LeadersOfAsync(handover.Departments, ct)).Where(m => Eligibility.AsApprover(m) is null && m.Userid != handover.Userid).Select(m => m.Userid)];

    private async Task<string[]> EligibleAsync(string[] userids, Member? handover, CancellationToken ct)
    {
        var eligible = new List<string>();
        foreach (var userid in userids)
        {
            if (await directory.GetAsync(userid, ct) is { } m && Eligibility.AsApprover(m) is null && !string.Equals(m.Userid, handover?.Userid, StringComparison.OrdinalIgnoreCase))
            {
                eligible.Add(m.Userid);
            }
        }

        return [.. eligible];
    }

    [LoggerMessage(EventId = 442, Level = LogLevel.Warning, Message = "The plan of {Handover} (rule {Rule}) has {Found} approvers for {Needed} approvals: an admin over the department may decide, or it waits until it expires")]
    private static partial void LogTooFewApprovers(ILogger logger, string? handover, string rule, int found, int needed);
}
