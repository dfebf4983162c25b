using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary><c>POST /cgi-bin/externalcontact/groupchat/get</c> — 获取客户群详情. Data may lag a change event.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96338"/></remarks>
public sealed record ExternalContactGroupChatGetRequest
{
    /// <summary>Group chat id.</summary>
    [JsonPropertyName("chat_id")]
    public string ChatId { get; init; } = string.Empty;

    /// <summary>1 to return members' names.</summary>
    [JsonPropertyName("need_name")]
    public int? NeedName { get; init; }
}

/// <summary>Response of <c>/cgi-bin/externalcontact/groupchat/get</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/96338"/></remarks>
public sealed record ExternalContactGroupChatGetResponse : WeComResponse
{
    /// <summary>The group.</summary>
    [JsonPropertyName("group_chat")]
    public ExternalContactGroupChat? GroupChat { get; init; }
}

/// <summary>The <c>group_chat</c> object.</summary>
public sealed record ExternalContactGroupChat
{
    /// <summary>Group chat id.</summary>
    [JsonPropertyName("chat_id")]
    public string ChatId { get; init; } = string.Empty;

    /// <summary>Group name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Owner's userid.</summary>
    [JsonPropertyName("owner")]
    public string Owner { get; init; } = string.Empty;

    /// <summary>Unix seconds of creation.</summary>
    [JsonPropertyName("create_time")]
    public long CreateTime { get; init; }

    /// <summary>Group notice.</summary>
    [JsonPropertyName("notice")]
    public string? Notice { get; init; }

    /// <summary>Members.</summary>
    [JsonPropertyName("member_list")]
    public IReadOnlyList<ExternalContactGroupChatMember> MemberList { get; init => field = value ?? []; } = [];

    /// <summary>Group admins.</summary>
    [JsonPropertyName("admin_list")]
    public IReadOnlyList<ExternalContactGroupChatAdmin>? AdminList { get; init; }

    /// <summary>Opaque member-list version.</summary>
    [JsonPropertyName("member_version")]
    public string? MemberVersion { get; init; }
}

/// <summary>One member of <see cref="ExternalContactGroupChat.MemberList"/>.</summary>
public sealed record ExternalContactGroupChatMember
{
    /// <summary>Member userid or external userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;

    /// <summary>1 corp member, 2 external contact.</summary>
    [JsonPropertyName("type")]
    public int Type { get; init; }

    /// <summary>WeChat unionid of an external WeChat member, when available.</summary>
    [JsonPropertyName("unionid")]
    public string? UnionId { get; init; }

    /// <summary>Unix seconds of joining.</summary>
    [JsonPropertyName("join_time")]
    public long JoinTime { get; init; }

    /// <summary>1 invited directly, 2 invited by link, 3 scanned the group QR code.</summary>
    [JsonPropertyName("join_scene")]
    public int JoinScene { get; init; }

    /// <summary>Who invited the member.</summary>
    [JsonPropertyName("invitor")]
    public ExternalContactGroupChatInvitor? Invitor { get; init; }

    /// <summary>Nickname in this group.</summary>
    [JsonPropertyName("group_nickname")]
    public string? GroupNickname { get; init; }

    /// <summary>Name (with need_name=1).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}

/// <summary>The <c>invitor</c> of a group member.</summary>
public sealed record ExternalContactGroupChatInvitor
{
    /// <summary>Inviting member's userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;
}

/// <summary>One admin of <see cref="ExternalContactGroupChat.AdminList"/>.</summary>
public sealed record ExternalContactGroupChatAdmin
{
    /// <summary>Admin's userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;
}
