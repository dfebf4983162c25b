using System.Globalization;

namespace WeComSuccession.WeCom.Events;

/// <summary>The elements every callback event carries.</summary>
/// <param name="CorpId">ToUserName: the CorpID.</param>
/// <param name="FromUserName">FromUserName: always <c>sys</c> for system events.</param>
/// <param name="CreateTime">CreateTime in unix seconds.</param>
/// <param name="Event">The Event element, e.g. <c>change_contact</c>.</param>
/// <param name="ChangeType">The ChangeType element, when the event has one.</param>
/// <param name="AgentId">AgentID, when the callback concerns one app.</param>
public sealed record CallbackHeader(string CorpId, string FromUserName, long CreateTime, string Event, string? ChangeType, string? AgentId);

/// <summary>
/// A decrypted callback event; the Event/ChangeType pair selects the concrete record.
/// </summary>
/// <seealso href="https://developer.work.weixin.qq.com/document/path/90970"/>
public abstract record CallbackEvent(CallbackHeader Header)
{
    /// <summary>The ids this event is about (user, new user, external user, chat, task...), in a fixed order.</summary>
    protected abstract IEnumerable<string?> Ids { get; }

    /// <summary>
    /// A hash of the whole decrypted message (set by <see cref="CallbackEventParser"/>): WeCom's retries repeat
    /// the message exactly, while two different events of one member in the same second differ in it.
    /// </summary>
    public string ContentHash { get; init; } = "";

    /// <summary>
    /// Identifies one event across WeCom's retries: corp, event, change type, CreateTime, the ids in the
    /// message, and <see cref="ContentHash"/>. FromUserName is always <c>sys</c> and system events have no MsgId,
    /// so "FromUserName + CreateTime" alone would merge two members deleted in the same second; the ids alone
    /// would merge two different changes of one member in one second (a rename, then a move).
    /// </summary>
    public string DedupeKey => string.Join('|',
        new[] { Header.CorpId, Header.Event, Header.ChangeType ?? "", Header.CreateTime.ToString(CultureInfo.InvariantCulture) }
            .Concat(Ids.Select(id => id ?? ""))
            .Append(ContentHash));
}

/// <summary>Fields of <c>create_user</c> and <c>update_user</c>; an update may carry only the changed ones.</summary>
/// <param name="UserId">UserID.</param>
/// <param name="NewUserId">NewUserID, when the userid itself changed.</param>
/// <param name="Name">Name.</param>
/// <param name="Departments">Department ids.</param>
/// <param name="MainDepartment">MainDepartment.</param>
/// <param name="IsLeaderInDept">IsLeaderInDept, one flag per department, in the order of <paramref name="Departments"/>.</param>
/// <param name="DirectLeaders">DirectLeader userids.</param>
/// <param name="Position">Position.</param>
/// <param name="Status">Status: 1 active, 2 disabled, 4 not activated, 5 quit. Often absent: re-read with user/get.</param>
public sealed record ContactUserFields(
    string UserId,
    string? NewUserId,
    string? Name,
    IReadOnlyList<long> Departments,
    long? MainDepartment,
    IReadOnlyList<bool> IsLeaderInDept,
    IReadOnlyList<string> DirectLeaders,
    string? Position,
    int? Status);

/// <summary><c>change_contact/create_user</c>.</summary>
public sealed record UserCreatedEvent(CallbackHeader Header, ContactUserFields User) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [User.UserId];
}

/// <summary><c>change_contact/update_user</c>: Status 2 means disabled.</summary>
public sealed record UserUpdatedEvent(CallbackHeader Header, ContactUserFields User) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [User.UserId, User.NewUserId];
}

/// <summary><c>change_contact/delete_user</c>: the member left.</summary>
public sealed record UserDeletedEvent(CallbackHeader Header, string UserId) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [UserId];
}

/// <summary>A <c>change_external_contact</c> event: a member (for transfer_fail, the takeover) and a customer.</summary>
public abstract record ExternalContactEvent(CallbackHeader Header, string UserId, string ExternalUserId) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [UserId, ExternalUserId];
}

/// <summary><c>add_external_contact</c>: a member added a customer (also on a completed takeover).</summary>
public sealed record ExternalContactAddedEvent(CallbackHeader Header, string UserId, string ExternalUserId, string? State, string? WelcomeCode)
    : ExternalContactEvent(Header, UserId, ExternalUserId);

