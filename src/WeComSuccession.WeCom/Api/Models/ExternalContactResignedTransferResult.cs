using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/resigned/transfer_result</c> — 查询客户接替状态 (resigned). Results are
/// keyed only by (handover, takeover, external_userid).
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96333"/></remarks>
public sealed record ExternalContactResignedTransferResultRequest
{
    /// <summary>The resigned member.</summary>
    [JsonPropertyName("handover_userid")]
    public string HandoverUserId { get; init; } = string.Empty;

    /// <summary>The successor.</summary>
    [JsonPropertyName("takeover_userid")]
    public string TakeoverUserId { get; init; } = string.Empty;

    /// <summary>Cursor from the previous page; null or empty for the first page (≤ 1000 rows per page).</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/resigned/transfer_result</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96333"/></remarks>
public sealed record ExternalContactResignedTransferResultResponse : WeComResponse
{
    /// <summary>Status per customer.</summary>
    [JsonPropertyName("customer")]
    public IReadOnlyList<ExternalContactTransferResultItem> Customer { get; init => field = value ?? []; } = [];

    /// <summary>Cursor of the next page; empty on the last page.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }
}

/// <summary>One row of a <c>transfer_result</c> response (resigned and on-job).</summary>
public sealed record ExternalContactTransferResultItem
{
    /// <summary>The customer.</summary>
    [JsonPropertyName("external_userid")]
    public string ExternalUserId { get; init; } = string.Empty;

    /// <summary>接替状态: 1 done, 2 waiting, 3 refused, 4 takeover at limit, 5 no record (on-job only).</summary>
    [JsonPropertyName("status")]
    public ExternalContactTransferStatus Status { get; init; }

    /// <summary>Unix seconds of the takeover; for <see cref="ExternalContactTransferStatus.Waiting"/> the future automatic takeover time.</summary>
    [JsonPropertyName("takeover_time")]
    public long TakeoverTime { get; init; }
}

/// <summary>The <c>status</c> of a <see cref="ExternalContactTransferResultItem"/>; serialized as WeCom's number.</summary>
public enum ExternalContactTransferStatus
{
    /// <summary>Not a WeCom value; what a missing or unknown status reads as.</summary>
    Unknown = 0,

    /// <summary>1 接替完毕: the successor has the customer.</summary>
    Completed = 1,

    /// <summary>2 等待接替: waiting for the automatic takeover at takeover_time.</summary>
    Waiting = 2,

    /// <summary>3 客户拒绝: the customer refused.</summary>
    CustomerRefused = 3,

    /// <summary>4 接替成员客户达到上限: the successor has too many customers.</summary>
    TakeoverLimitReached = 4,

    /// <summary>5 无接替记录: no transfer record (on-job variant only).</summary>
    NoTransferRecord = 5,
}
