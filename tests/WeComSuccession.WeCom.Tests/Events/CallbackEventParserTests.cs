using WeComSuccession.WeCom.Events;

namespace WeComSuccession.WeCom.Tests.Events;

public sealed class CallbackEventParserTests
{
    private static readonly string SampleDirectory = Path.Combine(AppContext.BaseDirectory, "Samples", "Events");

    private static T ParseSample<T>()
        where T : CallbackEvent
    {
        var result = CallbackEventParser.Parse(File.ReadAllText(Path.Combine(SampleDirectory, typeof(T).Name + ".xml")));
        Assert.Null(result.Error);
        return Assert.IsType<T>(result.Event);
    }

    [Fact]
    public void Convention_EveryConcreteEventRecord_HasASampleThatParsesToIt()
    {
        var eventTypes = typeof(CallbackEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CallbackEvent)) && !t.IsAbstract)
            .ToList();
        Assert.NotEmpty(eventTypes);

        foreach (var type in eventTypes)
        {
            var path = Path.Combine(SampleDirectory, type.Name + ".xml");
            Assert.True(File.Exists(path), $"{type.Name} has no sample at Samples/Events/{type.Name}.xml");
            var parsed = CallbackEventParser.Parse(File.ReadAllText(path));
            Assert.True(parsed.Event?.GetType() == type, $"Samples/Events/{type.Name}.xml parsed to {parsed.Event?.GetType().Name ?? parsed.Error}");
        }
    }

    [Fact]
    public void Parse_CreateUser_ReadsFieldsAndSkipsExtAttr()
    {
        var e = ParseSample<UserCreatedEvent>();
        Assert.Equal(new CallbackHeader("wwcorp0001", "sys", 1763700000, "change_contact", "create_user", null), e.Header);
        Assert.Equal("zhangsan", e.User.UserId);
        Assert.Equal("张三", e.User.Name);
        Assert.Equal([1L, 2L, 3L], e.User.Departments);
        Assert.Equal([true, false, false], e.User.IsLeaderInDept);
        Assert.Equal(["lisi", "wangwu"], e.User.DirectLeaders);
        Assert.Equal(1L, e.User.MainDepartment);
        Assert.Equal(1, e.User.Status);
    }

    [Fact]
    public void Parse_UpdateUser_ReadsStatusNewUserIdAndLeaders()
    {
        var e = ParseSample<UserUpdatedEvent>();
        Assert.Equal("zhangsan", e.User.UserId);
        Assert.Equal("zhangsan001", e.User.NewUserId);
        Assert.Equal(2, e.User.Status);
        Assert.Equal(["lisi"], e.User.DirectLeaders);
        Assert.Equal([false, true], e.User.IsLeaderInDept);
    }

    [Fact]
    public void Parse_UpdateUserWithoutStatus_LeavesStatusNull()
    {
        var xml = "<xml><ToUserName>ww1</ToUserName><FromUserName>sys</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>change_contact</Event><ChangeType>update_user</ChangeType><UserID>u1</UserID><Department>1</Department></xml>";
        var e = Assert.IsType<UserUpdatedEvent>(CallbackEventParser.Parse(xml).Event);
        Assert.Null(e.User.Status);
    }

    [Fact]
    public void Parse_DeleteUser_ReadsUserId() => Assert.Equal("zhangsan", ParseSample<UserDeletedEvent>().UserId);

    [Fact]
    public void Parse_ExternalContactEvents_ReadMemberCustomerAndExtras()
    {
        var added = ParseSample<ExternalContactAddedEvent>();
        Assert.Equal(("zhangsan", "woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA", "teststate", "WELCOMECODE"), (added.UserId, added.ExternalUserId, added.State, added.WelcomeCode));
        Assert.Equal("teststate", ParseSample<HalfExternalContactAddedEvent>().State);
        Assert.Equal("zhangsan", ParseSample<ExternalContactEditedEvent>().UserId);
        Assert.Equal("DELETE_BY_TRANSFER", ParseSample<ExternalContactDeletedEvent>().Source);
        Assert.Equal("woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA", ParseSample<FollowUserDeletedEvent>().ExternalUserId);
    }

    [Fact]
    public void Parse_TransferFail_ReadsTakeoverAndReason()
    {
        var e = ParseSample<TransferFailedEvent>();
        Assert.Equal("lisi", e.UserId);
        Assert.Equal("customer_refused", e.FailReason);
    }

    [Fact]
    public void Parse_ExternalChatEvents_ReadChatAndUpdateDetail()
    {
        Assert.Equal("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", ParseSample<ExternalChatCreatedEvent>().ChatId);
        Assert.Equal("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", ParseSample<ExternalChatDismissedEvent>().ChatId);
        var update = ParseSample<ExternalChatUpdatedEvent>();
        Assert.Equal("add_member", update.UpdateDetail);
        Assert.Equal((1, 0, 2), (update.JoinScene, update.QuitScene, update.MemChangeCount));
        Assert.Equal(["Jack", "Rose"], update.MemChangeList);
    }

    [Fact]
    public void Parse_TemplateCardEvent_ReadsKeyTaskAndSelections()
    {
        var e = ParseSample<TemplateCardEvent>();
        Assert.Equal(("approve", "succession-42-approval", "vote_interaction", "ResponseCode"), (e.EventKey, e.TaskId, e.CardType, e.ResponseCode));
        Assert.Equal("1000002", e.Header.AgentId);
        Assert.Equal(2, e.SelectedItems.Count);
        Assert.Equal("QuestionKey1", e.SelectedItems[0].QuestionKey);
        Assert.Equal(["OptionId1", "OptionId2"], e.SelectedItems[0].OptionIds);
        Assert.Equal(["OptionId3"], e.SelectedItems[1].OptionIds);
    }

    [Fact]
    public void Parse_UnknownEvent_BecomesGenericEventWithFields()
    {
        var e = ParseSample<UnknownEvent>();
        Assert.Equal("change_external_tag", e.Header.Event);
        Assert.Equal("etm7wjCgAA", e.Fields["Id"]);
    }

    [Fact]
    public void Parse_TextMessage_BecomesGenericEvent()
    {
        var e = Assert.IsType<UnknownEvent>(CallbackEventParser.Parse(OfficialVectorsPlaintext).Event);
        Assert.Equal("你好", e.Fields["Content"]);
    }

    private const string OfficialVectorsPlaintext = "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>";

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<xml><ToUserName>ww1</ToUserName>")]
    [InlineData("<root><ToUserName>ww1</ToUserName></root>")]
    [InlineData("<xml><FromUserName>sys</FromUserName></xml>")]
    [InlineData("<xml><ToUserName>ww1</ToUserName><Event>change_contact</Event><ChangeType>delete_user</ChangeType></xml>")]
    [InlineData("<xml><ToUserName>ww1</ToUserName><Event>change_external_contact</Event><ChangeType>transfer_fail</ChangeType><UserID>u</UserID></xml>")]
    [InlineData("<xml><ToUserName>ww1</ToUserName><Event>change_external_chat</Event><ChangeType>dismiss</ChangeType></xml>")]
    public void Parse_MalformedOrIncomplete_ReturnsErrorWithoutThrowing(string xml)
    {
        var result = CallbackEventParser.Parse(xml);
        Assert.False(result.IsSuccess);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void DedupeKey_SameDeliveryTwice_IsEqual()
    {
        var xml = File.ReadAllText(Path.Combine(SampleDirectory, "UserDeletedEvent.xml"));
        Assert.Equal(CallbackEventParser.Parse(xml).Event!.DedupeKey, CallbackEventParser.Parse(xml).Event!.DedupeKey);
    }

    [Fact]
    public void DedupeKey_TwoMembersDeletedInTheSameSecond_Differ()
    {
        var xml = File.ReadAllText(Path.Combine(SampleDirectory, "UserDeletedEvent.xml"));
        var other = xml.Replace("zhangsan", "lisi", StringComparison.Ordinal);
        Assert.NotEqual(CallbackEventParser.Parse(xml).Event!.DedupeKey, CallbackEventParser.Parse(other).Event!.DedupeKey);
    }

    [Fact]
    public void DedupeKey_DisabledThenDeleted_Differ()
    {
        var updated = ParseSample<UserUpdatedEvent>();
        var deleted = ParseSample<UserDeletedEvent>();
        Assert.NotEqual(updated.DedupeKey, deleted.DedupeKey);
        Assert.StartsWith("wwcorp0001|change_contact|delete_user|1763700000|zhangsan", deleted.DedupeKey, StringComparison.Ordinal);
    }
}
