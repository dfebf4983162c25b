using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>GET /cgi-bin/gettoken?corpid=&amp;corpsecret=</c> — 获取access_token. Sent as query parameters.
/// The client fetches and caches tokens itself; this type exists for simulators and diagnostics.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/91039"/></remarks>
public sealed record CgibinGetTokenRequest
{
    /// <summary>Corp id (企业ID).</summary>
    [JsonPropertyName("corpid")]
    public string CorpId { get; init; } = string.Empty;

    /// <summary>The app secret. Never log this record's value.</summary>
    [JsonPropertyName("corpsecret")]
    public string CorpSecret { get; init; } = string.Empty;

    /// <summary>Redacts the secret so that a logged request cannot leak it.</summary>
    public override string ToString() => $"{nameof(CgibinGetTokenRequest)} {{ CorpId = {CorpId}, CorpSecret = *** }}";
}

/// <summary>Response of <c>/cgi-bin/gettoken</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/91039"/></remarks>
public sealed record CgibinGetTokenResponse : WeComResponse
{
    /// <summary>The access token (≤ 512 bytes). Never log it.</summary>
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    /// <summary>Lifetime in seconds, normally 7200.</summary>
    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    /// <summary>Redacts the token so that a logged response cannot leak it.</summary>
    public override string ToString() => $"{nameof(CgibinGetTokenResponse)} {{ ErrCode = {ErrCode}, ExpiresIn = {ExpiresIn}, AccessToken = *** }}";
}
