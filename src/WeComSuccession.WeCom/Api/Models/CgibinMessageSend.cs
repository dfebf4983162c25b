using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/message/send</c> — 发送应用消息 (textcard and template_card). Not idempotent: use
/// <see cref="EnableDuplicateCheck"/> so that a re-send after an unknown outcome is not delivered twice.
/// Excess messages (30/min per member) are dropped silently by WeCom.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/90236"/></remarks>
public sealed record CgibinMessageSendRequest
{
    /// <summary>Recipients' userids joined by '|' (≤ 1000), or "@all".</summary>
    [JsonPropertyName("touser")]
    public string? ToUser { get; init; }

    /// <summary>Department ids joined by '|' (≤ 100).</summary>
    [JsonPropertyName("toparty")]
    public string? ToParty { get; init; }

    /// <summary>Tag ids joined by '|' (≤ 100).</summary>
    [JsonPropertyName("totag")]
    public string? ToTag { get; init; }

    /// <summary>"textcard" or "template_card".</summary>
    [JsonPropertyName("msgtype")]
    public string MsgType { get; init; } = string.Empty;

    /// <summary>The sending app's agent id.</summary>
    [JsonPropertyName("agentid")]
    public long AgentId { get; init; }

    /// <summary>Payload when <see cref="MsgType"/> is "textcard".</summary>
    [JsonPropertyName("textcard")]
    public CgibinMessageSendTextCard? TextCard { get; init; }

    /// <summary>Payload when <see cref="MsgType"/> is "template_card".</summary>
    [JsonPropertyName("template_card")]
    public CgibinMessageSendTemplateCard? TemplateCard { get; init; }

    /// <summary>1 to translate ids into names in the message.</summary>
    [JsonPropertyName("enable_id_trans")]
    public int? EnableIdTrans { get; init; }

    /// <summary>1 to drop an identical message sent within <see cref="DuplicateCheckInterval"/>.</summary>
    [JsonPropertyName("enable_duplicate_check")]
    public int? EnableDuplicateCheck { get; init; }

    /// <summary>Duplicate-check window in seconds (default 1800, max 4 h).</summary>
    [JsonPropertyName("duplicate_check_interval")]
    public int? DuplicateCheckInterval { get; init; }
}

/// <summary>The <c>textcard</c> payload.</summary>
public sealed record CgibinMessageSendTextCard
{
    /// <summary>Title (≤ 128 bytes).</summary>
    [JsonPropertyName("title")]
    public string Title { get; init; } = string.Empty;

    /// <summary>Description (≤ 512 bytes; simple HTML div classes allowed).</summary>
    [JsonPropertyName("description")]
    public string Description { get; init; } = string.Empty;

    /// <summary>Link with scheme (≤ 2048 bytes). A string because WeCom passes it through verbatim.</summary>
    [JsonPropertyName("url")]
    public string Url { get; init; } = string.Empty;

    /// <summary>Button text (≤ 4 chars, default 详情).</summary>
    [JsonPropertyName("btntxt")]
    public string? BtnTxt { get; init; }
}

/// <summary>The <c>template_card</c> payload (the parts a notification needs).</summary>
public sealed record CgibinMessageSendTemplateCard
{
    /// <summary>text_notice, news_notice, button_interaction, vote_interaction or multiple_interaction.</summary>
    [JsonPropertyName("card_type")]
    public string CardType { get; init; } = string.Empty;

    /// <summary>Source line at the top of the card.</summary>
    [JsonPropertyName("source")]
    public CgibinMessageSendTemplateCardSource? Source { get; init; }

    /// <summary>Main title.</summary>
    [JsonPropertyName("main_title")]
    public CgibinMessageSendTemplateCardMainTitle? MainTitle { get; init; }

    /// <summary>Emphasised key figure (text_notice).</summary>
    [JsonPropertyName("emphasis_content")]
    public CgibinMessageSendTemplateCardMainTitle? EmphasisContent { get; init; }

    /// <summary>Secondary text.</summary>
    [JsonPropertyName("sub_title_text")]
    public string? SubTitleText { get; init; }

    /// <summary>Key/value rows (≤ 6).</summary>
    [JsonPropertyName("horizontal_content_list")]
    public IReadOnlyList<CgibinMessageSendTemplateCardHorizontalContent>? HorizontalContentList { get; init; }

    /// <summary>Links (≤ 3).</summary>
    [JsonPropertyName("jump_list")]
    public IReadOnlyList<CgibinMessageSendTemplateCardJump>? JumpList { get; init; }

    /// <summary>What tapping the card does (required for text_notice and news_notice).</summary>
    [JsonPropertyName("card_action")]
    public CgibinMessageSendTemplateCardAction? CardAction { get; init; }

    /// <summary>Unique per app (≤ 128 bytes of [0-9a-zA-Z_-@]); required for interactive cards.</summary>
    [JsonPropertyName("task_id")]
    public string? TaskId { get; init; }

