using Refit;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.WeCom.Api;

/// <summary>
/// The HTTP shape of every WeCom API the client calls, and nothing else: Refit's source generator writes the
/// requests (GET parameters from the request record's <c>[JsonPropertyName]</c>s, POST bodies through
/// <see cref="WeComJsonContext"/>). How each API is treated (token, pacing, retries) is its
/// <see cref="WeComEndpoint"/>, found by the same path. Responses come back as <see cref="IApiResponse{T}"/>
/// so that <see cref="WeComClient"/> reads the status, the errcode and a body that did not parse as values.
/// </summary>
internal interface IWeComApi
{
    [Get("/cgi-bin/gettoken")]
    Task<IApiResponse<CgibinGetTokenResponse>> CgibinGetTokenAsync([Query] CgibinGetTokenRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/user/get")]
    Task<IApiResponse<CgibinUserGetResponse>> CgibinUserGetAsync([Query] CgibinUserGetRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/department/simplelist")]
    Task<IApiResponse<CgibinDepartmentSimpleListResponse>> CgibinDepartmentSimpleListAsync([Query] CgibinDepartmentSimpleListRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/department/list")]
    Task<IApiResponse<CgibinDepartmentListResponse>> CgibinDepartmentListAsync([Query] CgibinDepartmentListRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/user/list_id")]
    Task<IApiResponse<CgibinUserListIdResponse>> CgibinUserListIdAsync([Body] CgibinUserListIdRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/externalcontact/get_follow_user_list")]
    Task<IApiResponse<ExternalContactGetFollowUserListResponse>> ExternalContactGetFollowUserListAsync([Query] ExternalContactGetFollowUserListRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/externalcontact/list")]
    Task<IApiResponse<ExternalContactListResponse>> ExternalContactListAsync([Query] ExternalContactListRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/externalcontact/get")]
    Task<IApiResponse<ExternalContactGetResponse>> ExternalContactGetAsync([Query] ExternalContactGetRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/batch/get_by_user")]
    Task<IApiResponse<ExternalContactBatchGetByUserResponse>> ExternalContactBatchGetByUserAsync([Body] ExternalContactBatchGetByUserRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/get_unassigned_list")]
    Task<IApiResponse<ExternalContactGetUnassignedListResponse>> ExternalContactGetUnassignedListAsync([Body] ExternalContactGetUnassignedListRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/resigned/transfer_customer")]
    Task<IApiResponse<ExternalContactResignedTransferCustomerResponse>> ExternalContactResignedTransferCustomerAsync([Body] ExternalContactResignedTransferCustomerRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/resigned/transfer_result")]
    Task<IApiResponse<ExternalContactResignedTransferResultResponse>> ExternalContactResignedTransferResultAsync([Body] ExternalContactResignedTransferResultRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/transfer_customer")]
    Task<IApiResponse<ExternalContactTransferCustomerResponse>> ExternalContactTransferCustomerAsync([Body] ExternalContactTransferCustomerRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/transfer_result")]
    Task<IApiResponse<ExternalContactTransferResultResponse>> ExternalContactTransferResultAsync([Body] ExternalContactTransferResultRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/groupchat/list")]
    Task<IApiResponse<ExternalContactGroupChatListResponse>> ExternalContactGroupChatListAsync([Body] ExternalContactGroupChatListRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/groupchat/get")]
    Task<IApiResponse<ExternalContactGroupChatGetResponse>> ExternalContactGroupChatGetAsync([Body] ExternalContactGroupChatGetRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/groupchat/transfer")]
    Task<IApiResponse<ExternalContactGroupChatTransferResponse>> ExternalContactGroupChatTransferAsync([Body] ExternalContactGroupChatTransferRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/externalcontact/groupchat/onjob_transfer")]
    Task<IApiResponse<ExternalContactGroupChatOnJobTransferResponse>> ExternalContactGroupChatOnJobTransferAsync([Body] ExternalContactGroupChatOnJobTransferRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/message/send")]
    Task<IApiResponse<CgibinMessageSendResponse>> CgibinMessageSendAsync([Body] CgibinMessageSendRequest request, CancellationToken cancellationToken);

    [Post("/cgi-bin/message/update_template_card")]
    Task<IApiResponse<CgibinMessageUpdateTemplateCardResponse>> CgibinMessageUpdateTemplateCardAsync([Body] CgibinMessageUpdateTemplateCardRequest request, CancellationToken cancellationToken);

    [Get("/cgi-bin/auth/getuserinfo")]
    Task<IApiResponse<CgibinAuthGetUserInfoResponse>> CgibinAuthGetUserInfoAsync([Query] CgibinAuthGetUserInfoRequest request, CancellationToken cancellationToken);
}
