using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>GET /cgi-bin/department/list?id=</c> — 获取部门列表: every department below <see cref="Id"/> (all when null),
/// with its name where the app may read it. Slower than simplelist for a large corp; one call either way.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/90208"/></remarks>
public sealed record CgibinDepartmentListRequest
{
    /// <summary>Root department id; null lists every department the token can see.</summary>
    [JsonPropertyName("id")]
    public long? Id { get; init; }
}

/// <summary>Response of <c>/cgi-bin/department/list</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/90208"/></remarks>
public sealed record CgibinDepartmentListResponse : WeComResponse
{
    /// <summary>The departments.</summary>
    [JsonPropertyName("department")]
    public IReadOnlyList<CgibinDepartmentListItem> Department { get; init => field = value ?? []; } = [];
}

/// <summary>One department of <see cref="CgibinDepartmentListResponse.Department"/>.</summary>
public sealed record CgibinDepartmentListItem
{
    /// <summary>Department id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>Name; absent where WeCom no longer returns names to the app (then the service shows the id).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Parent department id (0 for the root).</summary>
    [JsonPropertyName("parentid")]
    public long ParentId { get; init; }

    /// <summary>Sort order within the parent.</summary>
    [JsonPropertyName("order")]
    public long Order { get; init; }
}
