namespace WeComSuccession.WeCom.Api;

/// <summary>
/// One WeCom API, described once: how the client treats it. <see cref="IWeComApi"/> declares its HTTP shape
/// (path, query or body); the handlers under Refit find this description by the path and act on it.
/// <paramref name="Idempotent"/> decides what may be retried: a non-idempotent POST (transfers, messages) is
/// re-sent only after errors that prove WeCom rejected it before processing.
/// </summary>
/// <param name="Path">Path under the API host, as in the <see cref="IWeComApi"/> method's attribute.</param>
/// <param name="Method">GET (query parameters) or POST (JSON body).</param>
/// <param name="Idempotent">Whether sending it twice is harmless.</param>
/// <param name="RateLimited">Whether it counts toward WeCom's per-API base limit (app messages and OAuth code exchange do not).</param>
/// <param name="NeedsToken">Whether <c>access_token</c> goes in the query (all but gettoken).</param>
internal sealed record WeComEndpoint(string Path, HttpMethod Method, bool Idempotent, bool RateLimited = true, bool NeedsToken = true);

internal static class WeComEndpoints
{
    private static readonly HttpMethod Get = HttpMethod.Get;
    private static readonly HttpMethod Post = HttpMethod.Post;

    // Declared before the endpoints: static fields initialize in textual order, and each endpoint adds itself here.
    private static readonly Dictionary<string, WeComEndpoint> ByPath = new(StringComparer.Ordinal);

    public static readonly WeComEndpoint GetToken = Add(new("/cgi-bin/gettoken", Get, Idempotent: true, NeedsToken: false));
    public static readonly WeComEndpoint UserGet = Add(new("/cgi-bin/user/get", Get, Idempotent: true));
    public static readonly WeComEndpoint DepartmentSimpleList = Add(new("/cgi-bin/department/simplelist", Get, Idempotent: true));
    public static readonly WeComEndpoint DepartmentList = Add(new("/cgi-bin/department/list", Get, Idempotent: true));
    public static readonly WeComEndpoint UserListId = Add(new("/cgi-bin/user/list_id", Post, Idempotent: true));
    public static readonly WeComEndpoint GetFollowUserList = Add(new("/cgi-bin/externalcontact/get_follow_user_list", Get, Idempotent: true));
    public static readonly WeComEndpoint ExternalContactList = Add(new("/cgi-bin/externalcontact/list", Get, Idempotent: true));
    public static readonly WeComEndpoint ExternalContactGet = Add(new("/cgi-bin/externalcontact/get", Get, Idempotent: true));
    public static readonly WeComEndpoint BatchGetByUser = Add(new("/cgi-bin/externalcontact/batch/get_by_user", Post, Idempotent: true));
    public static readonly WeComEndpoint GetUnassignedList = Add(new("/cgi-bin/externalcontact/get_unassigned_list", Post, Idempotent: true));
    public static readonly WeComEndpoint ResignedTransferCustomer = Add(new("/cgi-bin/externalcontact/resigned/transfer_customer", Post, Idempotent: false));
    public static readonly WeComEndpoint ResignedTransferResult = Add(new("/cgi-bin/externalcontact/resigned/transfer_result", Post, Idempotent: true));
    public static readonly WeComEndpoint TransferCustomer = Add(new("/cgi-bin/externalcontact/transfer_customer", Post, Idempotent: false));
    public static readonly WeComEndpoint TransferResult = Add(new("/cgi-bin/externalcontact/transfer_result", Post, Idempotent: true));
    public static readonly WeComEndpoint GroupChatList = Add(new("/cgi-bin/externalcontact/groupchat/list", Post, Idempotent: true));
    public static readonly WeComEndpoint GroupChatGet = Add(new("/cgi-bin/externalcontact/groupchat/get", Post, Idempotent: true));
    public static readonly WeComEndpoint GroupChatTransfer = Add(new("/cgi-bin/externalcontact/groupchat/transfer", Post, Idempotent: false));
    public static readonly WeComEndpoint GroupChatOnJobTransfer = Add(new("/cgi-bin/externalcontact/groupchat/onjob_transfer", Post, Idempotent: false));

    // App messages are outside the base limits (their own per-recipient caps apply, §6), and
    // enable_duplicate_check is a dedupe aid, not an idempotency key, so a send is not retried blindly.
    public static readonly WeComEndpoint MessageSend = Add(new("/cgi-bin/message/send", Post, Idempotent: false, RateLimited: false));

    // A card update consumes its response_code: a re-send after a lost answer would come back 60140 whether or not the
    // first one changed the card, so it is sent once, like message/send; it is an app message, outside the base limits.
    public static readonly WeComEndpoint MessageUpdateTemplateCard = Add(new("/cgi-bin/message/update_template_card", Post, Idempotent: false, RateLimited: false));

    // Exchanging a valid code is exempt from the limits (§6); a repeat only turns into 40029, so it is safe to retry.
    public static readonly WeComEndpoint AuthGetUserInfo = Add(new("/cgi-bin/auth/getuserinfo", Get, Idempotent: true, RateLimited: false));

    /// <summary>Every described endpoint.</summary>
    public static IReadOnlyCollection<WeComEndpoint> All => ByPath.Values;

    /// <summary>The endpoint at <paramref name="path"/>; an <see cref="IWeComApi"/> method without a description is a bug.</summary>
    public static WeComEndpoint ForPath(string path) =>
        ByPath.TryGetValue(path, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"No WeComEndpoint describes {path}: add one to {nameof(WeComEndpoints)}.");

    private static WeComEndpoint Add(WeComEndpoint endpoint)
    {
        ByPath.Add(endpoint.Path, endpoint);
        return endpoint;
    }
}
