using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary><c>POST /cgi-bin/externalcontact/batch/get_by_user</c> — 批量获取客户详情.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96316"/></remarks>
public sealed record ExternalContactBatchGetByUserRequest
{
    /// <summary>Members whose customers are read (≤ 100).</summary>
    [JsonPropertyName("userid_list")]
    public IReadOnlyList<string> UserIdList { get; init => field = value ?? []; } = [];

    /// <summary>Cursor from the previous page; null or empty for the first page.</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }

    /// <summary>Page size, max 100 (default 50).</summary>
    [JsonPropertyName("limit")]
    public int? Limit { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/batch/get_by_user</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96316"/></remarks>
public sealed record ExternalContactBatchGetByUserResponse : WeComResponse
{
    /// <summary>One entry per (customer, follower).</summary>
    [JsonPropertyName("external_contact_list")]
    public IReadOnlyList<ExternalContactBatchGetByUserItem> ExternalContactList { get; init => field = value ?? []; } = [];

    /// <summary>Cursor of the next page; empty on the last page.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }

    /// <summary>Members that could not be read.</summary>
    [JsonPropertyName("fail_info")]
    public ExternalContactBatchGetByUserFailInfo? FailInfo { get; init; }
}

/// <summary>One entry of <see cref="ExternalContactBatchGetByUserResponse.ExternalContactList"/>.</summary>
public sealed record ExternalContactBatchGetByUserItem
{
    /// <summary>The customer.</summary>
    [JsonPropertyName("external_contact")]
    public ExternalContactInfo ExternalContact { get; init; } = new();

    /// <summary>The requesting member's relation to the customer.</summary>
    [JsonPropertyName("follow_info")]
    public ExternalContactBatchGetByUserFollowInfo FollowInfo { get; init; } = new();
}

/// <summary>The <c>follow_info</c> of a batch entry (tags as ids only).</summary>
public sealed record ExternalContactBatchGetByUserFollowInfo
{
    /// <summary>Member userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;

    /// <summary>The member's remark for the customer.</summary>
    [JsonPropertyName("remark")]
    public string? Remark { get; init; }

    /// <summary>The member's description of the customer.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Unix seconds when the member added the customer.</summary>
    [JsonPropertyName("createtime")]
    public long CreateTime { get; init; }

    /// <summary>Corp tag ids.</summary>
    [JsonPropertyName("tag_id")]
    public IReadOnlyList<string>? TagId { get; init; }

    /// <summary>Remarked company name.</summary>
    [JsonPropertyName("remark_corp_name")]
    public string? RemarkCorpName { get; init; }

    /// <summary>Remarked mobile numbers.</summary>
    [JsonPropertyName("remark_mobiles")]
    public IReadOnlyList<string>? RemarkMobiles { get; init; }

    /// <summary>Who initiated the relation.</summary>
    [JsonPropertyName("oper_userid")]
    public string? OperUserId { get; init; }

    /// <summary>How the customer was added; 202 = assigned by admin/leader.</summary>
    [JsonPropertyName("add_way")]
    public int AddWay { get; init; }

    /// <summary>The "state" of the contact-me link used, if any.</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }
}

/// <summary>The <c>fail_info</c> of a batch response.</summary>
public sealed record ExternalContactBatchGetByUserFailInfo
{
    /// <summary>Requested members without a 客户联系 licence.</summary>
    [JsonPropertyName("unlicensed_userid_list")]
    public IReadOnlyList<string>? UnlicensedUserIdList { get; init; }
}
