using WeComSuccession.WeCom.Tests.TestSupport;
using System.Text.Json;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WireMock.RequestBuilders;
using static WeComSuccession.WeCom.Tests.TestSupport.WeComMock;

namespace WeComSuccession.WeCom.Tests.Api;

/// <summary>What goes over the wire: every public method reaches the API its <see cref="WeComEndpoint"/> describes, in the shape WeCom reads.</summary>
public sealed class WeComClientRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMethod_CalledOnce_SendsItsDescribedPathMethodAndToken()
    {
        using var wecom = Start();
        // Any other API answers plain success; a failure of this test is then about the request, not the answer.
        wecom.Server.Given(Request.Create().UsingAnyMethod()).AtPriority(100).RespondWith(Json(Ok()));
        using var client = new TestClient(wecom);
        var c = client.Client;

        await c.ExecuteCgibinUserGetAsync(new CgibinUserGetRequest { UserId = "u1" }, Ct);
        await c.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest(), Ct);
        await c.ExecuteCgibinDepartmentListAsync(new CgibinDepartmentListRequest(), Ct);
        await c.ExecuteCgibinUserListIdAsync(new CgibinUserListIdRequest(), Ct);
        await c.ExecuteExternalContactGetFollowUserListAsync(new ExternalContactGetFollowUserListRequest(), Ct);
        await c.ExecuteExternalContactListAsync(new ExternalContactListRequest { UserId = "u1" }, Ct);
        await c.ExecuteExternalContactGetAsync(new ExternalContactGetRequest { ExternalUserId = "wm1" }, Ct);
        await c.ExecuteExternalContactBatchGetByUserAsync(new ExternalContactBatchGetByUserRequest { UserIdList = ["u1"] }, Ct);
        await c.ExecuteExternalContactGetUnassignedListAsync(new ExternalContactGetUnassignedListRequest(), Ct);
        await c.ExecuteExternalContactResignedTransferCustomerAsync(new ExternalContactResignedTransferCustomerRequest { HandoverUserId = "h", TakeoverUserId = "t", ExternalUserId = ["wm1"] }, Ct);
        await c.ExecuteExternalContactResignedTransferResultAsync(new ExternalContactResignedTransferResultRequest { HandoverUserId = "h", TakeoverUserId = "t" }, Ct);
        await c.ExecuteExternalContactTransferCustomerAsync(new ExternalContactTransferCustomerRequest { HandoverUserId = "h", TakeoverUserId = "t", ExternalUserId = ["wm1"] }, Ct);
        await c.ExecuteExternalContactTransferResultAsync(new ExternalContactTransferResultRequest { HandoverUserId = "h", TakeoverUserId = "t" }, Ct);
        await c.ExecuteExternalContactGroupChatListAsync(new ExternalContactGroupChatListRequest(), Ct);
        await c.ExecuteExternalContactGroupChatGetAsync(new ExternalContactGroupChatGetRequest { ChatId = "wr1" }, Ct);
        await c.ExecuteExternalContactGroupChatTransferAsync(new ExternalContactGroupChatTransferRequest { ChatIdList = ["wr1"], NewOwner = "t" }, Ct);
        await c.ExecuteExternalContactGroupChatOnJobTransferAsync(new ExternalContactGroupChatOnJobTransferRequest { ChatIdList = ["wr1"], NewOwner = "t" }, Ct);
        await c.ExecuteCgibinMessageSendAsync(new CgibinMessageSendRequest { ToUser = "u1", MsgType = "textcard", AgentId = 1 }, Ct);
        await c.ExecuteCgibinMessageUpdateTemplateCardAsync(new CgibinMessageUpdateTemplateCardRequest { UserIds = ["u1"], AgentId = 1, ResponseCode = "rc1" }, Ct);
        await c.ExecuteCgibinAuthGetUserInfoAsync(new CgibinAuthGetUserInfoRequest { Code = "code1" }, Ct);

        var requests = wecom.Server.LogEntries.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(WeComEndpoints.All.Select(e => e.Path).Order(StringComparer.Ordinal), requests.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(WeComEndpoints.All, endpoint =>
        {
            var request = Assert.Single(requests, r => r.Path == endpoint.Path);
            Assert.Equal(endpoint.Method.Method, request.Method);
            Assert.Equal(endpoint.NeedsToken ? "TOKEN-1" : null, request.AccessToken());
            if (endpoint.Method == HttpMethod.Post)
            {
                // Buffered JSON with a length: WeCom's gateway is not asked to read a chunked body.
                Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
                Assert.NotNull(request.Header("Content-Length"));
                Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(request.Body!).RootElement.ValueKind);
            }
            else
            {
                Assert.True(string.IsNullOrEmpty(request.Body), $"{endpoint.Path} is a GET with a body");
            }
        });
    }

    [Fact]
    public async Task GetRequests_QueryNamedAsInJson_AbsentValuesLeftOut()
    {
        using var wecom = Start();
        wecom.Server.Given(Request.Create().UsingGet()).AtPriority(100).RespondWith(Json(Ok()));
        using var client = new TestClient(wecom);

        await client.Client.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest(), Ct);
        await client.Client.ExecuteCgibinDepartmentSimpleListAsync(new CgibinDepartmentSimpleListRequest { Id = 5 }, Ct);
        await client.Client.ExecuteExternalContactGetAsync(new ExternalContactGetRequest { ExternalUserId = "wm 1&x", Cursor = "" }, Ct);
        await client.Client.ExecuteExternalContactGetAsync(new ExternalContactGetRequest { ExternalUserId = "wm1", Cursor = "c2" }, Ct);
        await client.Client.ExecuteCgibinAuthGetUserInfoAsync(new CgibinAuthGetUserInfoRequest { Code = "code1" }, Ct);

        var departments = wecom.Requests("/cgi-bin/department/simplelist");
        Assert.Equal(["access_token"], departments[0].Query?.Keys ?? []);
        Assert.Equal("5", departments[1].Param("id"));
        var contacts = wecom.Requests("/cgi-bin/externalcontact/get");
        Assert.Equal("wm 1&x", contacts[0].Param("external_userid"));
        Assert.Null(contacts[0].Param("cursor"));
        Assert.Equal("c2", contacts[1].Param("cursor"));
        Assert.Equal("code1", Assert.Single(wecom.Requests("/cgi-bin/auth/getuserinfo")).Param("code"));
    }
}
