using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/groupchat/onjob_transfer</c> — 分配在职成员的客户群. Not idempotent; each
/// group can be moved at most twice per 90 natural days.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/95703"/></remarks>
public sealed record ExternalContactGroupChatOnJobTransferRequest
{
    /// <summary>Groups to move (1–100).</summary>
    [JsonPropertyName("chat_id_list")]
    public IReadOnlyList<string> ChatIdList { get; init => field = value ?? []; } = [];

    /// <summary>The new owner.</summary>
    [JsonPropertyName("new_owner")]
    public string NewOwner { get; init; } = string.Empty;
}

/// <summary>Response of <c>/cgi-bin/externalcontact/groupchat/onjob_transfer</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/95703"/></remarks>
public sealed record ExternalContactGroupChatOnJobTransferResponse : WeComResponse
{
    /// <summary>Only the groups that failed; per-item errcodes are data, not exceptions.</summary>
    [JsonPropertyName("failed_chat_list")]
    public IReadOnlyList<ExternalContactGroupChatTransferFailedItem> FailedChatList { get; init => field = value ?? []; } = [];
}
