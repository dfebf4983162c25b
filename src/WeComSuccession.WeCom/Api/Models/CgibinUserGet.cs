using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary><c>GET /cgi-bin/user/get?userid=</c> — 读取成员. Sent as query parameters.</summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/90196"/></remarks>
public sealed record CgibinUserGetRequest
{
    /// <summary>The member's userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;
}

/// <summary>
/// Response of <c>/cgi-bin/user/get</c>. Apps created after 2022-06-20 no longer receive avatar, gender,
/// mobile, email, biz_mail, qr_code and address; those fields are then absent.
/// </summary>
/// <remarks>WeCom doc: <see href="https://developer.work.weixin.qq.com/document/path/90196"/></remarks>
public sealed record CgibinUserGetResponse : WeComResponse
{
    /// <summary>Member userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = string.Empty;

    /// <summary>Display name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Department ids the member belongs to.</summary>
    [JsonPropertyName("department")]
    public IReadOnlyList<long> Department { get; init => field = value ?? []; } = [];

    /// <summary>Sort order within each department of <see cref="Department"/>.</summary>
    [JsonPropertyName("order")]
    public IReadOnlyList<long>? Order { get; init; }

    /// <summary>Job title.</summary>
    [JsonPropertyName("position")]
    public string? Position { get; init; }

    /// <summary>Mobile number (old apps only).</summary>
    [JsonPropertyName("mobile")]
    public string? Mobile { get; init; }

    /// <summary>Gender: "0" unknown, "1" male, "2" female (old apps only).</summary>
    [JsonPropertyName("gender")]
    public string? Gender { get; init; }

    /// <summary>E-mail (old apps only).</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>Corporate mailbox (old apps only).</summary>
    [JsonPropertyName("biz_mail")]
    public string? BizMail { get; init; }

    /// <summary>Per department of <see cref="Department"/>: 1 if the member leads it, else 0.</summary>
    [JsonPropertyName("is_leader_in_dept")]
    public IReadOnlyList<int>? IsLeaderInDept { get; init; }

    /// <summary>Direct leaders' userids.</summary>
    [JsonPropertyName("direct_leader")]
    public IReadOnlyList<string>? DirectLeader { get; init; }

    /// <summary>Avatar URL (old apps only).</summary>
    [JsonPropertyName("avatar")]
    public string? Avatar { get; init; }

    /// <summary>Avatar thumbnail URL (old apps only).</summary>
    [JsonPropertyName("thumb_avatar")]
    public string? ThumbAvatar { get; init; }

    /// <summary>Landline.</summary>
    [JsonPropertyName("telephone")]
    public string? Telephone { get; init; }

    /// <summary>Alias.</summary>
    [JsonPropertyName("alias")]
    public string? Alias { get; init; }

    /// <summary>Address (old apps only).</summary>
    [JsonPropertyName("address")]
    public string? Address { get; init; }

    /// <summary>Globally unique id for third-party apps.</summary>
    [JsonPropertyName("open_userid")]
    public string? OpenUserId { get; init; }

    /// <summary>Main department id.</summary>
    [JsonPropertyName("main_department")]
    public long? MainDepartment { get; init; }

    /// <summary>1 已激活 active, 2 已禁用 disabled, 4 未激活 not activated, 5 退出企业 quit.</summary>
    [JsonPropertyName("status")]
    public int Status { get; init; }

    /// <summary>Personal QR code URL (old apps only).</summary>
    [JsonPropertyName("qr_code")]
    public string? QrCode { get; init; }

    /// <summary>Title shown to external contacts.</summary>
    [JsonPropertyName("external_position")]
    public string? ExternalPosition { get; init; }
}
