using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/resigned/transfer_customer</c> — 分配离职成员的客户. Not idempotent: the
/// client never re-sends it blindly. Per-customer errcode 0 only means the 24 h takeover has started.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/94081"/></remarks>
public sealed record ExternalContactResignedTransferCustomerRequest
{
    /// <summary>The resigned member.</summary>
    [JsonPropertyName("handover_userid")]
    public string HandoverUserId { get; init; } = string.Empty;

    /// <summary>The successor.</summary>
    [JsonPropertyName("takeover_userid")]
    public string TakeoverUserId { get; init; } = string.Empty;

    /// <summary>Customers to move (≤ 100 per call).</summary>
    [JsonPropertyName("external_userid")]
    public IReadOnlyList<string> ExternalUserId { get; init => field = value ?? []; } = [];
}

/// <summary>Response of <c>/cgi-bin/externalcontact/resigned/transfer_customer</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/94081"/></remarks>
public sealed record ExternalContactResignedTransferCustomerResponse : WeComResponse
{
    /// <summary>Per-customer results; per-item errcodes are data, not exceptions.</summary>
    [JsonPropertyName("customer")]
    public IReadOnlyList<ExternalContactTransferCustomerItem> Customer { get; init => field = value ?? []; } = [];
}

/// <summary>
/// Per-customer result of <c>resigned/transfer_customer</c> and <c>transfer_customer</c>. Classify
/// <see cref="ErrCode"/> with <see cref="Errors.WeComErrorCodes.Classify(int)"/>.
/// </summary>
public sealed record ExternalContactTransferCustomerItem
{
    /// <summary>The customer.</summary>
    [JsonPropertyName("external_userid")]
    public string ExternalUserId { get; init; } = string.Empty;

    /// <summary>0 = hand-over started (not final); otherwise why this customer was not moved.</summary>
    [JsonPropertyName("errcode")]
    public int ErrCode { get; init; }
}
