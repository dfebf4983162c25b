using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/groupchat/transfer</c> — 分配离职成员的客户群. Not idempotent; at most 300
/// groups of one former owner per day.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92127"/></remarks>
public sealed record ExternalContactGroupChatTransferRequest
{
    /// <summary>Groups to move (1–100).</summary>
    [JsonPropertyName("chat_id_list")]
    public IReadOnlyList<string> ChatIdList { get; init => field = value ?? []; } = [];

    /// <summary>The new owner.</summary>
    [JsonPropertyName("new_owner")]
    public string NewOwner { get; init; } = string.Empty;
}

/// <summary>Response of <c>/cgi-bin/externalcontact/groupchat/transfer</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92127"/></remarks>
public sealed record ExternalContactGroupChatTransferResponse : WeComResponse
{
    /// <summary>Only the groups that failed; per-item errcodes are data, not exceptions.</summary>
    [JsonPropertyName("failed_chat_list")]
    public IReadOnlyList<ExternalContactGroupChatTransferFailedItem> FailedChatList { get; init => field = value ?? []; } = [];
}

/// <summary>One failed group of <c>groupchat/transfer</c> or <c>groupchat/onjob_transfer</c>.</summary>
public sealed record ExternalContactGroupChatTransferFailedItem
{
    /// <summary>Group chat id.</summary>
    [JsonPropertyName("chat_id")]
    public string ChatId { get; init; } = string.Empty;

    /// <summary>Why the group was not moved.</summary>
    [JsonPropertyName("errcode")]
    public int ErrCode { get; init; }

    /// <summary>WeCom's text for <see cref="ErrCode"/>.</summary>
    [JsonPropertyName("errmsg")]
    public string? ErrMsg { get; init; }
}
