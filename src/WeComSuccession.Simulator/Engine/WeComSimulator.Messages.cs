using System.Globalization;
using WeComSuccession.Simulator.Api;
using WeComSuccession.Simulator.Callbacks;
using WeComSuccession.Simulator.Ledger;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

/// <summary>One recipient's copy of an interactive card: <c>active</c> (buttons), <c>replaced</c> (buttons gave way to <see cref="ReplacedText"/>) or <c>updated</c> (a new card).</summary>
public sealed record CardRecipient(string UserId, string State, string? ReplacedText, DateTimeOffset? ChangedAt, CardContent Content);

/// <summary>One successful update_template_card: whose response_code (<c>send</c> or the clicking member), for whom, to what.</summary>
public sealed record CardUpdate(DateTimeOffset Time, string ResponseCodeFrom, IReadOnlyList<string> UserIds, string? ReplaceName, string? NewCardType, string? InvalidUser);

/// <summary>One click (button press or submitted choice) and the callback it became.</summary>
public sealed record CardClick(DateTimeOffset Time, string UserId, string Key, long DeliveryId);

/// <summary>An interactive card as sent, with every recipient's copy, its updates and its clicks.</summary>
public sealed record CardInfo(string TaskId, string CardType, string MsgId, DateTimeOffset SentAt, CardContent Content, IReadOnlyList<CardRecipient> Recipients, IReadOnlyList<CardUpdate> Updates, IReadOnlyList<CardClick> Clicks);

/// <summary>A card in one member's message list.</summary>
public sealed record MemberCard(string TaskId, string CardType, string MsgId, DateTimeOffset SentAt, string State, string? ReplacedText, bool Clickable, CardContent Content);

/// <summary>A choice submitted with a vote or multiple-choice card.</summary>
public sealed record CardSelection(string QuestionKey, IReadOnlyList<string> OptionIds);

/// <summary>What became of a click.</summary>
public enum CardClickOutcome
{
    /// <summary>The template_card_event was queued for the callback URL.</summary>
    Sent,

    /// <summary>No card has this task_id.</summary>
    UnknownCard,

    /// <summary>The member did not receive the card (or left the address book).</summary>
    NotRecipient,

    /// <summary>The member's buttons were replaced (WeCom shows the text and no buttons).</summary>
    NotClickable,

    /// <summary>The card has no callback button (or submit button, or option) with that key.</summary>
    UnknownKey,
}

/// <summary>The result of <see cref="WeComSimulator.ClickCard"/>.</summary>
/// <param name="Outcome">Sent or why not.</param>
/// <param name="Message">Why not, for people.</param>
/// <param name="DeliveryId">The callback delivery, when sent.</param>
/// <param name="ResponseCode">The click-time response_code in the event, when sent.</param>
public sealed record CardClickResult(CardClickOutcome Outcome, string? Message, long? DeliveryId, string? ResponseCode);

// App messages (message/send), interactive template cards, their response_codes, update_template_card, and members
// clicking cards (template_card_event callbacks).
public sealed partial class WeComSimulator
{
    private const string Active = "active";
    private const string Replaced = "replaced";
    private const string Updated = "updated";

    private readonly Dictionary<string, long> _recentMessages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CardRecord> _cards = new(StringComparer.Ordinal);
    private readonly List<CardRecord> _cardOrder = [];
    private readonly Dictionary<string, ResponseCodeEntry> _responseCodes = new(StringComparer.Ordinal);
    private long _messageSeq;

