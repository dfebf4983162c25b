using System.Text.Json;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WeComSuccession.WeCom.Tests.TestSupport;

namespace WeComSuccession.WeCom.Tests.Api;

public sealed class WeComClientPagingTests
{
    private const string Unassigned = "/cgi-bin/externalcontact/get_unassigned_list";
    private const string GroupChatList = "/cgi-bin/externalcontact/groupchat/list";
    private const string TransferResult = "/cgi-bin/externalcontact/transfer_result";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string? CursorOf(FakeRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.TryGetProperty("cursor", out var c) ? c.GetString() : null;

    [Fact]
    public async Task StreamUnassignedList_ThreePages_YieldsEachItemOnceAndFetchesLazily()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(Unassigned, r => CursorOf(r) switch
        {
            null or "" => Page(1, "c2", isLast: false),
            "c2" => Page(2, "c3", isLast: false),
            "c3" => Page(3, "", isLast: true),
            _ => FakeResponse.Error(40003),
        });
        using var client = new TestClient(server);

        var seen = new List<string>();
        await using var items = client.Client.StreamExternalContactGetUnassignedListAsync(new ExternalContactGetUnassignedListRequest(), Ct).GetAsyncEnumerator(Ct);
        for (var page = 1; page <= 3; page++)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await items.MoveNextAsync());
                seen.Add(items.Current.ExternalUserId);
                // Every item of this page is consumed before the next page is asked for.
                Assert.Equal(page, server.Count(Unassigned));
            }
        }

        Assert.False(await items.MoveNextAsync());
        Assert.Equal(3, server.Count(Unassigned));
        Assert.Equal([.. from p in Enumerable.Range(1, 3) from i in Enumerable.Range(1, 3) select $"wm{p}-{i}"], seen);
        Assert.Equal([null, "c2", "c3"], server.Requests(Unassigned).Select(CursorOf));

        static FakeResponse Page(int page, string next, bool isLast) => FakeResponse.Ok($$"""
            "info":[{{string.Join(",", Enumerable.Range(1, 3).Select(i => $$"""{"handover_userid":"h{{page}}","external_userid":"wm{{page}}-{{i}}","dimission_time":1550838571}"""))}}],
            "is_last":{{(isLast ? "true" : "false")}},"next_cursor":"{{next}}"
            """);
    }

    [Fact]
    public async Task StreamGroupChatList_ThreePages_SendsFiltersAndYieldsAll()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(GroupChatList, r => CursorOf(r) switch
        {
            null => FakeResponse.Ok("""
                "group_chat_list":[{"chat_id":"wr1","status":1},{"chat_id":"wr2","status":1}],"next_cursor":"n2"
                """),
            "n2" => FakeResponse.Ok("""
                "group_chat_list":[{"chat_id":"wr3","status":1}],"next_cursor":"n3"
                """),
            _ => FakeResponse.Ok("""
                "group_chat_list":[{"chat_id":"wr4","status":2}],"next_cursor":""
                """),
        });
        using var client = new TestClient(server);

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
        var first = JsonDocument.Parse(server.Requests(GroupChatList)[0].Body).RootElement;
        Assert.Equal(1, first.GetProperty("status_filter").GetInt32());
        Assert.Equal("gone", first.GetProperty("owner_filter").GetProperty("userid_list")[0].GetString());
        Assert.Equal(2, first.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task StreamTransferResult_CursorRepeats_ThrowsInsteadOfLooping()
    {
        await using var server = await FakeWeComServer.StartAsync();
        server.On(TransferResult, _ => FakeResponse.Ok("""
            "customer":[{"external_userid":"wm1","status":2,"takeover_time":1588262400}],"next_cursor":"same"
            """));
        using var client = new TestClient(server);

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
        Assert.Equal(2, server.Count(TransferResult));
    }
}
