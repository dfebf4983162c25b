using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/message/update_template_card</c> — 更新模版卡片消息: replaces an interactive card's buttons with a
/// text (<see cref="Button"/>) or the whole card (<see cref="TemplateCard"/>) for the recipients named. Each
/// <see cref="ResponseCode"/> (from message/send or from a template_card_event click) works once and for 72 hours
/// (doc updated 2025-07-24; older copies said 24 hours); an unknown, used or expired one is 60140.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/94888"/></remarks>
public sealed record CgibinMessageUpdateTemplateCardRequest
{
    /// <summary>Recipients whose copy changes (≤ 1000); they must have received the card.</summary>
    [JsonPropertyName("userids")]
    public IReadOnlyList<string>? UserIds { get; init; }

    /// <summary>Departments whose members' copies change (≤ 100).</summary>
    [JsonPropertyName("partyids")]
    public IReadOnlyList<long>? PartyIds { get; init; }

    /// <summary>Tags whose members' copies change (≤ 100).</summary>
    [JsonPropertyName("tagids")]
    public IReadOnlyList<long>? TagIds { get; init; }

    /// <summary>1 to change every recipient's copy.</summary>
    [JsonPropertyName("atall")]
    public int? AtAll { get; init; }

    /// <summary>The sending app's agent id.</summary>
    [JsonPropertyName("agentid")]
    public long AgentId { get; init; }

    /// <summary>The code that allows this update: from message/send or from a click's callback; usable once.</summary>
    [JsonPropertyName("response_code")]
    public string ResponseCode { get; init; } = string.Empty;

    /// <summary>1 to translate ids into names in the card.</summary>
    [JsonPropertyName("enable_id_trans")]
    public int? EnableIdTrans { get; init; }

    /// <summary>Replace the buttons with this text (button_interaction); or set <see cref="TemplateCard"/>.</summary>
    [JsonPropertyName("button")]
    public CgibinMessageUpdateTemplateCardButton? Button { get; init; }

    /// <summary>Replace the whole card (task_id not needed); or set <see cref="Button"/>.</summary>
    [JsonPropertyName("template_card")]
    public CgibinMessageSendTemplateCard? TemplateCard { get; init; }
}

/// <summary>The <c>button</c> of an update: what the buttons become.</summary>
public sealed record CgibinMessageUpdateTemplateCardButton
{
    /// <summary>The text shown where the buttons were (e.g. "已由 张三 通过").</summary>
    [JsonPropertyName("replace_name")]
    public string ReplaceName { get; init; } = string.Empty;
}

/// <summary>Response of <c>/cgi-bin/message/update_template_card</c>. Nobody valid → call-level 81013.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/94888"/></remarks>
public sealed record CgibinMessageUpdateTemplateCardResponse : WeComResponse
{
    /// <summary>Userids that were not changed (unknown, or did not receive the card), joined by '|'.</summary>
    [JsonPropertyName("invaliduser")]
    public string? InvalidUser { get; init; }
}
