using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// <c>POST /cgi-bin/externalcontact/groupchat/list</c> — 获取客户群列表. Without an owner filter and with app
/// visibility above 1000 people WeCom answers 81017.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/93414"/></remarks>
public sealed record ExternalContactGroupChatListRequest
{
    /// <summary>Which groups by succession status; 0 all (default).</summary>
    [JsonPropertyName("status_filter")]
    public ExternalContactGroupChatStatusFilter? StatusFilter { get; init; }

    /// <summary>Only groups owned by these members.</summary>
    [JsonPropertyName("owner_filter")]
    public ExternalContactGroupChatListOwnerFilter? OwnerFilter { get; init; }

    /// <summary>Cursor from the previous page; null or empty for the first page.</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }

    /// <summary>Page size, 1–1000.</summary>
    [JsonPropertyName("limit")]
    public int Limit { get; init; } = 1000;
}

/// <summary>The <c>owner_filter</c> of <see cref="ExternalContactGroupChatListRequest"/>.</summary>
public sealed record ExternalContactGroupChatListOwnerFilter
{
    /// <summary>Owner userids (≤ 100).</summary>
    [JsonPropertyName("userid_list")]
    public IReadOnlyList<string> UserIdList { get; init => field = value ?? []; } = [];
}

/// <summary>Response of <c>/cgi-bin/externalcontact/groupchat/list</c>.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/93414"/></remarks>
public sealed record ExternalContactGroupChatListResponse : WeComResponse
{
    /// <summary>The page's groups.</summary>
    [JsonPropertyName("group_chat_list")]
    public IReadOnlyList<ExternalContactGroupChatListItem> GroupChatList { get; init => field = value ?? []; } = [];

    /// <summary>Cursor of the next page; empty on the last page.</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; init; }
}

/// <summary>One row of <see cref="ExternalContactGroupChatListResponse.GroupChatList"/>.</summary>
public sealed record ExternalContactGroupChatListItem
{
    /// <summary>Group chat id.</summary>
    [JsonPropertyName("chat_id")]
    public string ChatId { get; init; } = string.Empty;

    /// <summary>Succession status of the group.</summary>
    [JsonPropertyName("status")]
    public ExternalContactGroupChatStatus Status { get; init; }
}

/// <summary>A group chat's <c>status</c>; serialized as WeCom's number.</summary>
public enum ExternalContactGroupChatStatus
{
    /// <summary>0 跟进人正常: owner is active.</summary>
    Normal = 0,

    /// <summary>1 跟进人离职: owner resigned, not yet inherited.</summary>
    OwnerResigned = 1,

    /// <summary>2 离职继承中: inheritance in progress.</summary>
    Inheriting = 2,

    /// <summary>3 离职继承完成: inherited.</summary>
    Inherited = 3,
}

/// <summary>The request's <c>status_filter</c>; serialized as WeCom's number.</summary>
public enum ExternalContactGroupChatStatusFilter
{
    /// <summary>0: all groups.</summary>
    All = 0,

    /// <summary>1 离职待继承: owner resigned, not yet inherited.</summary>
    OwnerResigned = 1,

    /// <summary>2 离职继承中.</summary>
    Inheriting = 2,

    /// <summary>3 离职继承完成.</summary>
    Inherited = 3,
}
