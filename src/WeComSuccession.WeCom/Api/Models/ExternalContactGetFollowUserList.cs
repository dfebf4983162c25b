using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>GET /cgi-bin/externalcontact/get_follow_user_list</c> — 获取配置了客户联系功能的成员列表. No parameters
/// besides the token; only members in the app's visibility are returned.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92571"/></remarks>
public sealed record ExternalContactGetFollowUserListRequest;

/// <summary>Response of <c>/cgi-bin/externalcontact/get_follow_user_list</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92571"/></remarks>
public sealed record ExternalContactGetFollowUserListResponse : WeComResponse
{
    /// <summary>Userids of members with 客户联系 enabled.</summary>
    [JsonPropertyName("follow_user")]
    public IReadOnlyList<string> FollowUser { get; init => field = value ?? []; } = [];
}
