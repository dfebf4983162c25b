using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// The fields every WeCom API response carries. <c>errcode</c> 0 means success; the code, never the
/// message, decides what happens next (see <see cref="Errors.WeComErrorCodes"/>).
/// </summary>
/// <seealso href="https://developer.work.weixin.qq.com/document/path/90313"/>
public abstract record WeComResponse
{
    /// <summary>Call-level error code; 0 = success.</summary>
    [JsonPropertyName("errcode")]
    public int ErrCode { get; init; }

    /// <summary>Human-readable error text ("ok" on success). Informational only.</summary>
    [JsonPropertyName("errmsg")]
    public string? ErrMsg { get; init; }
}