    /// <summary>
    /// <c>POST message/send</c>, read with the simulator's own reading of WeCom's JSON. Recipients: touser (userids or
    /// @all), toparty (departments and their sub-departments); totag is always invalid (no 通讯录 tags here).
    /// Interactive template cards are checked (see <see cref="TemplateCards"/>), need a task_id unused by this app
    /// (42014), are kept per recipient and answered with a response_code.
    /// </summary>
    internal WeComResponse MessageSend(JsonFields body, string raw)
    {
        var toUser = body.String("touser");
        var toParty = body.String("toparty");
        var toTag = body.String("totag");
        var msgType = body.String("msgtype") ?? "";
        var agentId = body.Long("agentid");
        var duplicateCheck = body.Long("enable_duplicate_check");
        var duplicateInterval = body.Long("duplicate_check_interval");
        var templateCard = body.Object("template_card");
        if (BodyProblem(body, agentId) is { } problem)
        {
            return problem;
        }

        if (msgType is not ("text" or "textcard" or "template_card" or "markdown" or "news"))
        {
            return Error(40008);
        }

        CardContent? card = null;
        string? taskId = null;
        if (msgType == "template_card")
        {
            var (content, code, detail) = TemplateCards.Read(templateCard, requireTaskId: true);
            if (content is null)
            {
                return Error(code, detail);
            }

            card = content;
            taskId = content.IsInteractive ? templateCard!.String("task_id") : null;
        }

        lock (_sync)
        {
            var now = Now;
            if (duplicateCheck == 1)
            {
                var window = Math.Clamp(duplicateInterval ?? 1800, 1, 4 * 3600);
                if (_recentMessages.TryGetValue(raw, out var sentAt) && now - sentAt < window)
                {
                    // Not delivered twice; WeCom answers as if it had been (without a second card or response_code).
                    return new CgibinMessageSendResponse { ErrMsg = "ok", MsgId = "dup" };
                }
            }

            if (taskId is not null && _cards.ContainsKey(taskId))
            {
                return Error(42014, "taskid has existed or empty or exceed max len");
            }

            var (recipients, invalidUser, invalidParty) = Recipients(toUser, toParty);
            if (recipients.Count == 0)
            {
                return Error(81013);
            }

            if (duplicateCheck == 1)
            {
                _recentMessages[raw] = now;
            }

            var msgId = string.Create(CultureInfo.InvariantCulture, $"simmsg{++_messageSeq:D8}");
            var invalidTag = toTag ?? "";
            Ledger.RecordMessage(new SentMessage(Ledger.NextSeq(), Clock.GetUtcNow(), toUser, toParty, toTag, msgType, msgId, invalidUser, raw));
            string? responseCode = null;
            if (card is { IsInteractive: true })
            {
                var record = new CardRecord(taskId!, msgId, Clock.GetUtcNow(), card);
                foreach (var userId in recipients)
                {
                    record.Recipients.Add(userId, new RecipientCopy(userId, card));
                }

                _cards.Add(taskId!, record);
                _cardOrder.Add(record);
                responseCode = IssueResponseCode(taskId!, clickedBy: null);
            }

            return new CgibinMessageSendResponse
            {
                ErrMsg = "ok",
                InvalidUser = invalidUser,
                InvalidParty = invalidParty,
                InvalidTag = invalidTag,
                UnlicensedUser = "",
                MsgId = msgId,
                ResponseCode = responseCode,
            };
        }
    }

    /// <summary>
    /// <c>POST message/update_template_card</c>: consumes a response_code this app received (send-time or click-time),
    /// once, within <see cref="SimulatorOptions.ResponseCodeLifetime"/> (60140 otherwise), and changes the named
    /// recipients' copies: <c>button.replace_name</c> replaces the buttons by that text, <c>template_card</c> replaces
    /// the card. Recipients: userids / partyids (with sub-departments) / atall; tagids name nobody here. Userids that
    /// did not receive the card come back in invaliduser; nobody valid → 81013 and the code stays unused.
    /// </summary>
    internal WeComResponse UpdateTemplateCard(JsonFields body)
    {
        var userIds = body.Strings("userids") ?? [];
        var partyIds = body.Longs("partyids") ?? [];
        var tagIds = body.Longs("tagids") ?? [];
        var atAll = body.Long("atall") ?? 0;
        var agentId = body.Long("agentid");
        var responseCode = body.String("response_code");
        var replaceName = body.Object("button")?.String("replace_name");
        var newCard = body.Object("template_card");
        if (BodyProblem(body, agentId) is { } problem)
        {
            return problem;
        }

        CardContent? content = null;
        if (newCard is not null)
        {
            var (read, code, detail) = TemplateCards.Read(newCard, requireTaskId: false);
            if (read is null)
            {
                return Error(code, detail);
            }

            content = read;
        }
        else if (string.IsNullOrEmpty(replaceName))
        {
            return Error(40058, "button.replace_name or template_card is required");
        }

        if (userIds.Count > 1000 || partyIds.Count > 100 || tagIds.Count > 100)
        {
            return Error(40058, "userids ≤ 1000, partyids ≤ 100, tagids ≤ 100");
        }

        lock (_sync)
        {
            var now = Now;
            if (string.IsNullOrEmpty(responseCode) || !_responseCodes.TryGetValue(responseCode, out var entry))
            {
                return Error(60140, "unknown response_code");
            }

            if (entry.Used)
            {
                return Error(60140, "response_code has been used");
            }

            if (now >= entry.IssuedAt + (long)Options.ResponseCodeLifetime.TotalSeconds)
            {
                return Error(60140, "response_code expired");
            }

            if (atAll != 1 && userIds.Count == 0 && partyIds.Count == 0 && tagIds.Count == 0)
            {
                return Error(81012);
            }

            var record = _cards[entry.TaskId];
            var targets = new List<string>();
            var invalid = new List<string>();
            if (atAll == 1)
            {
                targets.AddRange(record.Recipients.Keys);
            }
            else
            {
                foreach (var userId in userIds.Distinct(StringComparer.Ordinal))
                {
                    (record.Recipients.ContainsKey(userId) && _corp.Members.TryGetValue(userId, out var m) && !m.Deleted ? targets : invalid).Add(userId);
                }

                var parties = partyIds.Where(_corp.Departments.ContainsKey).SelectMany(_corp.DepartmentsUnder).Select(d => d.Id).ToHashSet();
                targets.AddRange(record.Recipients.Keys.Where(id => !targets.Contains(id, StringComparer.Ordinal) && _corp.Members[id].Departments.Any(parties.Contains)));
            }

            var invalidUser = string.Join('|', invalid);
            if (targets.Count == 0)
            {
                return Error(81013, invalidUser);
            }

            entry.Used = true;
            var time = Clock.GetUtcNow();
            foreach (var userId in targets)
            {
                var copy = record.Recipients[userId];
                (copy.State, copy.ReplacedText, copy.Content) = content is null ? (Replaced, replaceName, copy.Content) : (Updated, null, content);
                copy.ChangedAt = time;
            }

            record.Updates.Add(new CardUpdate(time, entry.ClickedBy ?? "send", targets, content is null ? replaceName : null, content?.CardType, invalidUser));
            return new UpdateTemplateCardResponse { ErrMsg = "ok", InvalidUser = invalidUser };
        }
    }

