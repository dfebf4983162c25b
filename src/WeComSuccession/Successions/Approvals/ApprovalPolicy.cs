using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;

namespace WeComSuccession.Successions.Approvals;

/// <summary>
/// Whether a plan waits for a person, and who may decide it: the member's direct leaders, else their
/// department leaders, else the configured admins — each of them eligible as an approver.
/// </summary>
internal sealed class ApprovalPolicy(MemberDirectory directory, IOptions<SuccessionOptions> options)
{
    /// <returns>The approvers when the plan of <paramref name="handover"/> needs a decision; null when it does not.</returns>
    public async Task<string[]?> ApproversForAsync(Member? handover, int itemCount, CancellationToken ct)
    {
        var approval = options.Value.Approval;
        var needed = approval.Mode == ApprovalMode.Always || (approval.Mode == ApprovalMode.AboveThreshold && itemCount > approval.Threshold);
        return needed ? await DefaultApproversAsync(handover, ct) : null;
    }

    /// <summary>Who decides a plan of <paramref name="handover"/>: also those who may decide a plan that was never routed to anyone.</summary>
    public async Task<string[]> DefaultApproversAsync(Member? handover, CancellationToken ct)
    {
        if (handover is not null)
        {
            var leaders = (await directory.GetManyAsync(handover.DirectLeaders, ct)).Where(m => Eligibility.AsApprover(m) is null).Select(m => m.Userid).ToArray();
            if (leaders.Length == 0)
            {
                leaders = [.. (await directory.LeadersOfAsync(handover.Departments, ct))
                    .Where(m => Eligibility.AsApprover(m) is null && m.Userid != handover.Userid).Select(m => m.Userid)];
            }

            if (leaders.Length > 0)
            {
                return leaders;
            }
        }

        return options.Value.Admins;
    }
}
