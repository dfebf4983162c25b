using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>GET /cgi-bin/auth/getuserinfo?code=</c> — 获取访问用户身份 (OAuth2 code → identity). The code is
/// single-use and expires after 5 minutes (40029 / 42003). Sent as query parameters.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96442"/></remarks>
public sealed record CgibinAuthGetUserInfoRequest
{
    /// <summary>The OAuth2 code from the redirect.</summary>
    [JsonPropertyName("code")]
    public string Code { get; init; } = string.Empty;
}

/// <summary>
/// Response of <c>/cgi-bin/auth/getuserinfo</c>: <see cref="UserId"/> for a member; <see cref="OpenId"/>
/// (and maybe <see cref="ExternalUserId"/>) for a non-member.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96442"/></remarks>
public sealed record CgibinAuthGetUserInfoResponse : WeComResponse
{
    /// <summary>Member userid, when the visitor is a member.</summary>
    [JsonPropertyName("userid")]
    public string? UserId { get; init; }

    /// <summary>Ticket for <c>auth/getuserdetail</c> (snsapi_privateinfo only; valid 1800 s).</summary>
    [JsonPropertyName("user_ticket")]
    public string? UserTicket { get; init; }

    /// <summary>Visitor's openid, when the visitor is not a member.</summary>
    [JsonPropertyName("openid")]
    public string? OpenId { get; init; }

    /// <summary>External userid, when the non-member visitor is a customer of a visible member.</summary>
    [JsonPropertyName("external_userid")]
    public string? ExternalUserId { get; init; }
}
