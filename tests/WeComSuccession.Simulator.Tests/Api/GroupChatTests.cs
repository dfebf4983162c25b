using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class GroupChatTests
{
    [Fact]
    public async Task GroupChatList_Paging_ReturnsEveryGroupExactlyOnce()
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 100, 2, 10));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await c.GroupListAsync(new() { Cursor = cursor, Limit = 300 });
            Assert.Equal(0, page.ErrCode);
            seen.AddRange(page.GroupChatList.Select(g => g.ChatId));
            cursor = page.NextCursor;
            pages++;
        }
        while (!string.IsNullOrEmpty(cursor));

        Assert.Equal(4, pages);
        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, seen.Distinct().Count());
    }

    [Fact]
    public async Task GroupChatList_StatusFilterAndOwnerFilter_FindAResignedOwnersGroups()
    {
        await using var c = await SimClient.StartAsync();
        var groups = c.Sim.GroupsOf("zhangsan").Select(g => g.ChatId).Order(StringComparer.Ordinal).ToList();
        c.Sim.DeleteMember("zhangsan");

        var byStatus = await c.GroupListAsync(new() { StatusFilter = ExternalContactGroupChatStatusFilter.OwnerResigned });
        var byOwner = await c.GroupListAsync(new() { OwnerFilter = new() { UserIdList = ["zhangsan"] } });

        Assert.Equal(groups, byStatus.GroupChatList.Select(g => g.ChatId));
        Assert.All(byStatus.GroupChatList, g => Assert.Equal(ExternalContactGroupChatStatus.OwnerResigned, g.Status));
        Assert.Equal(groups, byOwner.GroupChatList.Select(g => g.ChatId));
    }

    [Fact]
    public async Task GroupChatList_OwnerFilterWithResignedOwnerSwitch_Answers40003()
    {
        await using var c = await SimClient.StartAsync(o => o.Switches.OwnerFilterWithResignedOwnerFails = true);
        c.Sim.DeleteMember("zhangsan");

        Assert.Equal(40003, (await c.GroupListAsync(new() { OwnerFilter = new() { UserIdList = ["zhangsan"] } })).ErrCode);
        Assert.Equal(0, (await c.GroupListAsync(new() { OwnerFilter = new() { UserIdList = ["lisi"] } })).ErrCode);
    }

    [Fact]
    public async Task GroupChatTransfer_ResignedOwner_InheritsAfterDelayWith90507Then90508()
    {
        await using var c = await SimClient.StartAsync(o => o.GroupTakeoverDelay = TimeSpan.FromMinutes(1));
        var chat = c.Sim.GroupsOf("zhangsan")[0].ChatId;
        c.Sim.DeleteMember("zhangsan");

        Assert.Empty((await c.GroupTransferAsync("lisi", chat)).FailedChatList);
        Assert.Equal(2, c.Sim.Group(chat)!.Status);
        Assert.Equal(90507, Assert.Single((await c.GroupTransferAsync("zhaolei", chat)).FailedChatList).ErrCode);

        c.Sim.AdvanceClock(TimeSpan.FromMinutes(2));
        Assert.Equal(("lisi", 3), (c.Sim.Group(chat)!.Owner, c.Sim.Group(chat)!.Status));
        var again = Assert.Single((await c.GroupTransferAsync("zhaolei", chat)).FailedChatList);
        Assert.Equal(90508, again.ErrCode);
        var inherited = await c.GroupListAsync(new() { StatusFilter = ExternalContactGroupChatStatusFilter.Inherited });
        Assert.Equal(chat, Assert.Single(inherited.GroupChatList).ChatId);
    }

    [Fact]
    public async Task GroupChatTransfer_BadChats_FailWithWeComsPerGroupCodes()
    {
        await using var c = await SimClient.StartAsync();
        var active = c.Sim.GroupsOf("chenjie")[0].ChatId;
        var internalGroup = c.Sim.GroupsOf("lina").Single(g => !g.IsCustomerGroup).ChatId;
        var resigned = c.Sim.GroupsOf("zhangsan")[0].ChatId;
        c.Sim.DeleteMember("zhangsan");

        var response = await c.GroupTransferAsync("lisi", active, internalGroup, "wr-unknown", resigned);

        Assert.Equal(0, response.ErrCode);
        Assert.Equal([(active, 90500), (internalGroup, 90501), ("wr-unknown", 40050)], response.FailedChatList.Select(f => (f.ChatId, f.ErrCode)));
        Assert.Equal(40058, (await c.GroupTransferAsync("lisi", [.. Enumerable.Range(0, 101).Select(i => $"wr{i}")])).ErrCode);
        Assert.Equal(40003, (await c.GroupTransferAsync("zhangsan", resigned)).ErrCode);
    }

    [Fact]
    public async Task GroupOnJobTransfer_ResignedOrSameOwner_Fails90502And90504()
    {
        await using var c = await SimClient.StartAsync();
        var mine = c.Sim.GroupsOf("chenjie")[0].ChatId;
        var resigned = c.Sim.GroupsOf("zhangsan")[0].ChatId;
        c.Sim.DeleteMember("zhangsan");

        var response = await c.GroupOnJobTransferAsync("chenjie", mine, resigned);
        var moved = await c.GroupOnJobTransferAsync("yangfan", mine);

        Assert.Equal([(mine, 90504), (resigned, 90502)], response.FailedChatList.Select(f => (f.ChatId, f.ErrCode)));
        Assert.Empty(moved.FailedChatList);
        Assert.Equal("yangfan", c.Sim.Group(mine)!.Owner);
    }

    [Fact]
    public async Task GroupChatTransfer_MoreThan300OfOneOwnerInADay_FailsUntilTheNextDay()
    {
        await using var c = await SimClient.StartAsync(o => { SimClient.Generated(o, 3, 1, 350); o.GroupTakeoverDelay = TimeSpan.Zero; });
        var chats = c.Sim.GroupsOf("u00001").Select(g => g.ChatId).ToList();
        c.Sim.DeleteMember("u00001");

        var failed = new List<ExternalContactGroupChatTransferFailedItem>();
        foreach (var batch in chats.Chunk(100))
        {
            failed.AddRange((await c.GroupTransferAsync("u00002", batch)).FailedChatList);
        }

        Assert.Equal(50, failed.Count);
        Assert.All(failed, f => Assert.Equal(45009, f.ErrCode));
        Assert.Equal(300, c.Sim.GroupsOf("u00002").Count - 350);

        c.Sim.AdvanceClock(TimeSpan.FromDays(1));
        Assert.Empty((await c.GroupTransferAsync("u00002", [.. failed.Select(f => f.ChatId)])).FailedChatList);
        Assert.Equal(700, c.Sim.GroupsOf("u00002").Count);
    }

    [Fact]
    public async Task GroupChatGet_ReturnsOwnerAndMembers()
    {
        await using var c = await SimClient.StartAsync();
        var chat = c.Sim.GroupsOf("zhangsan")[0].ChatId;

        var response = await c.PostAsync<ExternalContactGroupChatGetRequest, ExternalContactGroupChatGetResponse>(
            "/cgi-bin/externalcontact/groupchat/get", new() { ChatId = chat, NeedName = 1 });

        Assert.Equal("zhangsan", response.GroupChat!.Owner);
        Assert.Contains(response.GroupChat.MemberList, m => m.Type == 2);
        Assert.Equal(40050, (await c.PostAsync<ExternalContactGroupChatGetRequest, ExternalContactGroupChatGetResponse>(
            "/cgi-bin/externalcontact/groupchat/get", new() { ChatId = "wr-nope" })).ErrCode);
    }
}
