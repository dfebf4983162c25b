using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/transfer_result</c> — 查询客户接替状态 (on-job). Same shape as the resigned
/// variant; status 5 means no transfer record.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/94097"/></remarks>
public sealed record ExternalContactTransferResultRequest
{
    /// <summary>The original member.</summary>
    [JsonPropertyName("handover_userid")]
    public string HandoverUserId { get; init; } = string.Empty;

    /// <summary>The successor.</summary>
    [JsonPropertyName("takeover_userid")]
    public string TakeoverUserId { get; init; } = string.Empty;

    /// <summary>Cursor from the previous page; null or empty for the first page.</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/transfer_result</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/94097"/></remarks>
public sealed record ExternalContactTransferResultResponse : WeComResponse
{
    /// <summary>Status per customer.</summary>
    [JsonPropertyName("customer")]
    public IReadOnlyList<ExternalContactTransferResultItem> Customer { get; init => field = value ?? []; } = [];

    /// <summary>Cursor of the next page; empty on the last page.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }
}
