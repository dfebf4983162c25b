using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;
using WeComSuccession.Successions;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Notifications;

/// <summary>An approval card as sent (<c>approval_cards</c>).</summary>
internal sealed record ApprovalCard
{
    public long Id { get; init; }

    public long SuccessionId { get; init; }

    public short Round { get; init; }

    public string Kind { get; init; } = "";

    public string TaskId { get; init; } = "";

    public string[] Recipients { get; init; } = [];

    public DateTime CreatedAt { get; init; }

    public DateTime? SentAt { get; init; }

    public string? ResponseCode { get; init; }

    public string? Error { get; init; }

    public DateTime? ClosedAt { get; init; }
}

internal static class CardKind
{
    public const string Request = "request";
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
}

/// <summary>
/// Approval cards in the chat (<c>approval_cards</c>, <c>approval_card_updates</c>, owned here). While a plan awaits
/// approval every approver gets a <c>button_interaction</c> card (通过 / 驳回, and a jump to the plan in the workbench):
/// one per round, a reminder to those who have not decided, one to each approver added by an escalation. Once the plan
/// is decided (whichever door), <c>update_template_card</c> replaces every copy's buttons with the outcome, using the
/// send-time response_code for the recipients (the clicker's own copy is updated by <see cref="ApprovalCardClicks"/> with
/// the click's code). Each card and update is recorded before it is sent, so a crash neither loses nor doubles one; a
/// response_code is used once, and only within Succession:Approval:ResponseCodeLifetime (else the card is left alone).
/// </summary>
internal sealed partial class ApprovalCards(
    NpgsqlDataSource db, ApprovalDecisions decisions, ApprovalQueries queries, MemberDirectory directory, WeComClient wecom, ServiceClock clock,
    IOptions<WeComOptions> wecomOptions, IOptions<SuccessionOptions> options, ILogger<ApprovalCards> logger) : ISuccessionStep
{
    private const string CardColumns = "id, succession_id, round, kind, task_id, recipients, created_at, sent_at, response_code, error, closed_at";

    public const string ApproveKey = "approve";
    public const string RejectKey = "reject";

    public int Order => StepOrder.Notify;

    public bool AppliesTo(string state) => state is not (SuccessionState.Planning or SuccessionState.Ignored);

    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        var cards = await CardsOfAsync(s.Id, ct);
        if (cards.Count == 0 && s.State != SuccessionState.AwaitingApproval)
        {
            return;
        }

        if (s.State == SuccessionState.AwaitingApproval)
        {
            await OweCardsAsync(s, cards, ct);
            await SendOwedCardsAsync(s, ct);
        }
        else
        {
            await CloseAsync(s, cards.Where(c => c.ClosedAt is null).ToList(), await OutcomeTextAsync(s, ct), ct);
        }

        await SendOwedUpdatesAsync(s.Id, ct);
    }

    /// <summary>The card with this task_id, or null when it is not one of ours.</summary>
    public async Task<ApprovalCard?> ByTaskAsync(string taskId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApprovalCard>(new CommandDefinition(
            $"SELECT {CardColumns} FROM approval_cards WHERE task_id = @taskId", new { taskId }, cancellationToken: ct));
    }

    /// <summary>Records that <paramref name="userids"/>' copies of <paramref name="card"/> should read <paramref name="text"/>, by the code issued at <paramref name="issuedAt"/>.</summary>
    public async Task OweUpdateAsync(ApprovalCard card, string responseCode, string codeFrom, DateTimeOffset issuedAt, IReadOnlyCollection<string> userids, string text, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await OweUpdateAsync(connection, null, card, responseCode, codeFrom, issuedAt, userids, text, ct);
    }

    /// <summary>Sends every update of the succession's cards that is recorded but not yet sent (or left alone: its code's window has passed).</summary>
    public async Task SendOwedUpdatesAsync(long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var owed = await connection.QueryAsync<(long Id, string ResponseCode, string[] UserIds, string ReplaceName, DateTime IssuedAt)>(new CommandDefinition(
            """
            SELECT u.id, u.response_code, u.userids, u.replace_name, u.issued_at
            FROM approval_card_updates u JOIN approval_cards c ON c.id = u.card_id
            WHERE c.succession_id = @successionId AND u.sent_at IS NULL AND u.skipped IS NULL
            ORDER BY u.id
            """, new { successionId }, cancellationToken: ct));
        foreach (var (id, code, userids, text, issuedAt) in owed)
        {
            var now = clock.GetUtcNow();
            if (now - new DateTimeOffset(issuedAt, TimeSpan.Zero) >= options.Value.Approval.ResponseCodeLifetime)
            {
                // WeCom would refuse the code (60140): the decision stands, the card keeps its buttons.
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE approval_card_updates SET skipped = 'response_code expired' WHERE id = @id", new { id }, cancellationToken: ct));
                LogLeftAlone(logger, successionId, userids.Length);
                continue;
            }

            string? error = null;
            try
            {
                await wecom.ExecuteCgibinMessageUpdateTemplateCardAsync(new CgibinMessageUpdateTemplateCardRequest
                {
                    UserIds = userids,
                    AgentId = AgentId,
                    ResponseCode = code,
                    Button = new CgibinMessageUpdateTemplateCardButton { ReplaceName = text },
                }, ct);
            }
            catch (WeComException e)
            {
                // A card is a courtesy (the plan and the workbench are the truth): keep the error for people, never block.
                error = e.Message;
                LogFailed(logger, successionId, "update_template_card", e.GetType().Name);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE approval_card_updates SET sent_at = @now, error = @error WHERE id = @id", new { id, now, error }, cancellationToken: ct));
        }
    }

    /// <summary>What the buttons of a decided plan's cards become: "已由 张三 通过" and the like.</summary>
    public async Task<string> OutcomeTextAsync(Succession s, CancellationToken ct)
    {
        switch (s.ApprovalOutcome)
        {
            case ApprovalOutcomes.Expired:
                return "审批超时，已转人工处理";
            case ApprovalOutcomes.Rejected:
                return $"已由 {await NameAsync(s.DecidedBy, ct)} 驳回";
            case ApprovalOutcomes.Approved:
                var approvers = (await decisions.OfRoundAsync(s.Id, s.ApprovalRound, ct)).Where(d => d.Decision != DecisionKind.Reject).Select(d => d.Approver).ToList();
                var names = new List<string>();
                foreach (var approver in approvers.Count > 0 ? approvers : [s.DecidedBy ?? ""])
                {
                    names.Add(await NameAsync(approver, ct));
                }

                return $"已由 {string.Join("、", names)} 通过";
            default:
                return "已处理";
        }
    }

    public async Task<string> NameAsync(string? userid, CancellationToken ct) =>
        userid is null ? "—" : (await directory.GetAsync(userid, ct))?.Name ?? userid;

    /// <summary>
    /// The cards an awaiting plan should have: the current round's to every approver who has neither had one nor decided
    /// (a request, or an escalation once the round has cards), a reminder once the reminder is due; cards of earlier
    /// rounds are closed ("the plan changed").
    /// </summary>
    private async Task OweCardsAsync(Succession s, IReadOnlyList<ApprovalCard> cards, CancellationToken ct)
    {
        await CloseAsync(s, cards.Where(c => c.Round < s.ApprovalRound && c.ClosedAt is null).ToList(), "计划已调整，请处理新的审批卡片", ct);
        var decided = (await decisions.OfRoundAsync(s.Id, s.ApprovalRound, ct)).Select(d => d.Approver).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var round = cards.Where(c => c.Round == s.ApprovalRound).ToList();
        var asked = round.Where(c => c.Kind != CardKind.Reminder).SelectMany(c => c.Recipients).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = s.Approvers.Where(a => !asked.Contains(a) && !decided.Contains(a)).ToArray();
        if (missing.Length > 0)
        {
            await OweCardAsync(s, round.Count == 0 ? CardKind.Request : CardKind.Escalation, missing, ct);
        }

        if (s.RemindedAt is { } remindedAt && !cards.Any(c => c.Kind == CardKind.Reminder && c.CreatedAt >= remindedAt))
        {
            var undecided = s.Approvers.Where(a => !decided.Contains(a)).ToArray();
            if (undecided.Length > 0)
            {
                await OweCardAsync(s, CardKind.Reminder, undecided, ct);
            }
        }
    }

    private async Task OweCardAsync(Succession s, string kind, string[] recipients, CancellationToken ct)
    {
        // Unique per app and never reused: the random part keeps a card of a rebuilt database from colliding with an old one (42014).
        var taskId = string.Create(CultureInfo.InvariantCulture, $"wcs-{s.Id}-{s.ApprovalRound}-{kind[0]}-{RandomNumberGenerator.GetHexString(10, lowercase: true)}");
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO approval_cards (succession_id, round, kind, task_id, recipients, created_at)
            VALUES (@Id, @ApprovalRound, @kind, @taskId, @recipients, @now)
            """, new { s.Id, s.ApprovalRound, kind, taskId, recipients, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>Sends the cards recorded but not yet sent. message/send with WeCom's duplicate check, so a re-send after a crash is not delivered twice.</summary>
    private async Task SendOwedCardsAsync(Succession s, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var owed = (await connection.QueryAsync<ApprovalCard>(new CommandDefinition(
            $"SELECT {CardColumns} FROM approval_cards WHERE succession_id = @Id AND sent_at IS NULL AND closed_at IS NULL ORDER BY id", new { s.Id }, cancellationToken: ct))).ToList();
        if (owed.Count == 0)
        {
            return;
        }

        var content = await ContentAsync(s, ct);
        foreach (var card in owed)
        {
            string? responseCode = null, error = null;
            try
            {
                var answer = await wecom.ExecuteCgibinMessageSendAsync(new CgibinMessageSendRequest
                {
                    ToUser = string.Join('|', card.Recipients),
                    MsgType = "template_card",
                    AgentId = AgentId,
                    TemplateCard = Card(s, card, content),
                    EnableDuplicateCheck = 1,
                    DuplicateCheckInterval = 4 * 3600,
                }, ct);

                // A duplicate (re-sent after a crash) is answered without a code: that card cannot be updated.
                responseCode = string.IsNullOrEmpty(answer.ResponseCode) ? null : answer.ResponseCode;
            }
            catch (WeComApiException e) when (e.ErrCode == 42014)
            {
                error = "sent before (task_id exists); its response_code is unknown";
            }
            catch (WeComException e)
            {
                error = e.Message;
                LogFailed(logger, s.Id, "message/send", e.GetType().Name);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE approval_cards SET sent_at = @now, response_code = @responseCode, error = @error WHERE id = @Id",
                new { card.Id, now = clock.GetUtcNow(), responseCode, error }, cancellationToken: ct));
            LogCardSent(logger, s.Id, card.Kind, card.Recipients.Length, error is null);
        }
    }

    /// <summary>
    /// Closes cards: each one sent with a response_code owes one update of its recipients' copies to <paramref name="text"/> (the
    /// final decider's copy is updated by their click's own code when they decided on that card); one never sent is dropped.
    /// </summary>
    private async Task CloseAsync(Succession s, List<ApprovalCard> cards, string text, CancellationToken ct)
    {
        if (cards.Count == 0)
        {
            return;
        }

        var byCard = (await decisions.OfRoundAsync(s.Id, s.ApprovalRound, ct))
            .FirstOrDefault(d => string.Equals(d.Approver, s.DecidedBy, StringComparison.OrdinalIgnoreCase) && d.TaskId is not null);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var card in cards)
        {
            var userids = card.Recipients.Where(r => byCard?.TaskId != card.TaskId || !string.Equals(r, byCard.Approver, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (card is { ResponseCode: { } code, SentAt: { } sentAt } && userids.Length > 0)
            {
                await OweUpdateAsync(connection, transaction, card, code, "send", new DateTimeOffset(sentAt, TimeSpan.Zero), userids, text, ct);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE approval_cards SET closed_at = @now WHERE id = @Id AND closed_at IS NULL", new { card.Id, now = clock.GetUtcNow() }, transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
    }

    private async Task OweUpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, ApprovalCard card, string responseCode, string codeFrom, DateTimeOffset issuedAt,
        IReadOnlyCollection<string> userids, string text, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO approval_card_updates (card_id, response_code, code_from, issued_at, userids, replace_name, created_at)
            VALUES (@Id, @responseCode, @codeFrom, @issuedAt, @userids, @text, @now)
            ON CONFLICT (response_code) DO NOTHING
            """, new { card.Id, responseCode, codeFrom, issuedAt, userids = userids.ToArray(), text, now = clock.GetUtcNow() }, transaction, cancellationToken: ct));

    private async Task<IReadOnlyList<ApprovalCard>> CardsOfAsync(long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<ApprovalCard>(new CommandDefinition(
            $"SELECT {CardColumns} FROM approval_cards WHERE succession_id = @successionId ORDER BY id", new { successionId }, cancellationToken: ct))];
    }

    /// <summary>What every card of the plan shows: who left, to whom, how many customers and groups.</summary>
    private async Task<CardContent> ContentAsync(Succession s, CancellationToken ct)
    {
        var groups = await queries.GroupsAsync(s.Id, options.Value.Approval.KeyCustomerTags, ct);
        var successors = groups.Where(g => g.Takeover is not null).Select(g => g.TakeoverName ?? g.Takeover!).ToList();
        var leaver = await NameAsync(s.HandoverUserid, ct);
        var first = (await CardsOfAsync(s.Id, ct)).FirstOrDefault(c => c.Round == s.ApprovalRound && c.Kind == CardKind.Request)?.Recipients ?? s.Approvers;
        var askedFirst = new List<string>();
        foreach (var approver in first.Take(3))
        {
            askedFirst.Add(await NameAsync(approver, ct));
        }

        return new CardContent(
            leaver,
            successors.Count == 0 ? "待人工指定" : successors.Count <= 3 ? string.Join("、", successors) : $"{string.Join("、", successors.Take(3))} 等 {successors.Count} 人",
            groups.Sum(g => g.Customers), groups.Sum(g => g.Groups), groups.Sum(g => g.KeyCustomers), string.Join("、", askedFirst));
    }

    private CgibinMessageSendTemplateCard Card(Succession s, ApprovalCard card, CardContent c)
    {
        var url = options.Value.PublicBaseUrl.TrimEnd('/') + "/workbench/plans/" + s.Id.ToString(CultureInfo.InvariantCulture);
        var waited = s.ApprovalRequestedAt is { } since ? clock.GetUtcNow() - new DateTimeOffset(since, TimeSpan.Zero) : TimeSpan.Zero;
        var rows = new List<CgibinMessageSendTemplateCardHorizontalContent>
        {
            new() { KeyName = "离职人", Value = c.Leaver },
            new() { KeyName = "接替人", Value = c.Successors },
            new() { KeyName = "客户数", Value = c.Customers.ToString(CultureInfo.InvariantCulture) },
            new() { KeyName = "群数", Value = c.Groups.ToString(CultureInfo.InvariantCulture) },
        };
        if (c.KeyCustomers > 0)
        {
            rows.Add(new() { KeyName = "重要客户", Value = c.KeyCustomers.ToString(CultureInfo.InvariantCulture) });
        }

        return new CgibinMessageSendTemplateCard
        {
            CardType = "button_interaction",
            Source = new CgibinMessageSendTemplateCardSource { Desc = "客户继承审批" },
            MainTitle = new CgibinMessageSendTemplateCardMainTitle
            {
                Title = card.Kind == CardKind.Reminder ? $"提醒：{c.Leaver} 的客户继承待你审批" : $"{c.Leaver} 的客户继承待你审批",
                Desc = s.ApprovalsNeeded > 1 ? $"双人复核：需 {s.ApprovalsNeeded} 人通过" : "通过后开始转接",
            },
            SubTitleText = card.Kind switch
            {
                CardKind.Reminder => $"已等待 {Hours(waited)}，请尽快处理",
                CardKind.Escalation => $"{c.AskedFirst} 已 {Hours(waited)} 未处理，现请你审批",
                _ => null,
            },
            HorizontalContentList = rows,
            JumpList = [new CgibinMessageSendTemplateCardJump { Type = 1, Title = "查看或调整计划", Url = url }],
            CardAction = new CgibinMessageSendTemplateCardAction { Type = 1, Url = url },
            TaskId = card.TaskId,
            ButtonList =
            [
                new CgibinMessageSendTemplateCardButton { Type = 0, Text = "驳回", Style = 3, Key = RejectKey },
                new CgibinMessageSendTemplateCardButton { Type = 0, Text = "通过", Style = 1, Key = ApproveKey },
            ],
        };
    }

    private static string Hours(TimeSpan span) => span.TotalHours >= 1
        ? ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) + " 小时"
        : Math.Max(1, (int)span.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " 分钟";

    private long AgentId => long.Parse(wecomOptions.Value.AgentId!, CultureInfo.InvariantCulture);

    private sealed record CardContent(string Leaver, string Successors, long Customers, long Groups, long KeyCustomers, string AskedFirst);

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Succession {SuccessionId}: {Kind} card to {Recipients} approvers (sent: {Sent})")]
    private static partial void LogCardSent(ILogger logger, long successionId, string kind, int recipients, bool sent);

    [LoggerMessage(EventId = 711, Level = LogLevel.Warning, Message = "Succession {SuccessionId}: {Api} failed ({Error})")]
    private static partial void LogFailed(ILogger logger, long successionId, string api, string error);

    [LoggerMessage(EventId = 712, Level = LogLevel.Information, Message = "Succession {SuccessionId}: a card update for {Recipients} recipients is left alone: its response_code's window has passed")]
    private static partial void LogLeftAlone(ILogger logger, long successionId, int recipients);
}