    /// <summary>
    /// A member presses a callback button (or submits a vote / multiple choice) on a card they received: the
    /// template_card_event, with a fresh click-time response_code, goes to the callback URL through the same
    /// dispatcher as every callback (retries, drops). A copy whose buttons were replaced cannot be clicked.
    /// </summary>
    public CardClickResult ClickCard(string taskId, string userId, string key, IReadOnlyList<CardSelection>? selected = null)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        ArgumentNullException.ThrowIfNull(userId);
        selected ??= [];
        lock (_sync)
        {
            if (!_cards.TryGetValue(taskId, out var record))
            {
                return Refused(CardClickOutcome.UnknownCard, $"No card has task_id '{taskId}'.");
            }

            if (!record.Recipients.TryGetValue(userId, out var copy) || !_corp.Members.TryGetValue(userId, out var member) || member.Deleted)
            {
                return Refused(CardClickOutcome.NotRecipient, $"'{userId}' did not receive card '{taskId}' (or left the address book).");
            }

            if (copy.State == Replaced)
            {
                return Refused(CardClickOutcome.NotClickable, $"The buttons of '{userId}' were replaced by \"{copy.ReplacedText}\"; there is nothing to click.");
            }

            var card = copy.Content;
            var keyKnown = card.CardType == "button_interaction"
                ? card.Buttons.Any(b => b.Type == 0 && string.Equals(b.Key, key, StringComparison.Ordinal))
                : card.IsInteractive && string.Equals(card.SubmitButton?.Key, key, StringComparison.Ordinal);
            var selectionKnown = selected.All(s => card.Questions.Any(q => string.Equals(q.QuestionKey, s.QuestionKey, StringComparison.Ordinal)
                && s.OptionIds.All(o => q.Options.Any(x => string.Equals(x.Id, o, StringComparison.Ordinal)))));
            if (!keyKnown || !selectionKnown)
            {
                return Refused(CardClickOutcome.UnknownKey, keyKnown ? "A selected question or option is not on the card." : $"Card '{taskId}' has no callback button with key '{key}'.");
            }

            var now = Now;
            var code = IssueResponseCode(taskId, userId);
            var xml = CallbackXml.TemplateCardEvent(Options.CorpId, now, userId, key, taskId, card.CardType, code, Options.AgentId, [.. selected.Select(s => (s.QuestionKey, s.OptionIds))]);
            var deliveryId = Callbacks.Enqueue("template_card_event", "", userId, null, now, xml);
            record.Clicks.Add(new CardClick(Clock.GetUtcNow(), userId, key, deliveryId));
            return new CardClickResult(CardClickOutcome.Sent, null, deliveryId, code);
        }

