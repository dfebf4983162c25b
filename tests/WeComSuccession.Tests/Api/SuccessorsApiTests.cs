using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WeComSuccession.Api;

namespace WeComSuccession.Tests.Api;

public sealed class SuccessorsApiTests : ApiTestHost
{
    [Fact]
    public async Task Put_NewSuccessor_Returns201AndIsAudited()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");

        var response = await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        Assert.Equal("/api/v1/successors/zhangsan", response.Headers.Location?.OriginalString);
        var stored = await Client.GetFromJsonAsync<SuccessorDto>("/api/v1/successors/zhangsan", Ct);
        Assert.Equal(("zhangsan", "lisi", "api-key:tests"), (stored!.HandoverUserId, stored.SuccessorUserId, stored.RegisteredBy));
        var entry = Assert.Single(await AuditOfAsync("registered_successor", "zhangsan"));
        Assert.Equal(("api-key:tests", "successor.register", null), (entry.Actor, entry.Action, entry.Before));
        Assert.Equal("lisi", JsonNode.Parse(entry.After!)!["successor_userid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_OtherSuccessor_Returns200AndAuditsBeforeAndAfter()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await InsertMemberAsync("wangwu");
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);

        var response = await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "wangwu" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("wangwu", (await response.Content.ReadFromJsonAsync<SuccessorDto>(Ct))!.SuccessorUserId);
        var entries = await AuditOfAsync("registered_successor", "zhangsan");
        Assert.Equal(["successor.register", "successor.change"], entries.Select(e => e.Action));
        Assert.Equal("lisi", JsonNode.Parse(entries[1].Before!)!["successor_userid"]!.GetValue<string>());
        Assert.Equal("wangwu", JsonNode.Parse(entries[1].After!)!["successor_userid"]!.GetValue<string>());
        await AssertChainValidAsync();
    }

    [Fact]
    public async Task Put_SameSuccessorAgain_Returns200AndAddsNoAuditEntry()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);

        var response = await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal(1, await AuditCountAsync());
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("disabled")]
    [InlineData("zhangsan")]
    [InlineData("")]
    public async Task Put_IneligibleSuccessor_Returns400NamingSuccessorUserId(string successor)
    {
        await InsertMemberAsync("disabled", status: 2);
        await InsertMemberAsync("zhangsan");

        var response = await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = successor }, Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "successorUserId");
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM registered_successors"));
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Delete_Registered_Returns204AndIsAudited()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);

        var response = await Client.DeleteAsync(new Uri("/api/v1/successors/zhangsan", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, response);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(new Uri("/api/v1/successors/zhangsan", UriKind.Relative), Ct)).StatusCode);
        var removed = (await AuditOfAsync("registered_successor", "zhangsan"))[^1];
        Assert.Equal(("successor.remove", null), (removed.Action, removed.After));
        Assert.Equal("lisi", JsonNode.Parse(removed.Before!)!["successor_userid"]!.GetValue<string>());
        await AssertChainValidAsync();
    }

    [Fact]
    public async Task Delete_NotRegistered_Returns404AndAuditsNothing()
    {
        var response = await Client.DeleteAsync(new Uri("/api/v1/successors/zhangsan", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task List_Registered_ReturnsAllByDepartingMember()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await InsertMemberAsync("wangwu");
        await InsertMemberAsync("amy");
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);
        await Client.PutAsJsonAsync("/api/v1/successors/amy", new { successorUserId = "wangwu" }, Ct);

        var all = await Client.GetFromJsonAsync<SuccessorDto[]>("/api/v1/successors", Ct);

        Assert.Equal([("amy", "wangwu"), ("zhangsan", "lisi")], all!.Select(s => (s.HandoverUserId, s.SuccessorUserId)));
    }

    [Fact]
    public async Task Put_DepartingMemberNobodyKnows_Returns400NamingHandoverAndWritesNothing()
    {
        await InsertMemberAsync("lisi");

        var response = await Client.PutAsJsonAsync("/api/v1/successors/ghost", new { successorUserId = "lisi" }, Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "handoverUserId");
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM registered_successors"));
        Assert.Equal(0, await AuditCountAsync());
    }

    [Fact]
    public async Task Put_SuccessorWhoHasLeft_Returns400NamingSuccessorAndWritesNothing()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("gone");
        await ExecuteAsync("UPDATE members SET departed_at = now() WHERE userid = 'gone'");

        var response = await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "gone" }, Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, "successorUserId");
        Assert.Contains("has left", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM registered_successors"));
    }

    [Fact]
    public async Task Put_IdsInOtherCase_StoresThemAsTheDirectorySpellsThem()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");

        var response = await Client.PutAsJsonAsync("/api/v1/successors/ZhangSan", new { successorUserId = "LISI" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        var stored = await Client.GetFromJsonAsync<SuccessorDto>("/api/v1/successors/zhangsan", Ct);
        Assert.Equal(("zhangsan", "lisi"), (stored!.HandoverUserId, stored.SuccessorUserId));
    }
}