/// <summary><c>add_half_external_contact</c>: the customer added the member without verification.</summary>
public sealed record HalfExternalContactAddedEvent(CallbackHeader Header, string UserId, string ExternalUserId, string? State, string? WelcomeCode)
    : ExternalContactEvent(Header, UserId, ExternalUserId);

/// <summary><c>edit_external_contact</c>: remark or tag edits.</summary>
public sealed record ExternalContactEditedEvent(CallbackHeader Header, string UserId, string ExternalUserId)
    : ExternalContactEvent(Header, UserId, ExternalUserId);

/// <summary><c>del_external_contact</c>: the member deleted the customer; Source <c>DELETE_BY_TRANSFER</c> after an on-job transfer.</summary>
public sealed record ExternalContactDeletedEvent(CallbackHeader Header, string UserId, string ExternalUserId, string? Source)
    : ExternalContactEvent(Header, UserId, ExternalUserId);

/// <summary><c>del_follow_user</c>: the customer deleted the member.</summary>
public sealed record FollowUserDeletedEvent(CallbackHeader Header, string UserId, string ExternalUserId)
    : ExternalContactEvent(Header, UserId, ExternalUserId);

/// <summary><c>transfer_fail</c>: a takeover failed. UserId is the takeover; FailReason is
/// <c>customer_refused</c> or <c>customer_limit_exceed</c>; the handover is not given.</summary>
public sealed record TransferFailedEvent(CallbackHeader Header, string UserId, string ExternalUserId, string FailReason)
    : ExternalContactEvent(Header, UserId, ExternalUserId);

/// <summary>A <c>change_external_chat</c> event about one customer group.</summary>
public abstract record ExternalChatEvent(CallbackHeader Header, string ChatId) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [ChatId];
}

/// <summary><c>change_external_chat/create</c>.</summary>
public sealed record ExternalChatCreatedEvent(CallbackHeader Header, string ChatId) : ExternalChatEvent(Header, ChatId);

/// <summary><c>change_external_chat/dismiss</c>.</summary>
public sealed record ExternalChatDismissedEvent(CallbackHeader Header, string ChatId) : ExternalChatEvent(Header, ChatId);

/// <summary><c>change_external_chat/update</c>.</summary>
/// <param name="Header">The common elements.</param>
/// <param name="ChatId">ChatId.</param>
/// <param name="UpdateDetail">add_member, del_member, change_owner, change_name or change_notice.</param>
/// <param name="JoinScene">JoinScene for add_member.</param>
/// <param name="QuitScene">QuitScene for del_member.</param>
/// <param name="MemChangeCount">MemChangeCnt.</param>
/// <param name="MemChangeList">MemChangeList items (member or external userids).</param>
public sealed record ExternalChatUpdatedEvent(
    CallbackHeader Header,
    string ChatId,
    string UpdateDetail,
    int? JoinScene,
    int? QuitScene,
    int? MemChangeCount,
    IReadOnlyList<string> MemChangeList) : ExternalChatEvent(Header, ChatId)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [ChatId, UpdateDetail, .. MemChangeList];
}

/// <summary>One answered question of an interactive template card.</summary>
public sealed record TemplateCardSelection(string QuestionKey, IReadOnlyList<string> OptionIds);

/// <summary><c>template_card_event</c>: a button on an interactive card was pressed.</summary>
/// <param name="Header">The common elements.</param>
/// <param name="EventKey">The key of the pressed button.</param>
/// <param name="TaskId">TaskId of the card.</param>
/// <param name="CardType">CardType, e.g. button_interaction.</param>
/// <param name="ResponseCode">ResponseCode, usable once to update the card.</param>
/// <param name="SelectedItems">SelectedItems, for vote and multiple-choice cards.</param>
public sealed record TemplateCardEvent(
    CallbackHeader Header,
    string EventKey,
    string TaskId,
    string? CardType,
    string? ResponseCode,
    IReadOnlyList<TemplateCardSelection> SelectedItems) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids => [TaskId, EventKey, ResponseCode];
}

/// <summary>Any message this library does not model: kept, not rejected, with its simple top-level fields.</summary>
public sealed record UnknownEvent(CallbackHeader Header, IReadOnlyDictionary<string, string> Fields) : CallbackEvent(Header)
{
    /// <inheritdoc/>
    protected override IEnumerable<string?> Ids =>
        Fields.TryGetValue("MsgId", out var msgId)
            ? [msgId]
            : Fields.Where(f => f.Key.EndsWith("Id", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => f.Value);
}
