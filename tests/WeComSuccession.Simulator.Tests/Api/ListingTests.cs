using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class ListingTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(37)]
    public async Task GetUnassignedList_Paging_ReturnsEveryUnassignedCustomerExactlyOnce(int pageSize)
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 20, 120, 0));
        var resigned = new[] { "u00003", "u00007", "u00011" };
        var expected = resigned.SelectMany(c.Sim.CustomersOf).ToList();
        foreach (var id in resigned)
        {
            c.Sim.DeleteMember(id);
        }

        c.Sim.DisableMember("u00004");

        var seen = new List<ExternalContactGetUnassignedListItem>();
        string? cursor = null;
        while (true)
        {
            var page = await c.PostAsync<ExternalContactGetUnassignedListRequest, ExternalContactGetUnassignedListResponse>(
                "/cgi-bin/externalcontact/get_unassigned_list", new() { Cursor = cursor, PageSize = pageSize });
            Assert.Equal(0, page.ErrCode);
            Assert.InRange(page.Info.Count, 0, pageSize);
            seen.AddRange(page.Info);
            if (page.IsLast)
            {
                Assert.True(string.IsNullOrEmpty(page.NextCursor));
                break;
            }

            cursor = page.NextCursor;
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Select(x => x.ExternalUserId).Order(StringComparer.Ordinal));
        Assert.All(seen, x => Assert.Contains(x.HandoverUserId, resigned));
        Assert.All(seen, x => Assert.Equal(c.Sim.Member(x.HandoverUserId)!.DimissionTime, x.DimissionTime));
    }

    [Fact]
    public async Task GetUnassignedList_AfterAssignment_ListsOnlyWhatIsStillUnassigned()
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 4, 30, 0));
        c.Sim.DeleteMember("u00001");
        var customers = c.Sim.CustomersOf("u00001");
        await c.ResignedTransferAsync("u00001", "u00002", [.. customers.Take(10)]);

        var page = await c.PostAsync<ExternalContactGetUnassignedListRequest, ExternalContactGetUnassignedListResponse>("/cgi-bin/externalcontact/get_unassigned_list", new());
        Assert.Equal(20, page.Info.Count);

        await c.ResignedTransferAsync("u00001", "u00002", [.. customers.Skip(10)]);
        page = await c.PostAsync<ExternalContactGetUnassignedListRequest, ExternalContactGetUnassignedListResponse>("/cgi-bin/externalcontact/get_unassigned_list", new());
        Assert.Empty(page.Info);
        Assert.True(page.IsLast);
    }

    [Fact]
    public async Task BatchGetByUser_SmallLimit_ReturnsEveryCustomerOfEveryMemberOnce()
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 5, 73, 0));
        var users = new[] { "u00000", "u00002", "u00004" };
        var expected = users.SelectMany(u => c.Sim.CustomersOf(u).Select(id => (u, id))).ToList();

        var seen = new List<(string, string)>();
        string? cursor = null;
        do
        {
            var page = await c.PostAsync<ExternalContactBatchGetByUserRequest, ExternalContactBatchGetByUserResponse>(
                "/cgi-bin/externalcontact/batch/get_by_user", new() { UserIdList = users, Cursor = cursor, Limit = 30 });
            Assert.Equal(0, page.ErrCode);
            Assert.InRange(page.ExternalContactList.Count, 1, 30);
            seen.AddRange(page.ExternalContactList.Select(x => (x.FollowInfo.UserId, x.ExternalContact.ExternalUserId)));
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task BatchGetByUser_MoreThan100Users_Answers40058AndLimitAbove100IsClamped()
    {
        await using var c = await SimClient.StartAsync(o => SimClient.Generated(o, 2, 150, 0));

        var tooMany = await c.PostAsync<ExternalContactBatchGetByUserRequest, ExternalContactBatchGetByUserResponse>(
            "/cgi-bin/externalcontact/batch/get_by_user", new() { UserIdList = [.. Enumerable.Repeat("u00000", 101)] });
        var clamped = await c.PostAsync<ExternalContactBatchGetByUserRequest, ExternalContactBatchGetByUserResponse>(
            "/cgi-bin/externalcontact/batch/get_by_user", new() { UserIdList = ["u00000"], Limit = 500 });

        Assert.Equal(40058, tooMany.ErrCode);
        Assert.Equal(100, clamped.ExternalContactList.Count);
    }

    [Fact]
    public async Task UserGet_DeletedMember_Answers60111AndDisabledShowsStatus2()
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.DisableMember("lisi");
        c.Sim.DeleteMember("zhangsan");

        Assert.Equal(2, (await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi")).Status);
        Assert.Equal(60111, (await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=zhangsan")).ErrCode);
        var ok = await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=zhaolei");
        Assert.Equal((1, "赵磊"), (ok.Status, ok.Name));
        Assert.Equal(["lina"], ok.DirectLeader!);
    }

    [Fact]
    public async Task UserListIdAndDepartments_ListTheAddressBookWithoutDeletedMembers()
    {
        await using var c = await SimClient.StartAsync();
        c.Sim.DeleteMember("zhangsan");

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await c.PostAsync<CgibinUserListIdRequest, CgibinUserListIdResponse>("/cgi-bin/user/list_id", new() { Cursor = cursor, Limit = 5 });
            seen.AddRange(page.DeptUser.Select(x => x.UserId));
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
        var departments = await c.GetAsync<CgibinDepartmentSimpleListResponse>("/cgi-bin/department/simplelist");
        var followUsers = await c.GetAsync<ExternalContactGetFollowUserListResponse>("/cgi-bin/externalcontact/get_follow_user_list");

        Assert.Equal(11, seen.Count);
        Assert.DoesNotContain("zhangsan", seen);
        Assert.Equal([1L, 2, 3, 4, 5], departments.DepartmentId.Select(d => d.Id));
        Assert.DoesNotContain("sunli", followUsers.FollowUser);
        Assert.Equal(10, followUsers.FollowUser.Count);
    }

    [Fact]
    public async Task ExternalContactGetAndList_ShowFollowersAndUnknownIdAnswers40096()
    {
        await using var c = await SimClient.StartAsync();
        var list = await c.GetAsync<ExternalContactListResponse>("/cgi-bin/externalcontact/list?userid=zhangsan");
        var detail = await c.GetAsync<ExternalContactGetResponse>("/cgi-bin/externalcontact/get?external_userid=" + list.ExternalUserId[0]);
        var unknown = await c.GetAsync<ExternalContactGetResponse>("/cgi-bin/externalcontact/get?external_userid=wm-nope");

        Assert.Equal(39, list.ExternalUserId.Count);
        Assert.Contains(detail.FollowUser, f => f.UserId == "zhangsan");
        Assert.Equal(40096, unknown.ErrCode);
    }
}
