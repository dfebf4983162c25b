using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary><c>GET /cgi-bin/department/simplelist?id=</c> — 获取子部门ID列表. Sent as query parameters.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/95406"/></remarks>
public sealed record CgibinDepartmentSimpleListRequest
{
    /// <summary>Root department id; null lists every department the token can see.</summary>
    [JsonPropertyName("id")]
    public long? Id { get; init; }
}

/// <summary>Response of <c>/cgi-bin/department/simplelist</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/95406"/></remarks>
public sealed record CgibinDepartmentSimpleListResponse : WeComResponse
{
    /// <summary>Departments, recursively below the requested one.</summary>
    [JsonPropertyName("department_id")]
    public IReadOnlyList<CgibinDepartmentSimpleListItem> DepartmentId { get; init => field = value ?? []; } = [];
}

/// <summary>One department in <see cref="CgibinDepartmentSimpleListResponse.DepartmentId"/>.</summary>
public sealed record CgibinDepartmentSimpleListItem
{
    /// <summary>Department id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>Parent department id (0 for the root).</summary>
    [JsonPropertyName("parentid")]
    public long ParentId { get; init; }

    /// <summary>Sort order within the parent.</summary>
    [JsonPropertyName("order")]
    public long Order { get; init; }
}
