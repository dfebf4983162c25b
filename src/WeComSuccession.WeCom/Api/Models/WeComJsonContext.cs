using System.Text.Json.Serialization;

namespace WeComSuccession.WeCom.Api.Models;

/// <summary>
/// Source-generated System.Text.Json metadata for every WeCom request and response type. Property names
/// come from each property's <see cref="JsonPropertyNameAttribute"/> (WeCom mixes <c>snake_case</c> with
/// run-together names such as <c>errcode</c>, <c>userid</c>, <c>createtime</c>, so no naming policy would
/// be right everywhere). Null members are omitted, as WeCom omits absent fields. List properties set
/// <c>field = value ?? []</c> in their init accessor: the generator passes null for a list missing from the
/// JSON (e.g. a group transfer without failures has no <c>failed_chat_list</c>), and callers iterate lists. Servers (e.g. a
/// simulator) use the same context to write responses and read requests.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    // WeCom answers with plain numbers; strings-as-numbers would hide a broken fake or proxy.
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CgibinGetTokenRequest))]
[JsonSerializable(typeof(CgibinGetTokenResponse))]
[JsonSerializable(typeof(CgibinUserGetRequest))]
[JsonSerializable(typeof(CgibinUserGetResponse))]
[JsonSerializable(typeof(CgibinDepartmentSimpleListRequest))]
[JsonSerializable(typeof(CgibinDepartmentSimpleListResponse))]
[JsonSerializable(typeof(CgibinDepartmentListRequest))]
[JsonSerializable(typeof(CgibinDepartmentListResponse))]
[JsonSerializable(typeof(CgibinUserListIdRequest))]
[JsonSerializable(typeof(CgibinUserListIdResponse))]
[JsonSerializable(typeof(CgibinAuthGetUserInfoRequest))]
[JsonSerializable(typeof(CgibinAuthGetUserInfoResponse))]
[JsonSerializable(typeof(CgibinMessageSendRequest))]
[JsonSerializable(typeof(CgibinMessageSendResponse))]
[JsonSerializable(typeof(CgibinMessageUpdateTemplateCardRequest))]
[JsonSerializable(typeof(CgibinMessageUpdateTemplateCardResponse))]
[JsonSerializable(typeof(ExternalContactGetFollowUserListRequest))]
[JsonSerializable(typeof(ExternalContactGetFollowUserListResponse))]
[JsonSerializable(typeof(ExternalContactListRequest))]
[JsonSerializable(typeof(ExternalContactListResponse))]
[JsonSerializable(typeof(ExternalContactGetRequest))]
[JsonSerializable(typeof(ExternalContactGetResponse))]
[JsonSerializable(typeof(ExternalContactBatchGetByUserRequest))]
[JsonSerializable(typeof(ExternalContactBatchGetByUserResponse))]
[JsonSerializable(typeof(ExternalContactGetUnassignedListRequest))]
[JsonSerializable(typeof(ExternalContactGetUnassignedListResponse))]
[JsonSerializable(typeof(ExternalContactResignedTransferCustomerRequest))]
[JsonSerializable(typeof(ExternalContactResignedTransferCustomerResponse))]
[JsonSerializable(typeof(ExternalContactResignedTransferResultRequest))]
[JsonSerializable(typeof(ExternalContactResignedTransferResultResponse))]
[JsonSerializable(typeof(ExternalContactTransferCustomerRequest))]
[JsonSerializable(typeof(ExternalContactTransferCustomerResponse))]
[JsonSerializable(typeof(ExternalContactTransferResultRequest))]
[JsonSerializable(typeof(ExternalContactTransferResultResponse))]
[JsonSerializable(typeof(ExternalContactGroupChatListRequest))]
[JsonSerializable(typeof(ExternalContactGroupChatListResponse))]
[JsonSerializable(typeof(ExternalContactGroupChatGetRequest))]
[JsonSerializable(typeof(ExternalContactGroupChatGetResponse))]
[JsonSerializable(typeof(ExternalContactGroupChatTransferRequest))]
[JsonSerializable(typeof(ExternalContactGroupChatTransferResponse))]
[JsonSerializable(typeof(ExternalContactGroupChatOnJobTransferRequest))]
[JsonSerializable(typeof(ExternalContactGroupChatOnJobTransferResponse))]
// An error-only body ({"errcode":..,"errmsg":..}), e.g. what a server answers for any failed call.
[JsonSerializable(typeof(WeComErrorResponse))]
public sealed partial class WeComJsonContext : JsonSerializerContext;

/// <summary>A response that carries only <c>errcode</c>/<c>errmsg</c>, e.g. any failed call.</summary>
public sealed record WeComErrorResponse : WeComResponse;
