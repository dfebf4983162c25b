using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.WeCom.Tests.Api;

// Field names must be WeCom's exactly: a simulator serializes these same types as server responses.
public sealed class WeComJsonContextTests
{
    private static readonly WeComJsonContext Json = WeComJsonContext.Default;

    private static string[] Names<T>(T value, JsonTypeInfo<T> info) =>
        [.. JsonSerializer.SerializeToElement(value, info).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    private static void AssertRoundTrips<T>(string documented, JsonTypeInfo<T> info)
    {
        var parsed = JsonSerializer.Deserialize(documented, info)!;
        var written = JsonSerializer.Serialize(parsed, info);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(documented), JsonNode.Parse(written)), $"expected {documented}\nwrote    {written}");
    }

    [Fact]
    public void ResignedTransferCustomerRequest_Serialized_UsesWeComFieldNames()
    {
        var request = new ExternalContactResignedTransferCustomerRequest { HandoverUserId = "h", TakeoverUserId = "t", ExternalUserId = ["wm1", "wm2"] };

        Assert.Equal(["external_userid", "handover_userid", "takeover_userid"], Names(request, Json.ExternalContactResignedTransferCustomerRequest));
        AssertRoundTrips("""{"handover_userid":"zhangsan","takeover_userid":"lisi","external_userid":["woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA","woAJ2GCAAAd1NPGHKSD4wKmE8Aabj9AAA"]}""",
            Json.ExternalContactResignedTransferCustomerRequest);
    }

    [Fact]
    public void ResignedTransferCustomerResponse_DocumentedSample_RoundTrips()
    {
        const string documented = """
            {"errcode":0,"errmsg":"ok","customer":[{"external_userid":"woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA","errcode":0},{"external_userid":"woAJ2GCAAAd1NPGHKSD4wKmE8Aabj9AAA","errcode":40096}]}
            """;

        var response = JsonSerializer.Deserialize(documented, Json.ExternalContactResignedTransferCustomerResponse)!;

        Assert.Equal(40096, response.Customer[1].ErrCode);
        Assert.Equal("woAJ2GCAAAd1NPGHKSD4wKmE8Aabj9AAA", response.Customer[1].ExternalUserId);
        AssertRoundTrips(documented, Json.ExternalContactResignedTransferCustomerResponse);
    }

    [Fact]
    public void OnJobTransferCustomerRequest_Serialized_IncludesTransferSuccessMsg()
    {
        var request = new ExternalContactTransferCustomerRequest { HandoverUserId = "h", TakeoverUserId = "t", ExternalUserId = ["wm1"], TransferSuccessMsg = "您好" };

        Assert.Equal(["external_userid", "handover_userid", "takeover_userid", "transfer_success_msg"], Names(request, Json.ExternalContactTransferCustomerRequest));
    }

    [Fact]
    public void TransferResultResponse_DocumentedSample_ReadsStatusAndTakeoverTime()
    {
        const string documented = """
            {"errcode":0,"errmsg":"ok","customer":[{"external_userid":"woAJ2GCAAAXtWyujaWJHDDGi0mACCCC","status":1,"takeover_time":1588262400},{"external_userid":"woAJ2GCAAAXtWyujaWJHDDGi0mACBBBB","status":2,"takeover_time":1588482400},{"external_userid":"woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA","status":3,"takeover_time":0}],"next_cursor":"NEXT_CURSOR"}
            """;

        var resigned = JsonSerializer.Deserialize(documented, Json.ExternalContactResignedTransferResultResponse)!;

        Assert.Equal([ExternalContactTransferStatus.Completed, ExternalContactTransferStatus.Waiting, ExternalContactTransferStatus.CustomerRefused], resigned.Customer.Select(c => c.Status));
        Assert.Equal(1588482400, resigned.Customer[1].TakeoverTime);
        Assert.Equal("NEXT_CURSOR", resigned.NextCursor);
        AssertRoundTrips(documented, Json.ExternalContactResignedTransferResultResponse);
        AssertRoundTrips(documented.Replace("\"status\":3", "\"status\":5", StringComparison.Ordinal), Json.ExternalContactTransferResultResponse);
        Assert.Equal(["cursor", "handover_userid", "takeover_userid"],
            Names(new ExternalContactResignedTransferResultRequest { HandoverUserId = "h", TakeoverUserId = "t", Cursor = "c" }, Json.ExternalContactResignedTransferResultRequest));
    }

    [Fact]
    public void GroupChatTransfer_RequestAndResponse_UseWeComFieldNames()
    {
        Assert.Equal(["chat_id_list", "new_owner"],
            Names(new ExternalContactGroupChatTransferRequest { ChatIdList = ["wr1"], NewOwner = "t" }, Json.ExternalContactGroupChatTransferRequest));
        const string documented = """
            {"errcode":0,"errmsg":"ok","failed_chat_list":[{"chat_id":"wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA","errcode":90500,"errmsg":"the owner of this chat is not resigned"}]}
            """;

        var response = JsonSerializer.Deserialize(documented, Json.ExternalContactGroupChatTransferResponse)!;

        Assert.Equal(90500, Assert.Single(response.FailedChatList).ErrCode);
        AssertRoundTrips(documented, Json.ExternalContactGroupChatTransferResponse);
        AssertRoundTrips(documented, Json.ExternalContactGroupChatOnJobTransferResponse);
    }

    [Fact]
    public void UnassignedListAndGroupChatList_DocumentedShapes_RoundTrip()
    {
        AssertRoundTrips("""
            {"errcode":0,"errmsg":"ok","info":[{"handover_userid":"zhangsan","external_userid":"woAJ2GCAAAd4uL12hdfsdasassdDmAAAAA","dimission_time":1550838571}],"is_last":false,"next_cursor":"aSfwejksvhToiMMfFeIGZZ"}
            """, Json.ExternalContactGetUnassignedListResponse);
        AssertRoundTrips("""
            {"errcode":0,"errmsg":"ok","group_chat_list":[{"chat_id":"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA","status":1}],"next_cursor":"tJzlB9tdqfh-g7i_J-ehOz_TWcd7dSKa39_AqCIeMFw"}
            """, Json.ExternalContactGroupChatListResponse);
        AssertRoundTrips("""
            {"status_filter":1,"owner_filter":{"userid_list":["abel"]},"cursor":"r9FqSqsI8fgNbHLHE5QoCP50UIg2cFQbfma3l2QsmwI","limit":10}
            """, Json.ExternalContactGroupChatListRequest);
    }

    [Fact]
    public void MessageSend_TemplateCardWithDuplicateCheck_UsesWeComFieldNames()
    {
        var request = new CgibinMessageSendRequest
        {
            ToUser = "lisi",
            MsgType = "template_card",
            AgentId = 1000002,
            TemplateCard = new CgibinMessageSendTemplateCard
            {
                CardType = "text_notice",
                MainTitle = new CgibinMessageSendTemplateCardMainTitle { Title = "离职继承待审批" },
                HorizontalContentList = [new CgibinMessageSendTemplateCardHorizontalContent { KeyName = "客户数", Value = "12" }],
                CardAction = new CgibinMessageSendTemplateCardAction { Type = 1, Url = "https://example.test/workbench" },
                TaskId = "succession-42",
            },
            EnableDuplicateCheck = 1,
            DuplicateCheckInterval = 1800,
        };

        var json = JsonSerializer.SerializeToElement(request, Json.CgibinMessageSendRequest);

        Assert.Equal(["agentid", "duplicate_check_interval", "enable_duplicate_check", "msgtype", "template_card", "touser"], Names(request, Json.CgibinMessageSendRequest));
        Assert.Equal("客户数", json.GetProperty("template_card").GetProperty("horizontal_content_list")[0].GetProperty("keyname").GetString());
        Assert.Equal("succession-42", json.GetProperty("template_card").GetProperty("task_id").GetString());
        AssertRoundTrips("""
            {"touser":"a|b","msgtype":"textcard","agentid":1,"textcard":{"title":"t","description":"d","url":"https://x.test","btntxt":"更多"},"enable_duplicate_check":1,"duplicate_check_interval":600}
            """, Json.CgibinMessageSendRequest);
    }

    [Fact]
    public void UpdateTemplateCard_ReplaceButtons_UsesWeComFieldNames()
    {
        var request = new CgibinMessageUpdateTemplateCardRequest
        {
            UserIds = ["lina", "liuyang"],
            AgentId = 1000002,
            ResponseCode = "RESPONSE_CODE",
            Button = new CgibinMessageUpdateTemplateCardButton { ReplaceName = "已由 张三 通过" },
        };

        var json = JsonSerializer.SerializeToElement(request, Json.CgibinMessageUpdateTemplateCardRequest);

        Assert.Equal(["agentid", "button", "response_code", "userids"], Names(request, Json.CgibinMessageUpdateTemplateCardRequest));
        Assert.Equal("已由 张三 通过", json.GetProperty("button").GetProperty("replace_name").GetString());
        Assert.Equal("liuyang", json.GetProperty("userids")[1].GetString());
        AssertRoundTrips("""
            {"userids":["a"],"partyids":[2],"tagids":[3],"atall":0,"agentid":1,"response_code":"c","enable_id_trans":1,"button":{"replace_name":"已处理"}}
            """, Json.CgibinMessageUpdateTemplateCardRequest);
        AssertRoundTrips("""{"errcode":0,"errmsg":"ok","invaliduser":"x|y"}""", Json.CgibinMessageUpdateTemplateCardResponse);
    }

    [Fact]
    public void ReadResponses_DocumentedShapes_RoundTrip()
    {
        AssertRoundTrips("""{"errcode":0,"errmsg":"ok","follow_user":["zhangsan","lisi"]}""", Json.ExternalContactGetFollowUserListResponse);
        AssertRoundTrips("""{"errcode":0,"errmsg":"ok","next_cursor":"xxxxxx","dept_user":[{"userid":"userid1","department":1},{"userid":"userid2","department":2}]}""", Json.CgibinUserListIdResponse);
        AssertRoundTrips("""{"errcode":0,"errmsg":"ok","userid":"USERID","user_ticket":"USER_TICKET"}""", Json.CgibinAuthGetUserInfoResponse);
        AssertRoundTrips("""
            {"errcode":0,"errmsg":"ok","external_contact_list":[{"external_contact":{"external_userid":"woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA","name":"李四","type":1,"gender":1,"unionid":"ozynqsulJFCZ2z1aYeS8h-nuasdAAA"},"follow_info":{"userid":"rocky","remark":"李部长","description":"对接采购","createtime":1525779812,"tag_id":["etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"],"remark_mobiles":["10000000000"],"add_way":202,"oper_userid":"rocky","state":"外联二维码1"}}],"next_cursor":"r9FqSqsI8fgNbHLHE5QoCP50UIg2cFQbfma3l2QsmwI","fail_info":{"unlicensed_userid_list":["zhangsan"]}}
            """, Json.ExternalContactBatchGetByUserResponse);
        AssertRoundTrips("""
            {"errcode":0,"errmsg":"ok","group_chat":{"chat_id":"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA","name":"销售客服群","owner":"ZhuShengBen","create_time":1572505490,"notice":"文档","member_list":[{"userid":"abel","type":1,"join_time":1572505491,"join_scene":1,"invitor":{"userid":"jack"},"group_nickname":"客服小张","name":"张三丰"},{"userid":"wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA","type":2,"unionid":"ozynqsulJFCZ2z1aYeS8h-nuasdAAA","join_time":1572505491,"join_scene":1,"group_nickname":"顾客老王","name":"王语嫣"}],"admin_list":[{"userid":"sam"},{"userid":"pony"}],"member_version":"71217227bbd112ecfe3a49c482195cb4"}}
            """, Json.ExternalContactGroupChatGetResponse);
    }

    [Fact]
    public void SecretsAndTokens_RecordToString_Redacted()
    {
        Assert.DoesNotContain("s3cr3t", new CgibinGetTokenRequest { CorpId = "ww1", CorpSecret = "s3cr3t" }.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TOK", new CgibinGetTokenResponse { AccessToken = "TOK", ExpiresIn = 7200 }.ToString(), StringComparison.Ordinal);
    }
}