        static CardClickResult Refused(CardClickOutcome outcome, string message) => new(outcome, message, null, null);
    }

    /// <summary>Every interactive card, in the order sent.</summary>
    public IReadOnlyList<CardInfo> Cards()
    {
        lock (_sync)
        {
            return [.. _cardOrder.Select(ToInfo)];
        }
    }

    /// <summary>One interactive card, or null.</summary>
    public CardInfo? Card(string taskId)
    {
        lock (_sync)
        {
            return _cards.TryGetValue(taskId, out var record) ? ToInfo(record) : null;
        }
    }

    /// <summary>The interactive cards a member received, in the order sent, each as that member sees it now.</summary>
    public IReadOnlyList<MemberCard> CardsOf(string userId)
    {
        lock (_sync)
        {
            return [.. _cardOrder.Where(c => c.Recipients.ContainsKey(userId)).Select(c =>
            {
                var copy = c.Recipients[userId];
                var clickable = copy.State != Replaced && (copy.Content.CardType == "button_interaction" ? copy.Content.Buttons.Any(b => b.Type == 0) : copy.Content.IsInteractive);
                return new MemberCard(c.TaskId, c.Content.CardType, c.MsgId, c.SentAt, copy.State, copy.ReplacedText, clickable, copy.Content);
            })];
        }
    }

    /// <summary>40058 for a field of the wrong JSON type, 41011 without agentid, 40056 for another app's; null when the body is usable.</summary>
    private WeComErrorResponse? BodyProblem(JsonFields body, long? agentId) =>
        body.Error is { } typeError ? Error(40058, typeError)
        : agentId is null ? Error(41011)
        : agentId != Options.AgentId ? Error(40056)
        : null;

    /// <summary>Valid userids (touser, @all) and members of valid departments (toparty, with sub-departments), and what was invalid.</summary>
    private (List<string> Recipients, string InvalidUser, string InvalidParty) Recipients(string? toUser, string? toParty)
    {
        var recipients = new List<string>();
        var invalid = new List<string>();
        if (string.Equals(toUser, "@all", StringComparison.Ordinal))
        {
            recipients.AddRange(_corp.MemberIds.Where(id => !_corp.Members[id].Deleted));
        }
        else
        {
            foreach (var userId in (toUser ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries))
            {
                (_corp.Members.TryGetValue(userId, out var m) && !m.Deleted ? recipients : invalid).Add(userId);
            }
        }

        var invalidParties = new List<string>();
        var departments = new HashSet<long>();
        foreach (var party in (toParty ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(party, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _corp.Departments.ContainsKey(id))
            {
                departments.UnionWith(_corp.DepartmentsUnder(id).Select(d => d.Id));
            }
            else
            {
                invalidParties.Add(party);
            }
        }

        if (departments.Count > 0)
        {
            recipients.AddRange(_corp.MemberIds.Where(id => !_corp.Members[id].Deleted && _corp.Members[id].Departments.Any(departments.Contains)));
        }

        return ([.. recipients.Distinct(StringComparer.Ordinal)], string.Join('|', invalid), string.Join('|', invalidParties));
    }

    private string IssueResponseCode(string taskId, string? clickedBy)
    {
        var code = RandomString(40);
        _responseCodes[code] = new ResponseCodeEntry(taskId, clickedBy, Now);
        return code;
    }

    private static CardInfo ToInfo(CardRecord r) => new(
        r.TaskId,
        r.Content.CardType,
        r.MsgId,
        r.SentAt,
        r.Content,
        [.. r.Recipients.Values.Select(c => new CardRecipient(c.UserId, c.State, c.ReplacedText, c.ChangedAt, c.Content))],
        [.. r.Updates],
        [.. r.Clicks]);

    /// <summary>An interactive card as sent; guarded by the simulator's lock.</summary>
    private sealed class CardRecord(string taskId, string msgId, DateTimeOffset sentAt, CardContent content)
    {
        public string TaskId { get; } = taskId;
        public string MsgId { get; } = msgId;
        public DateTimeOffset SentAt { get; } = sentAt;
        public CardContent Content { get; } = content;

        /// <summary>Recipients in the order they were named.</summary>
        public OrderedDictionary<string, RecipientCopy> Recipients { get; } = new(StringComparer.Ordinal);

        public List<CardUpdate> Updates { get; } = [];
        public List<CardClick> Clicks { get; } = [];
    }

    private sealed class RecipientCopy(string userId, CardContent content)
    {
        public string UserId { get; } = userId;
        public string State { get; set; } = Active;
        public string? ReplacedText { get; set; }
        public DateTimeOffset? ChangedAt { get; set; }
        public CardContent Content { get; set; } = content;
    }

    /// <summary>A response_code: for which card, issued to whom (null = at send time), when; single use.</summary>
    private sealed class ResponseCodeEntry(string taskId, string? clickedBy, long issuedAt)
    {
        public string TaskId { get; } = taskId;
        public string? ClickedBy { get; } = clickedBy;
        public long IssuedAt { get; } = issuedAt;
        public bool Used { get; set; }
    }
}
