using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary><c>GET /cgi-bin/externalcontact/list?userid=</c> — 获取客户列表. Sent as query parameters.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96314"/></remarks>
public sealed record ExternalContactListRequest
{
    /// <summary>The member whose customers are listed.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;
}

/// <summary>Response of <c>/cgi-bin/externalcontact/list</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96314"/></remarks>
public sealed record ExternalContactListResponse : WeComResponse
{
    /// <summary>External userids of the member's customers.</summary>
    [JsonPropertyName("external_userid")]
    public IReadOnlyList<string> ExternalUserId { get; init => field = value ?? []; } = [];
}
