using WeComSuccession.WeCom.Tests.TestSupport;
using System.Text.Json;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WireMock;
using WireMock.Matchers;
using static WeComSuccession.WeCom.Tests.TestSupport.WeComMock;

namespace WeComSuccession.WeCom.Tests.Api;

public sealed class WeComClientPagingTests
{
    private const string Unassigned = "/cgi-bin/externalcontact/get_unassigned_list";
    private const string GroupChatList = "/cgi-bin/externalcontact/groupchat/list";
    private const string TransferResult = "/cgi-bin/externalcontact/transfer_result";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string? CursorOf(IRequestMessage request) =>
        JsonDocument.Parse(request.Body!).RootElement.TryGetProperty("cursor", out var c) ? c.GetString() : null;

    // A page asked for with this cursor; the first page (no cursor) is the lowest-priority stub.
    private static JsonPartialMatcher Cursor(string cursor) => new($$"""{"cursor":"{{cursor}}"}""");

    [Fact]
    public async Task StreamUnassignedList_ThreePages_YieldsEachItemOnceAndFetchesLazily()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(Unassigned).UsingPost()).AtPriority(10).RespondWith(Json(Page(1, "c2", isLast: false)));
        wecom.Server.Given(Call(Unassigned).UsingPost().WithBody(Cursor("c2"))).AtPriority(1).RespondWith(Json(Page(2, "c3", isLast: false)));
        wecom.Server.Given(Call(Unassigned).UsingPost().WithBody(Cursor("c3"))).AtPriority(1).RespondWith(Json(Page(3, "", isLast: true)));
        using var client = new TestClient(wecom);

        var seen = new List<string>();
        await using var items = client.Client.StreamExternalContactGetUnassignedListAsync(new ExternalContactGetUnassignedListRequest(), Ct).GetAsyncEnumerator(Ct);
        for (var page = 1; page <= 3; page++)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await items.MoveNextAsync());
                seen.Add(items.Current.ExternalUserId);
                // Every item of this page is consumed before the next page is asked for.
                Assert.Equal(page, wecom.Count(Unassigned));
            }
        }

        Assert.False(await items.MoveNextAsync());
        Assert.Equal(3, wecom.Count(Unassigned));
        Assert.Equal([.. from p in Enumerable.Range(1, 3) from i in Enumerable.Range(1, 3) select $"wm{p}-{i}"], seen);
        Assert.Equal([null, "c2", "c3"], wecom.Requests(Unassigned).Select(CursorOf));

        static string Page(int page, string next, bool isLast) => Ok($$"""
            "info":[{{string.Join(",", Enumerable.Range(1, 3).Select(i => $$"""{"handover_userid":"h{{page}}","external_userid":"wm{{page}}-{{i}}","dimission_time":1550838571}"""))}}],
            "is_last":{{(isLast ? "true" : "false")}},"next_cursor":"{{next}}"
            """);
    }

    [Fact]
    public async Task StreamGroupChatList_ThreePages_SendsFiltersAndYieldsAll()
    {
        using var wecom = Start();
        // Every page must carry the filters; a request without them matches no stub and fails the call.
        var filters = new JsonPartialMatcher("""{"status_filter":1,"owner_filter":{"userid_list":["gone"]},"limit":2}""");
        wecom.Server.Given(Call(GroupChatList).UsingPost().WithBody(filters)).AtPriority(10).RespondWith(Json(Ok("""
            "group_chat_list":[{"chat_id":"wr1","status":1},{"chat_id":"wr2","status":1}],"next_cursor":"n2"
            """)));
        wecom.Server.Given(Call(GroupChatList).UsingPost().WithBody([filters, Cursor("n2")], MatchOperator.And)).AtPriority(1).RespondWith(Json(Ok("""
            "group_chat_list":[{"chat_id":"wr3","status":1}],"next_cursor":"n3"
            """)));
        wecom.Server.Given(Call(GroupChatList).UsingPost().WithBody([filters, Cursor("n3")], MatchOperator.And)).AtPriority(1).RespondWith(Json(Ok("""
            "group_chat_list":[{"chat_id":"wr4","status":2}],"next_cursor":""
            """)));
        using var client = new TestClient(wecom);

        var chats = new List<ExternalContactGroupChatListItem>();
        await foreach (var chat in client.Client.StreamExternalContactGroupChatListAsync(
            new ExternalContactGroupChatListRequest
            {
                StatusFilter = ExternalContactGroupChatStatusFilter.OwnerResigned,
                OwnerFilter = new ExternalContactGroupChatListOwnerFilter { UserIdList = ["gone"] },
                Limit = 2,
            },
            Ct))
        {
            chats.Add(chat);
        }

        Assert.Equal(["wr1", "wr2", "wr3", "wr4"], chats.Select(c => c.ChatId));
        Assert.Equal(ExternalContactGroupChatStatus.Inheriting, chats[3].Status);
        Assert.Equal([null, "n2", "n3"], wecom.Requests(GroupChatList).Select(CursorOf));
    }

    [Fact]
    public async Task StreamTransferResult_CursorRepeats_ThrowsInsteadOfLooping()
    {
        using var wecom = Start();
        wecom.Server.Given(Call(TransferResult).UsingPost()).RespondWith(Json(Ok("""
            "customer":[{"external_userid":"wm1","status":2,"takeover_time":1588262400}],"next_cursor":"same"
            """)));
        using var client = new TestClient(wecom);

        var count = 0;
        await Assert.ThrowsAsync<WeComMalformedResponseException>(async () =>
        {
            await foreach (var _ in client.Client.StreamExternalContactTransferResultAsync(
                new ExternalContactTransferResultRequest { HandoverUserId = "h", TakeoverUserId = "t" }, Ct))
            {
                count++;
            }
        });

        Assert.Equal(2, count);
        Assert.Equal(2, wecom.Count(TransferResult));
    }
}
