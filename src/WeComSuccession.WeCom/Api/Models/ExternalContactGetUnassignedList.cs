using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/get_unassigned_list</c> — 获取待分配的离职成员列表. Lists resigned members'
/// customers that are not assigned yet; members with only group chats are not listed.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92124"/></remarks>
public sealed record ExternalContactGetUnassignedListRequest
{
    /// <summary>Legacy 0-based page number; not needed when <see cref="Cursor"/> is used.</summary>
    [JsonPropertyName("page_id")]
    public int? PageId { get; init; }

    /// <summary>Cursor from the previous page; null or empty for the first page.</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }

    /// <summary>Page size, default and max 1000.</summary>
    [JsonPropertyName("page_size")]
    public int? PageSize { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/get_unassigned_list</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92124"/></remarks>
public sealed record ExternalContactGetUnassignedListResponse : WeComResponse
{
    /// <summary>Unassigned (resigned member, customer) pairs.</summary>
    [JsonPropertyName("info")]
    public IReadOnlyList<ExternalContactGetUnassignedListItem> Info { get; init => field = value ?? []; } = [];

    /// <summary>True on the last page.</summary>
    [JsonPropertyName("is_last")]
    public bool IsLast { get; init; }

    /// <summary>Cursor of the next page; empty when finished (absent when paging by page_id).</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }
}

/// <summary>One row of <see cref="ExternalContactGetUnassignedListResponse.Info"/>.</summary>
public sealed record ExternalContactGetUnassignedListItem
{
    /// <summary>The resigned member.</summary>
    [JsonPropertyName("handover_userid")]
    public string HandoverUserId { get; init; } = string.Empty;

    /// <summary>The unassigned customer.</summary>
    [JsonPropertyName("external_userid")]
    public string ExternalUserId { get; init; } = string.Empty;

    /// <summary>Unix seconds when the member left.</summary>
    [JsonPropertyName("dimission_time")]
    public long DimissionTime { get; init; }
}
