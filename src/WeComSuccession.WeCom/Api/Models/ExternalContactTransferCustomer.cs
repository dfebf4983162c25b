using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/transfer_customer</c> — 分配在职成员的客户 (on-job). Not idempotent; each
/// customer can be moved at most twice per 90 natural days (40128).
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96325"/></remarks>
public sealed record ExternalContactTransferCustomerRequest
{
    /// <summary>The current (on-job) member.</summary>
    [JsonPropertyName("handover_userid")]
    public string HandoverUserId { get; init; } = string.Empty;

    /// <summary>The successor.</summary>
    [JsonPropertyName("takeover_userid")]
    public string TakeoverUserId { get; init; } = string.Empty;

    /// <summary>Customers to move (≤ 100 per call).</summary>
    [JsonPropertyName("external_userid")]
    public IReadOnlyList<string> ExternalUserId { get; init => field = value ?? []; } = [];

    /// <summary>Message shown to the customer on success (≤ 200 chars); WeCom's default text when null.</summary>
    [JsonPropertyName("transfer_success_msg")]
    public string? TransferSuccessMsg { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/transfer_customer</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96325"/></remarks>
public sealed record ExternalContactTransferCustomerResponse : WeComResponse
{
    /// <summary>Per-customer results; per-item errcodes are data, not exceptions.</summary>
    [JsonPropertyName("customer")]
    public IReadOnlyList<ExternalContactTransferCustomerItem> Customer { get; init => field = value ?? []; } = [];
}
