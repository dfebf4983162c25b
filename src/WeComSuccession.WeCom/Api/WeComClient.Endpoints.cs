using System.Runtime.CompilerServices;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.WeCom.Api;

// One method per endpoint, named after its request type. Reads are retried when safe; the transfer and
// message methods are sent at most once per call unless WeCom proved it rejected them unprocessed.
// A new API is: its model file (request and response, listed in WeComJsonContext), its method in IWeComApi,
// its line in WeComEndpoints, and its method here.
public sealed partial class WeComClient
{
    private const int MaxItemsPerTransfer = 100;

    /// <summary><c>GET /cgi-bin/user/get</c>: reads a member (40003/60111 once the member is deleted).</summary>
    public Task<CgibinUserGetResponse> ExecuteCgibinUserGetAsync(CgibinUserGetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.UserGet, (api, ct) => api.CgibinUserGetAsync(request, ct), cancellationToken);
    }

    /// <summary><c>GET /cgi-bin/department/simplelist</c>: department ids below <see cref="CgibinDepartmentSimpleListRequest.Id"/>.</summary>
    public Task<CgibinDepartmentSimpleListResponse> ExecuteCgibinDepartmentSimpleListAsync(CgibinDepartmentSimpleListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.DepartmentSimpleList, (api, ct) => api.CgibinDepartmentSimpleListAsync(request, ct), cancellationToken);
    }

    /// <summary><c>GET /cgi-bin/department/list</c>: departments below <see cref="CgibinDepartmentListRequest.Id"/>, with names where readable.</summary>
    public Task<CgibinDepartmentListResponse> ExecuteCgibinDepartmentListAsync(CgibinDepartmentListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.DepartmentList, (api, ct) => api.CgibinDepartmentListAsync(request, ct), cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/user/list_id</c>: one page of (userid, department) rows; needs the 通讯录同步 secret.</summary>
    public Task<CgibinUserListIdResponse> ExecuteCgibinUserListIdAsync(CgibinUserListIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.UserListId, (api, ct) => api.CgibinUserListIdAsync(request, ct), cancellationToken);
    }

    /// <summary>Streams every row of <c>user/list_id</c>, fetching the next page only after this page's rows are consumed.</summary>
    public IAsyncEnumerable<CgibinUserListIdItem> StreamCgibinUserListIdAsync(CgibinUserListIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(
            WeComEndpoints.UserListId.Path,
            request.Cursor,
            (cursor, ct) => ExecuteCgibinUserListIdAsync(request with { Cursor = cursor }, ct),
            page => page.DeptUser,
            page => page.NextCursor,
            cancellationToken);
    }

    /// <summary><c>GET /cgi-bin/externalcontact/get_follow_user_list</c>: members with 客户联系.</summary>
    public Task<ExternalContactGetFollowUserListResponse> ExecuteExternalContactGetFollowUserListAsync(ExternalContactGetFollowUserListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.GetFollowUserList, (api, ct) => api.ExternalContactGetFollowUserListAsync(request, ct), cancellationToken);
    }

    /// <summary><c>GET /cgi-bin/externalcontact/list</c>: a member's customers.</summary>
    public Task<ExternalContactListResponse> ExecuteExternalContactListAsync(ExternalContactListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.ExternalContactList, (api, ct) => api.ExternalContactListAsync(request, ct), cancellationToken);
    }

    /// <summary><c>GET /cgi-bin/externalcontact/get</c>: a customer and their followers.</summary>
    public Task<ExternalContactGetResponse> ExecuteExternalContactGetAsync(ExternalContactGetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // An empty cursor means the first page, as no cursor does; WeCom is sent none.
        var query = string.IsNullOrEmpty(request.Cursor) ? request with { Cursor = null } : request;
        return SendAsync(WeComEndpoints.ExternalContactGet, (api, ct) => api.ExternalContactGetAsync(query, ct), cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/batch/get_by_user</c>: one page of customers of up to 100 members.</summary>
    public Task<ExternalContactBatchGetByUserResponse> ExecuteExternalContactBatchGetByUserAsync(ExternalContactBatchGetByUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckBatch(request.UserIdList, nameof(request.UserIdList));
        return SendAsync(WeComEndpoints.BatchGetByUser, (api, ct) => api.ExternalContactBatchGetByUserAsync(request, ct), cancellationToken);
    }

    /// <summary>Streams every entry of <c>batch/get_by_user</c>, page by page as consumed.</summary>
    public IAsyncEnumerable<ExternalContactBatchGetByUserItem> StreamExternalContactBatchGetByUserAsync(ExternalContactBatchGetByUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(
            WeComEndpoints.BatchGetByUser.Path,
            request.Cursor,
            (cursor, ct) => ExecuteExternalContactBatchGetByUserAsync(request with { Cursor = cursor }, ct),
            page => page.ExternalContactList,
            page => page.NextCursor,
            cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/get_unassigned_list</c>: one page of resigned members' unassigned customers.</summary>
    public Task<ExternalContactGetUnassignedListResponse> ExecuteExternalContactGetUnassignedListAsync(ExternalContactGetUnassignedListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.GetUnassignedList, (api, ct) => api.ExternalContactGetUnassignedListAsync(request, ct), cancellationToken);
    }

    /// <summary>Streams every unassigned (handover, customer) pair, page by page as consumed (cursor paging).</summary>
    public IAsyncEnumerable<ExternalContactGetUnassignedListItem> StreamExternalContactGetUnassignedListAsync(ExternalContactGetUnassignedListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(
            WeComEndpoints.GetUnassignedList.Path,
            request.Cursor,
            (cursor, ct) => ExecuteExternalContactGetUnassignedListAsync(request with { Cursor = cursor, PageId = null }, ct),
            page => page.Info,
            page => page.IsLast ? null : page.NextCursor,
            cancellationToken);
    }

    /// <summary>
    /// <c>POST /cgi-bin/externalcontact/resigned/transfer_customer</c> (≤ 100 customers). Sent once: on
    /// <see cref="WeComOutcomeUnknownException"/> ask transfer_result before sending again.
    /// </summary>
    public Task<ExternalContactResignedTransferCustomerResponse> ExecuteExternalContactResignedTransferCustomerAsync(ExternalContactResignedTransferCustomerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckBatch(request.ExternalUserId, nameof(request.ExternalUserId));
        return SendAsync(WeComEndpoints.ResignedTransferCustomer, (api, ct) => api.ExternalContactResignedTransferCustomerAsync(request, ct), cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/resigned/transfer_result</c>: one page of takeover statuses.</summary>
    public Task<ExternalContactResignedTransferResultResponse> ExecuteExternalContactResignedTransferResultAsync(ExternalContactResignedTransferResultRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.ResignedTransferResult, (api, ct) => api.ExternalContactResignedTransferResultAsync(request, ct), cancellationToken);
    }

    /// <summary>Streams every status of <c>resigned/transfer_result</c> for one (handover, takeover) pair, page by page as consumed.</summary>
    public IAsyncEnumerable<ExternalContactTransferResultItem> StreamExternalContactResignedTransferResultAsync(ExternalContactResignedTransferResultRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(
            WeComEndpoints.ResignedTransferResult.Path,
            request.Cursor,
            (cursor, ct) => ExecuteExternalContactResignedTransferResultAsync(request with { Cursor = cursor }, ct),
            page => page.Customer,
            page => page.NextCursor,
            cancellationToken);
    }

    /// <summary>
    /// <c>POST /cgi-bin/externalcontact/transfer_customer</c> (on-job, ≤ 100 customers). Sent once: on
    /// <see cref="WeComOutcomeUnknownException"/> ask transfer_result before sending again.
    /// </summary>
    public Task<ExternalContactTransferCustomerResponse> ExecuteExternalContactTransferCustomerAsync(ExternalContactTransferCustomerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckBatch(request.ExternalUserId, nameof(request.ExternalUserId));
        return SendAsync(WeComEndpoints.TransferCustomer, (api, ct) => api.ExternalContactTransferCustomerAsync(request, ct), cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/transfer_result</c> (on-job): one page of takeover statuses.</summary>
    public Task<ExternalContactTransferResultResponse> ExecuteExternalContactTransferResultAsync(ExternalContactTransferResultRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.TransferResult, (api, ct) => api.ExternalContactTransferResultAsync(request, ct), cancellationToken);
    }

    /// <summary>Streams every status of the on-job <c>transfer_result</c>, page by page as consumed.</summary>
    public IAsyncEnumerable<ExternalContactTransferResultItem> StreamExternalContactTransferResultAsync(ExternalContactTransferResultRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(
            WeComEndpoints.TransferResult.Path,
            request.Cursor,
            (cursor, ct) => ExecuteExternalContactTransferResultAsync(request with { Cursor = cursor }, ct),
            page => page.Customer,
            page => page.NextCursor,
            cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/groupchat/list</c>: one page of group chats.</summary>
    public Task<ExternalContactGroupChatListResponse> ExecuteExternalContactGroupChatListAsync(ExternalContactGroupChatListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.GroupChatList, (api, ct) => api.ExternalContactGroupChatListAsync(request, ct), cancellationToken);
    }

    /// <summary>Streams every group chat of <c>groupchat/list</c>, page by page as consumed.</summary>
    public IAsyncEnumerable<ExternalContactGroupChatListItem> StreamExternalContactGroupChatListAsync(ExternalContactGroupChatListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(
            WeComEndpoints.GroupChatList.Path,
            request.Cursor,
            (cursor, ct) => ExecuteExternalContactGroupChatListAsync(request with { Cursor = cursor }, ct),
            page => page.GroupChatList,
            page => page.NextCursor,
            cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/groupchat/get</c>: a group chat's details.</summary>
    public Task<ExternalContactGroupChatGetResponse> ExecuteExternalContactGroupChatGetAsync(ExternalContactGroupChatGetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.GroupChatGet, (api, ct) => api.ExternalContactGroupChatGetAsync(request, ct), cancellationToken);
    }

    /// <summary>
    /// <c>POST /cgi-bin/externalcontact/groupchat/transfer</c> (resigned owner, 1–100 chats). Sent once;
    /// failures per chat are in <see cref="ExternalContactGroupChatTransferResponse.FailedChatList"/>.
    /// </summary>
    public Task<ExternalContactGroupChatTransferResponse> ExecuteExternalContactGroupChatTransferAsync(ExternalContactGroupChatTransferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckBatch(request.ChatIdList, nameof(request.ChatIdList));
        return SendAsync(WeComEndpoints.GroupChatTransfer, (api, ct) => api.ExternalContactGroupChatTransferAsync(request, ct), cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/externalcontact/groupchat/onjob_transfer</c> (on-job owner, 1–100 chats). Sent once.</summary>
    public Task<ExternalContactGroupChatOnJobTransferResponse> ExecuteExternalContactGroupChatOnJobTransferAsync(ExternalContactGroupChatOnJobTransferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckBatch(request.ChatIdList, nameof(request.ChatIdList));
        return SendAsync(WeComEndpoints.GroupChatOnJobTransfer, (api, ct) => api.ExternalContactGroupChatOnJobTransferAsync(request, ct), cancellationToken);
    }

    /// <summary><c>POST /cgi-bin/message/send</c>: an app message. Sent once; set enable_duplicate_check so that a re-send is harmless.</summary>
    public Task<CgibinMessageSendResponse> ExecuteCgibinMessageSendAsync(CgibinMessageSendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.MessageSend, (api, ct) => api.CgibinMessageSendAsync(request, ct), cancellationToken);
    }

    /// <summary>
    /// <c>POST /cgi-bin/message/update_template_card</c>: changes copies of an interactive card already sent. The response_code
    /// is consumed by the first call that changes something (60140 afterwards, and after 72 hours).
    /// </summary>
    public Task<CgibinMessageUpdateTemplateCardResponse> ExecuteCgibinMessageUpdateTemplateCardAsync(CgibinMessageUpdateTemplateCardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.MessageUpdateTemplateCard, (api, ct) => api.CgibinMessageUpdateTemplateCardAsync(request, ct), cancellationToken);
    }

    /// <summary><c>GET /cgi-bin/auth/getuserinfo</c>: who signed in with an OAuth2 code (40029/42003 for a bad or used code).</summary>
    public Task<CgibinAuthGetUserInfoResponse> ExecuteCgibinAuthGetUserInfoAsync(CgibinAuthGetUserInfoRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(WeComEndpoints.AuthGetUserInfo, (api, ct) => api.CgibinAuthGetUserInfoAsync(request, ct), cancellationToken);
    }

    // Fetch a page, yield its items, then fetch the next: memory stays at one page and a consumer that stops
    // early costs no further calls. A cursor that comes back twice would loop forever, so it is an error.
    private static async IAsyncEnumerable<TItem> StreamAsync<TPage, TItem>(
        string api,
        string? firstCursor,
        Func<string?, CancellationToken, Task<TPage>> fetchPage,
        Func<TPage, IReadOnlyList<TItem>> items,
        Func<TPage, string?> nextCursor,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cursor = string.IsNullOrEmpty(firstCursor) ? null : firstCursor;
        while (true)
        {
            var page = await fetchPage(cursor, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(page))
            {
                yield return item;
            }

            var next = nextCursor(page);
            if (string.IsNullOrEmpty(next))
            {
                yield break;
            }

            if (!seen.Add(next) || string.Equals(next, cursor, StringComparison.Ordinal))
            {
                throw new WeComMalformedResponseException(api, "next_cursor repeated");
            }

            cursor = next;
        }
    }

    private static void CheckBatch(IReadOnlyList<string> items, string name)
    {
        if (items is null || items.Count is 0 or > MaxItemsPerTransfer)
        {
            throw new ArgumentOutOfRangeException(name, items?.Count, $"WeCom accepts 1 to {MaxItemsPerTransfer} items per call.");
        }
    }
}
