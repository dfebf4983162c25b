using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/user/list_id</c> — 获取成员ID列表. Works only with the 通讯录同步 secret.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96067"/></remarks>
public sealed record CgibinUserListIdRequest
{
    /// <summary>Cursor from the previous page; null or empty for the first page.</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }

    /// <summary>Page size, 1–10000.</summary>
    [JsonPropertyName("limit")]
    public int? Limit { get; init; }
}

/// <summary>Response of <c>/cgi-bin/user/list_id</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96067"/></remarks>
public sealed record CgibinUserListIdResponse : WeComResponse
{
    /// <summary>Cursor of the next page; empty on the last page.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }

    /// <summary>One row per (member, department).</summary>
    [JsonPropertyName("dept_user")]
    public IReadOnlyList<CgibinUserListIdItem> DeptUser { get; init => field = value ?? []; } = [];
}

/// <summary>One row of <see cref="CgibinUserListIdResponse.DeptUser"/>.</summary>
public sealed record CgibinUserListIdItem
{
    /// <summary>Member userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;

    /// <summary>Third-party open userid, when applicable.</summary>
    [JsonPropertyName("open_userid")]
    public string? OpenUserId { get; init; }

    /// <summary>Department id of this row.</summary>
    [JsonPropertyName("department")]
    public long Department { get; init; }
}
