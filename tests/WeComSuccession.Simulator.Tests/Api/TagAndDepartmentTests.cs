using System.Text.Json;
using System.Text.Json.Nodes;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Tests.TestSupport;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class TagAndDepartmentTests
{
    [Fact]
    public async Task ExternalContactGet_KeyCustomer_HasTheCorpTagOnItsFollower()
    {
        await using var c = await SimClient.StartAsync();
        var key = KeyCustomerOf(c, "zhangsan");

        var contact = await c.GetJsonAsync("/cgi-bin/externalcontact/get?external_userid=" + key);

        var follower = contact.GetProperty("follow_user").EnumerateArray().Single(f => f.GetProperty("userid").GetString() == "zhangsan");
        var tag = follower.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("tag_id").GetString() == StandardTags.KeyCustomer);
        Assert.Equal(("客户等级", "重要客户", 1), (tag.GetProperty("group_name").GetString(), tag.GetProperty("tag_name").GetString(), tag.GetProperty("type").GetInt32()));
    }

    [Fact]
    public async Task BatchGetByUser_ListsTheTagIdsOfEachRelation()
    {
        await using var c = await SimClient.StartAsync();

        var page = await c.PostJsonAsync("/cgi-bin/externalcontact/batch/get_by_user", new JsonObject { ["userid_list"] = new JsonArray("zhangsan"), ["limit"] = 100 });

        var items = page.GetProperty("external_contact_list").EnumerateArray().ToList();
        Assert.Equal(c.Sim.CustomersOf("zhangsan").Count, items.Count);
        var keyCustomers = items.Where(i => i.GetProperty("follow_info").GetProperty("tag_id").EnumerateArray().Any(t => t.GetString() == StandardTags.KeyCustomer))
            .Select(i => i.GetProperty("external_contact").GetProperty("external_userid").GetString()).ToList();
        Assert.Equal(6, keyCustomers.Count);
        Assert.Contains(KeyCustomerOf(c, "zhangsan"), keyCustomers);
    }

    [Fact]
    public async Task GetCorpTagList_FiltersByGroupOrTag_GroupWinsOverTag()
    {
        await using var c = await SimClient.StartAsync();

        var all = await c.PostJsonAsync("/cgi-bin/externalcontact/get_corp_tag_list", new { });
        var byTag = await c.PostJsonAsync("/cgi-bin/externalcontact/get_corp_tag_list", new JsonObject { ["tag_id"] = new JsonArray(StandardTags.KeyCustomer, "etUnknown") });
        var byGroup = await c.PostJsonAsync("/cgi-bin/externalcontact/get_corp_tag_list", new JsonObject { ["tag_id"] = new JsonArray(StandardTags.KeyCustomer), ["group_id"] = new JsonArray(StandardTags.SourceGroupId) });
        var wrongType = await c.PostJsonAsync("/cgi-bin/externalcontact/get_corp_tag_list", new JsonObject { ["tag_id"] = StandardTags.KeyCustomer });

        Assert.Equal([("客户等级", 2), ("客户来源", 3)], Groups(all).Select(g => (g.GetProperty("group_name").GetString(), g.GetProperty("tag").GetArrayLength())));
        Assert.False(Groups(all)[0].TryGetProperty("deleted", out _));
        var keyGroup = Assert.Single(Groups(byTag));
        var keyTag = Assert.Single(keyGroup.GetProperty("tag").EnumerateArray());
        Assert.Equal((StandardTags.KeyCustomer, "重要客户", false), (keyTag.GetProperty("id").GetString(), keyTag.GetProperty("name").GetString(), keyTag.GetProperty("deleted").GetBoolean()));
        Assert.Equal(["线下活动", "转介绍", "官网咨询"], Assert.Single(Groups(byGroup)).GetProperty("tag").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(40058, wrongType.ErrCode());
    }

    [Fact]
    public async Task ResignedTransfer_TagsMoveWithTheRelationToTheTakeover()
    {
        await using var c = await SimClient.StartAsync();
        var key = KeyCustomerOf(c, "zhangsan");
        c.Sim.DeleteMember("zhangsan", silent: true);
        await c.ResignedTransferAsync("zhangsan", "lisi", key);

        c.Sim.AdvanceClock(TimeSpan.FromHours(24));
        var contact = await c.GetJsonAsync("/cgi-bin/externalcontact/get?external_userid=" + key);

        var follower = Assert.Single(contact.GetProperty("follow_user").EnumerateArray(), f => f.GetProperty("userid").GetString() == "lisi");
        Assert.Equal(202, follower.GetProperty("add_way").GetInt32());
        Assert.Contains(StandardTags.KeyCustomer, follower.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("tag_id").GetString()));
    }

    [Fact]
    public async Task ControlApi_MarkTags_ChangesTheRelationAndPushesEditExternalContact()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var c = await SimClient.StartAsync(o => o.Callback.Url = receiver.Url.ToString());
        var customer = c.Sim.CustomersOf("lisi")[1];

        var tags = c.Sim.MarkTags(customer, "lisi", add: [StandardTags.KeyCustomer], remove: [StandardTags.RegularCustomer]);
        await c.Sim.WaitForCallbacksAsync(TestContext.Current.CancellationToken);

        Assert.Contains(StandardTags.KeyCustomer, tags!);
        Assert.DoesNotContain(StandardTags.RegularCustomer, tags!);
        Assert.Equal("edit_external_contact", Assert.Single(c.Sim.CallbackDeliveries()).ChangeType);
        Assert.Null(c.Sim.MarkTags(customer, "lisi", add: ["etUnknown"], remove: null));
    }

    [Fact]
    public async Task Generator_KeyCustomerRate_TagsThatShareOfCustomers()
    {
        await using var c = await SimClient.StartAsync(o => { SimClient.Generated(o, 20, 100, 0); o.Generator.KeyCustomerRate = 0.25; });

        var keyed = c.Sim.AllCustomerIds().Count(id => c.Sim.Customer(id)!.Followers.Any(f => f.TagIds.Contains(StandardTags.KeyCustomer)));
        var tagged = c.Sim.AllCustomerIds().Count(id => c.Sim.Customer(id)!.Followers.All(f => f.TagIds.Count > 0));

        Assert.InRange(keyed, 400, 600);
        Assert.Equal(2000, tagged);
    }

    [Fact]
    public async Task DepartmentListAndGet_ShowNamesParentsAndLeaders()
    {
        await using var c = await SimClient.StartAsync();

        var sales = await c.GetJsonAsync("/cgi-bin/department/list?id=5");
        var one = await c.GetJsonAsync("/cgi-bin/department/get?id=2");
        var unknown = await c.GetJsonAsync("/cgi-bin/department/get?id=99");
        var all = await c.GetJsonAsync("/cgi-bin/department/list");

        Assert.Equal([(5L, "销售中心", 1L), (2L, "销售一部", 5L), (3L, "销售二部", 5L)], sales.GetProperty("department").EnumerateArray().Select(d => (d.GetProperty("id").GetInt64(), d.GetProperty("name").GetString(), d.GetProperty("parentid").GetInt64())).OrderBy(d => d.Item1 == 5 ? 0 : d.Item1));
        var dept = one.GetProperty("department");
        Assert.Equal(("销售一部", 5L), (dept.GetProperty("name").GetString(), dept.GetProperty("parentid").GetInt64()));
        Assert.Equal(["lina"], dept.GetProperty("department_leader").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(60123, unknown.ErrCode());
        Assert.Equal(5, all.GetProperty("department").GetArrayLength());
    }

    [Fact]
    public async Task Generator_RegionsSitBetweenTheCompanyAndTheSalesDepartments()
    {
        await using var c = await SimClient.StartAsync(o => { SimClient.Generated(o, 12 * 50, 1, 0); o.Generator.DepartmentsPerRegion = 5; });

        var departments = c.Sim.Departments();

        Assert.Equal(1 + 12 + 3, departments.Count);
        Assert.All(departments.Where(d => d.Name.StartsWith("销售", StringComparison.Ordinal)), d => Assert.StartsWith("第", departments.Single(p => p.Id == d.ParentId).Name, StringComparison.Ordinal));
        Assert.Equal([3L], c.Sim.Member("u00050")!.Departments);
    }

    private static string KeyCustomerOf(SimClient c, string userId) =>
        c.Sim.CustomersOf(userId).First(id => c.Sim.Customer(id)!.Followers.Any(f => f.UserId == userId && f.TagIds.Contains(StandardTags.KeyCustomer)));

    private static List<JsonElement> Groups(JsonElement response) => [.. response.GetProperty("tag_group").EnumerateArray()];
}
