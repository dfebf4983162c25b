using WeComSuccession.Audit;
using WeComSuccession.Callbacks;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Notifications;

/// <summary>
/// A click on an approval card (<c>template_card_event</c>, stored by the callback inbox like every callback, so WeCom
/// has its 200 at once): the decision goes through the same commands as the workbench's, as the member who clicked (door
/// <c>card</c>); then the clicker's copy shows what became of the plan, by the click's own response_code ("已由 张三
/// 通过", or why nothing changed: decided already, approved already, not theirs). The other approvers' copies are
/// updated by <see cref="ApprovalCards"/> when the engine sees the decision.
/// </summary>
internal sealed partial class ApprovalCardClicks(
    ApprovalCards cards, ApprovalCommands approvals, SuccessionStore store, ApprovalDecisions decisions, ILogger<ApprovalCardClicks> logger) : ICallbackEventHandler
{
    public const string Door = "card";

    public async Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct)
    {
        if (evt is not TemplateCardEvent click || await cards.ByTaskAsync(click.TaskId, ct) is not { } card)
        {
            return;
        }

        var member = click.Header.FromUserName;
        if (await store.GetAsync(card.SuccessionId, ct) is not { } s)
        {
            return;
        }

        string text;
        if (s.State == SuccessionState.AwaitingApproval && card.Round < s.ApprovalRound)
        {
            // The plan changed after this card was sent: what it shows is not what would be approved.
            text = "计划已调整，请处理新的审批卡片";
        }
        else
        {
            var actor = new Actor(member, Door);
            Outcome<Decision> outcome = click.EventKey switch
            {
                ApprovalCards.ApproveKey => await approvals.ApproveAsync(s.Id, actor, ct, click.TaskId),
                ApprovalCards.RejectKey => await approvals.RejectAsync(s.Id, actor, null, ct, click.TaskId),
                _ => Failure.Invalid("EventKey", $"'{click.EventKey}' is not a button of an approval card."),
            };
            LogClicked(logger, s.Id, member, click.EventKey, outcome.Kind);
            text = await TextAsync(card.SuccessionId, member, outcome, ct);
        }

        if (!string.IsNullOrEmpty(click.ResponseCode))
        {
            await cards.OweUpdateAsync(card, click.ResponseCode, member, DateTimeOffset.FromUnixTimeSeconds(click.Header.CreateTime), [member], text, ct);
            await cards.SendOwedUpdatesAsync(card.SuccessionId, ct);
        }
    }

    /// <summary>What the clicker's copy says now: the plan's outcome, or why their click changed nothing.</summary>
    private async Task<string> TextAsync(long successionId, string member, Outcome<Decision> outcome, CancellationToken ct)
    {
        var s = (await store.GetAsync(successionId, ct))!;
        if (s.State != SuccessionState.AwaitingApproval && s.ApprovalOutcome is not null)
        {
            return await cards.OutcomeTextAsync(s, ct);
        }

        if (outcome.Kind == OutcomeKind.NotAllowed)
        {
            return "你不能审批此计划";
        }

        var mine = (await decisions.OfRoundAsync(s.Id, s.ApprovalRound, ct)).FirstOrDefault(d => string.Equals(d.Approver, member, StringComparison.OrdinalIgnoreCase));
        return mine is { Decision: not DecisionKind.Reject } && s.State == SuccessionState.AwaitingApproval
            ? $"你已通过，待第 {s.ApprovalsNeeded} 位审批人复核"
            : "已处理";
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Information, Message = "Succession {SuccessionId}: {Member} clicked {Key} on an approval card: {Outcome}")]
    private static partial void LogClicked(ILogger logger, long successionId, string member, string key, OutcomeKind outcome);
}
