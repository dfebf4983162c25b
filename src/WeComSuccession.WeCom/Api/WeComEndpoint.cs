namespace WeComSuccession.WeCom.Api;

/// <summary>
/// One WeCom API, described once. <paramref name="Idempotent"/> decides what may be retried: a non-idempotent
/// POST (transfers, messages) is re-sent only after errors that prove WeCom rejected it before processing.
/// </summary>
/// <param name="Path">Path under the API host.</param>
/// <param name="Method">GET (query parameters) or POST (JSON body).</param>
/// <param name="Idempotent">Whether sending it twice is harmless.</param>
/// <param name="RateLimited">Whether it counts toward WeCom's per-API base limit (app messages and OAuth code exchange do not).</param>
/// <param name="NeedsToken">Whether <c>access_token</c> goes in the query (all but gettoken).</param>
internal sealed record WeComEndpoint(string Path, HttpMethod Method, bool Idempotent, bool RateLimited = true, bool NeedsToken = true);

internal static class WeComEndpoints
{
    private static readonly HttpMethod Get = HttpMethod.Get;
    private static readonly HttpMethod Post = HttpMethod.Post;

    public static readonly WeComEndpoint GetToken = new("/cgi-bin/gettoken", Get, Idempotent: true, NeedsToken: false);
    public static readonly WeComEndpoint UserGet = new("/cgi-bin/user/get", Get, Idempotent: true);
    public static readonly WeComEndpoint DepartmentSimpleList = new("/cgi-bin/department/simplelist", Get, Idempotent: true);
    public static readonly WeComEndpoint UserListId = new("/cgi-bin/user/list_id", Post, Idempotent: true);
    public static readonly WeComEndpoint GetFollowUserList = new("/cgi-bin/externalcontact/get_follow_user_list", Get, Idempotent: true);
    public static readonly WeComEndpoint ExternalContactList = new("/cgi-bin/externalcontact/list", Get, Idempotent: true);
    public static readonly WeComEndpoint ExternalContactGet = new("/cgi-bin/externalcontact/get", Get, Idempotent: true);
    public static readonly WeComEndpoint BatchGetByUser = new("/cgi-bin/externalcontact/batch/get_by_user", Post, Idempotent: true);
    public static readonly WeComEndpoint GetUnassignedList = new("/cgi-bin/externalcontact/get_unassigned_list", Post, Idempotent: true);
    public static readonly WeComEndpoint ResignedTransferCustomer = new("/cgi-bin/externalcontact/resigned/transfer_customer", Post, Idempotent: false);
    public static readonly WeComEndpoint ResignedTransferResult = new("/cgi-bin/externalcontact/resigned/transfer_result", Post, Idempotent: true);
    public static readonly WeComEndpoint TransferCustomer = new("/cgi-bin/externalcontact/transfer_customer", Post, Idempotent: false);
    public static readonly WeComEndpoint TransferResult = new("/cgi-bin/externalcontact/transfer_result", Post, Idempotent: true);
    public static readonly WeComEndpoint GroupChatList = new("/cgi-bin/externalcontact/groupchat/list", Post, Idempotent: true);
    public static readonly WeComEndpoint GroupChatGet = new("/cgi-bin/externalcontact/groupchat/get", Post, Idempotent: true);
    public static readonly WeComEndpoint GroupChatTransfer = new("/cgi-bin/externalcontact/groupchat/transfer", Post, Idempotent: false);
    public static readonly WeComEndpoint GroupChatOnJobTransfer = new("/cgi-bin/externalcontact/groupchat/onjob_transfer", Post, Idempotent: false);

    // App messages are outside the base limits (their own per-recipient caps apply, §6), and
    // enable_duplicate_check is a dedupe aid, not an idempotency key, so a send is not retried blindly.
    public static readonly WeComEndpoint MessageSend = new("/cgi-bin/message/send", Post, Idempotent: false, RateLimited: false);

    // A card update consumes its response_code: a re-send after a lost answer would come back 60140 whether or not the
    // first one changed the card, so it is sent once, like message/send; it is an app message, outside the base limits.
    public static readonly WeComEndpoint MessageUpdateTemplateCard = new("/cgi-bin/message/update_template_card", Post, Idempotent: false, RateLimited: false);

    // Exchanging a valid code is exempt from the limits (§6); a repeat only turns into 40029, so it is safe to retry.
    public static readonly WeComEndpoint AuthGetUserInfo = new("/cgi-bin/auth/getuserinfo", Get, Idempotent: true, RateLimited: false);
}
