using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>GET /cgi-bin/externalcontact/get?external_userid=&amp;cursor=</c> — 获取客户详情. Sent as query parameters.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92114"/></remarks>
public sealed record ExternalContactGetRequest
{
    /// <summary>The customer's external userid.</summary>
    [JsonPropertyName("external_userid")]
    public string ExternalUserId { get; init; } = string.Empty;

    /// <summary>Cursor for follow_user when the customer has more than 500 followers.</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/get</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/92114"/></remarks>
public sealed record ExternalContactGetResponse : WeComResponse
{
    /// <summary>The customer.</summary>
    [JsonPropertyName("external_contact")]
    public ExternalContactInfo? ExternalContact { get; init; }

    /// <summary>Members following the customer (only those visible to the app).</summary>
    [JsonPropertyName("follow_user")]
    public IReadOnlyList<ExternalContactFollowUser> FollowUser { get; init => field = value ?? []; } = [];

    /// <summary>Cursor for the next follow_user page; absent or empty when complete.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }
}

/// <summary>The <c>external_contact</c> object shared by <c>get</c> and <c>batch/get_by_user</c>.</summary>
public sealed record ExternalContactInfo
{
    /// <summary>External userid.</summary>
    [JsonPropertyName("external_userid")]
    public string ExternalUserId { get; init; } = string.Empty;

    /// <summary>Name (WeChat nickname or WeCom name).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Job title (WeCom users only).</summary>
    [JsonPropertyName("position")]
    public string? Position { get; init; }

    /// <summary>Avatar URL.</summary>
    [JsonPropertyName("avatar")]
    public string? Avatar { get; init; }

    /// <summary>Company short name (WeCom users only).</summary>
    [JsonPropertyName("corp_name")]
    public string? CorpName { get; init; }

    /// <summary>Company full name (WeCom users only).</summary>
    [JsonPropertyName("corp_full_name")]
    public string? CorpFullName { get; init; }

    /// <summary>1 WeChat user, 2 WeCom user.</summary>
    [JsonPropertyName("type")]
    public int Type { get; init; }

    /// <summary>0 unknown, 1 male, 2 female.</summary>
    [JsonPropertyName("gender")]
    public int Gender { get; init; }

    /// <summary>WeChat unionid, when the corp has a bound open-platform account.</summary>
    [JsonPropertyName("unionid")]
    public string? UnionId { get; init; }
}

/// <summary>One follower entry of <see cref="ExternalContactGetResponse.FollowUser"/>.</summary>
public sealed record ExternalContactFollowUser
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

    /// <summary>Tags the member put on the customer.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<ExternalContactFollowUserTag>? Tags { get; init; }

    /// <summary>Remarked company name.</summary>
    [JsonPropertyName("remark_corp_name")]
    public string? RemarkCorpName { get; init; }

    /// <summary>Remarked mobile numbers.</summary>
    [JsonPropertyName("remark_mobiles")]
    public IReadOnlyList<string>? RemarkMobiles { get; init; }

    /// <summary>Who initiated the relation (member userid, or the customer's external userid).</summary>
    [JsonPropertyName("oper_userid")]
    public string? OperUserId { get; init; }

    /// <summary>How the customer was added; 202 = assigned by admin/leader (e.g. a succession).</summary>
    [JsonPropertyName("add_way")]
    public int AddWay { get; init; }

    /// <summary>The "state" of the contact-me link used, if any.</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }
}

/// <summary>A tag on a <see cref="ExternalContactFollowUser"/>.</summary>
public sealed record ExternalContactFollowUserTag
{
    /// <summary>Tag group name (corp tags).</summary>
    [JsonPropertyName("group_name")]
    public string? GroupName { get; init; }

    /// <summary>Tag name.</summary>
    [JsonPropertyName("tag_name")]
    public string? TagName { get; init; }

    /// <summary>Tag id (corp tags).</summary>
    [JsonPropertyName("tag_id")]
    public string? TagId { get; init; }

    /// <summary>1 corp tag, 2 personal tag, 3 rule-group tag.</summary>
    [JsonPropertyName("type")]
    public int Type { get; init; }
}
