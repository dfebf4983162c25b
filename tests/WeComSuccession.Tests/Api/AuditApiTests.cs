using System.Net.Http.Json;
using WeComSuccession.Api;

namespace WeComSuccession.Tests.Api;

public sealed class AuditApiTests : ApiTestHost
{
    [Fact]
    public async Task List_ByEntity_ReturnsItsEntriesOldestFirstPageByPage()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await InsertMemberAsync("wangwu");
        await InsertMemberAsync("amy");
        foreach (var successor in new[] { "lisi", "wangwu", "lisi" })
        {
            await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = successor }, Ct);
        }

        await Client.PutAsJsonAsync("/api/v1/successors/amy", new { successorUserId = "lisi" }, Ct);

        var first = await Client.GetFromJsonAsync<AuditPageDto>("/api/v1/audit?entityType=registered_successor&entityId=zhangsan&limit=2", Ct);
        var second = await Client.GetFromJsonAsync<AuditPageDto>($"/api/v1/audit?entityType=registered_successor&entityId=zhangsan&limit=2&after={first!.Next}", Ct);

        Assert.Equal(["successor.register", "successor.change"], first.Items.Select(e => e.Action));
        Assert.Equal(["successor.change"], second!.Items.Select(e => e.Action));
        Assert.Null(second.Next);
        var entry = second.Items[0];
        Assert.Equal(("api-key:tests", "wangwu", "lisi"), (entry.Actor, entry.Before!.Value.GetProperty("successor_userid").GetString(), entry.After!.Value.GetProperty("successor_userid").GetString()));
        Assert.Equal(64, entry.Hash.Length);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=-1", "after")]
    public async Task List_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var response = await Client.GetAsync(new Uri("/api/v1/audit?" + query, UriKind.Relative), Ct);

        await DeparturesApiTests.AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Verify_TamperedRow_ReportsItsIdAndWhy()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await InsertMemberAsync("wangwu");
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "wangwu" }, Ct);
        await AssertChainValidAsync();

        await ExecuteAsync("SET session_replication_role = replica; UPDATE audit_log SET actor = 'api-key:other' WHERE id = 2; SET session_replication_role = origin");
        var result = await Client.GetFromJsonAsync<Verification>("/api/v1/audit/verify", Ct);

        Assert.Equal((false, 2L, "edited", 1L), (result!.Valid, result.BrokenAt!.Value, result.Problem, result.Rows));
        Assert.Contains("actor", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IntactChain_ReturnsValidRowsAndHeadOnly()
    {
        await InsertMemberAsync("zhangsan");
        await InsertMemberAsync("lisi");
        await Client.PutAsJsonAsync("/api/v1/successors/zhangsan", new { successorUserId = "lisi" }, Ct);

        var json = await Client.GetStringAsync(new Uri("/api/v1/audit/verify", UriKind.Relative), Ct);

        Assert.StartsWith("{\"valid\":true,\"rows\":1,\"headId\":1,\"headHash\":\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("brokenAt", json, StringComparison.Ordinal);
    }
}