    /// <summary>Buttons (≤ 6, button_interaction).</summary>
    [JsonPropertyName("button_list")]
    public IReadOnlyList<CgibinMessageSendTemplateCardButton>? ButtonList { get; init; }
}

/// <summary>The card's <c>source</c>.</summary>
public sealed record CgibinMessageSendTemplateCardSource
{
    /// <summary>Icon URL.</summary>
    [JsonPropertyName("icon_url")]
    public string? IconUrl { get; init; }

    /// <summary>Source text.</summary>
    [JsonPropertyName("desc")]
    public string? Desc { get; init; }

    /// <summary>0 grey, 1 black, 2 red, 3 green.</summary>
    [JsonPropertyName("desc_color")]
    public int? DescColor { get; init; }
}

/// <summary>A title/desc pair (<c>main_title</c>, <c>emphasis_content</c>).</summary>
public sealed record CgibinMessageSendTemplateCardMainTitle
{
    /// <summary>Title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>Description.</summary>
    [JsonPropertyName("desc")]
    public string? Desc { get; init; }
}

/// <summary>One <c>horizontal_content_list</c> row.</summary>
public sealed record CgibinMessageSendTemplateCardHorizontalContent
{
    /// <summary>0 text, 1 url, 2 attachment, 3 member detail.</summary>
    [JsonPropertyName("type")]
    public int? Type { get; init; }

    /// <summary>Key.</summary>
    [JsonPropertyName("keyname")]
    public string KeyName { get; init; } = string.Empty;

    /// <summary>Value.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; init; }

    /// <summary>Link when type is 1.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Attachment media id when type is 2.</summary>
    [JsonPropertyName("media_id")]
    public string? MediaId { get; init; }

    /// <summary>Member userid when type is 3.</summary>
    [JsonPropertyName("userid")]
    public string? UserId { get; init; }
}

/// <summary>One <c>jump_list</c> entry.</summary>
public sealed record CgibinMessageSendTemplateCardJump
{
    /// <summary>0 none, 1 url, 2 mini-program.</summary>
    [JsonPropertyName("type")]
    public int? Type { get; init; }

    /// <summary>Link text.</summary>
    [JsonPropertyName("title")]
    public string Title { get; init; } = string.Empty;

    /// <summary>Link when type is 1.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Mini-program appid when type is 2.</summary>
    [JsonPropertyName("appid")]
    public string? AppId { get; init; }

    /// <summary>Mini-program page when type is 2.</summary>
    [JsonPropertyName("pagepath")]
    public string? PagePath { get; init; }
}

/// <summary>The card's <c>card_action</c>.</summary>
public sealed record CgibinMessageSendTemplateCardAction
{
    /// <summary>1 url, 2 mini-program.</summary>
    [JsonPropertyName("type")]
    public int Type { get; init; }

    /// <summary>Link when type is 1.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Mini-program appid when type is 2.</summary>
    [JsonPropertyName("appid")]
    public string? AppId { get; init; }

    /// <summary>Mini-program page when type is 2.</summary>
    [JsonPropertyName("pagepath")]
    public string? PagePath { get; init; }
}

/// <summary>One <c>button_list</c> button; a click arrives as a template_card_event callback.</summary>
public sealed record CgibinMessageSendTemplateCardButton
{
    /// <summary>0 callback with <see cref="Key"/>, 1 open <see cref="Url"/>.</summary>
    [JsonPropertyName("type")]
    public int? Type { get; init; }

    /// <summary>Button text.</summary>
    [JsonPropertyName("text")]
    public string Text { get; init; } = string.Empty;

    /// <summary>Style 1–4.</summary>
    [JsonPropertyName("style")]
    public int? Style { get; init; }

    /// <summary>Callback key (type 0).</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    /// <summary>Link (type 1).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }
}

/// <summary>Response of <c>/cgi-bin/message/send</c>. Everyone invalid → call-level 81013.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/90236"/></remarks>
public sealed record CgibinMessageSendResponse : WeComResponse
{
    /// <summary>Invalid userids joined by '|'.</summary>
    [JsonPropertyName("invaliduser")]
    public string? InvalidUser { get; init; }

    /// <summary>Invalid department ids joined by '|'.</summary>
    [JsonPropertyName("invalidparty")]
    public string? InvalidParty { get; init; }

    /// <summary>Invalid tag ids joined by '|'.</summary>
    [JsonPropertyName("invalidtag")]
    public string? InvalidTag { get; init; }

    /// <summary>Recipients without a licence, joined by '|'.</summary>
    [JsonPropertyName("unlicenseduser")]
    public string? UnlicensedUser { get; init; }

    /// <summary>Message id for recall.</summary>
    [JsonPropertyName("msgid")]
    public string? MsgId { get; init; }

    /// <summary>For interactive cards: usable once with message/update_template_card.</summary>
    [JsonPropertyName("response_code")]
    public string? ResponseCode { get; init; }
}
