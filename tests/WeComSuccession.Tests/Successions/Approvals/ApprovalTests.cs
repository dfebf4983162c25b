using System.Net;
using System.Net.Http.Json;

namespace WeComSuccession.Tests.Successions.Approvals;

/// <summary>With <c>Succession:Approval:Mode=Always</c> nothing leaves for WeCom until a person approves the plan.</summary>
public sealed class ApprovalTests
{
    private const string ResignedCustomers = "/cgi-bin/externalcontact/resigned/transfer_customer";
    private const string ResignedGroups = "/cgi-bin/externalcontact/groupchat/transfer";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SuccessionHarness> StartAsync() => SuccessionHarness.StartAsync(
        Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss")], Corps.Customers("sales1", 3), Corps.Groups("sales1", 2)),
        sim => sim.GroupTakeoverDelay = TimeSpan.FromSeconds(2),
        new Dictionary<string, string?>(SuccessionHarness.AdminKeySettings) { ["Succession:Approval:Mode"] = "Always" });

    private static async Task<long> AwaitApprovalAsync(SuccessionHarness h)
    {
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "awaiting_approval", Deadline, "the plan to await approval", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["planned"] = 5 }, await h.ItemStatesAsync("sales1"));
        Assert.Equal("boss", Assert.Single(await h.QueryAsync<string>("SELECT unnest(approvers) FROM successions WHERE handover_userid = 'sales1'")));
        await h.WaitUntilSettledAsync("sales1", Deadline); // the pass that asked for approval is over, and nothing is due
        Assert.Equal("awaiting_approval", await h.SuccessionStateAsync("sales1"));
        Assert.Empty(h.Sim.ApiCalls(ResignedCustomers));
        Assert.Empty(h.Sim.ApiCalls(ResignedGroups));
        return (await h.SuccessionIdAsync("sales1"))!.Value;
    }

    [Fact]
    public async Task Delete_ApprovalAlways_NoTransferUntilApprovedThenTransfers()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales1");
        var id = await AwaitApprovalAsync(h);
        using var api = h.CreateAdminClient();

        using var response = await api.PostAsJsonAsync($"/api/v1/departures/{id}/approve", new { approver = "boss" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3
            && (await h.ItemStatesAsync("sales1")).GetValueOrDefault("transferred") == 2, Deadline, "3 customers waiting and 2 groups transferred", () => h.DescribeAsync("sales1"));
        Assert.Equal("boss", await h.ScalarAsync<string>("SELECT decided_by FROM successions WHERE id = @id", new { id }));
        h.Sim.AdvanceClock(TimeSpan.FromHours(25));
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "completed", Deadline, "the succession to complete", () => h.DescribeAsync("sales1"));
        var transfers = h.Sim.CustomerTransfers();
        Assert.Equal(3, transfers.Count);
        Assert.All(transfers, t => Assert.Equal(("boss", 0, 1), (t.Takeover, t.ErrCode, t.Status)));
    }

    [Fact]
    public async Task Delete_ApprovalRejected_ItemsManualWithPlanRejectedAndNothingSent()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales1");
        var id = await AwaitApprovalAsync(h);
        using var api = h.CreateAdminClient();

        using var response = await api.PostAsJsonAsync($"/api/v1/departures/{id}/reject", new { approver = "boss" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        await Wait.UntilAsync(async () => await h.SuccessionStateAsync("sales1") == "rejected", Deadline, "the succession to be rejected", () => h.DescribeAsync("sales1"));
        Assert.Equal(new Dictionary<string, int> { ["manual"] = 5 }, await h.ItemStatesAsync("sales1"));
        Assert.Equal("plan rejected", Assert.Single(await h.QueryAsync<string>("SELECT DISTINCT reason FROM succession_items")));
        await h.WaitUntilSettledAsync("sales1", Deadline); // the pass the rejection woke is over
        Assert.Empty(h.Sim.ApiCalls(ResignedCustomers));
        Assert.Empty(h.Sim.ApiCalls(ResignedGroups));
    }
}
