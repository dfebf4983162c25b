using System.Text.Json;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.WeCom.Tests.Api;

/// <summary>WeCom omits empty lists (a group transfer with no failures has no failed_chat_list): they read as empty, never null.</summary>
public sealed class MissingListsTests
{
    [Fact]
    public void Deserialize_ResponsesWithoutTheirLists_ReadEmptyLists()
    {
        const string Ok = """{"errcode":0,"errmsg":"ok"}""";
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactGroupChatTransferResponse)!.FailedChatList);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactGroupChatOnJobTransferResponse)!.FailedChatList);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactResignedTransferCustomerResponse)!.Customer);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactResignedTransferResultResponse)!.Customer);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactGetUnassignedListResponse)!.Info);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactGroupChatListResponse)!.GroupChatList);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactListResponse)!.ExternalUserId);
        Assert.Empty(JsonSerializer.Deserialize(Ok, WeComJsonContext.Default.ExternalContactGetFollowUserListResponse)!.FollowUser);
    }
}
