using System.Net;
using System.Net.Http.Json;

namespace WeComSuccession.Tests.Successions;

public sealed class ManualTriggerTests
{
    private const string Key = "manual-trigger-test-key-0123456789";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Admin:ApiKeys:0:Name"] = "ops",
        ["Admin:ApiKeys:0:Key"] = Key,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SuccessionHarness> StartAsync() => SuccessionHarness.StartAsync(
        Corps.Build([Corps.Member("boss", isDeptLeader: true), Corps.Member("sales1", leader: "boss"), Corps.Member("sales2", leader: "boss")],
            [.. Corps.Customers("sales1", 3), .. Corps.Customers("sales2", 2)]),
        settings: Settings);

    private static HttpClient Client(SuccessionHarness h)
    {
        var client = h.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    [Fact]
    public async Task StartDeparture_MemberDeletedWithoutCallback_OpensItAndAuditsWhoAsked()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales1", silent: true);

        var response = await Client(h).PostAsJsonAsync("/api/v1/departures", new { userId = "sales1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        // One departure for sales1, however many asked (the start-up sweep may have found it first).
        Assert.Equal(1, await h.ScalarAsync<int>("SELECT count(*)::int FROM successions WHERE handover_userid = 'sales1'"));
        Assert.Equal(1, await h.ScalarAsync<int>("SELECT count(*)::int FROM audit_log WHERE actor = 'api-key:ops' AND action = 'succession.request'"));
        await Wait.UntilAsync(async () => (await h.ItemStatesAsync("sales1")).GetValueOrDefault("waiting") == 3, TimeSpan.FromSeconds(30),
            "the 3 customers to be transferred", () => h.DescribeAsync("sales1"));
    }

    [Fact]
    public async Task StartDeparture_ActiveMember_Returns409AndOpensNothing()
    {
        await using var h = await StartAsync();

        var response = await Client(h).PostAsJsonAsync("/api/v1/departures", new { userId = "sales2" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, response);
        Assert.Equal(0, await h.ScalarAsync<int>("SELECT count(*)::int FROM successions"));
    }

    [Fact]
    public async Task StartDeparture_UserIdNobodyKnows_Returns404AndWritesNothing()
    {
        await using var h = await StartAsync();
        var members = await h.ScalarAsync<long>("SELECT count(*) FROM members");

        var response = await Client(h).PostAsJsonAsync("/api/v1/departures", new { userId = "ghost" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(members, await h.ScalarAsync<long>("SELECT count(*) FROM members"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM members WHERE lower(userid) = 'ghost'"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM successions"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE actor = 'api-key:ops'"));
    }

    [Fact]
    public async Task StartDeparture_UserIdInOtherCase_StartsThatMembersDepartureAsWeComSpellsIt()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales1", silent: true);

        var response = await Client(h).PostAsJsonAsync("/api/v1/departures", new { userId = "SALES1" }, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("sales1", (await response.Content.ReadFromJsonAsync<StartedBody>(Ct))!.HandoverUserId);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM successions WHERE handover_userid <> 'sales1'"));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT count(*) FROM members WHERE lower(userid) = 'sales1'"));
    }

    [Fact]
    public async Task Reconcile_MemberDeletedWithoutCallback_OpenedBySweep()
    {
        await using var h = await StartAsync();
        h.Sim.DeleteMember("sales2", silent: true);

        var result = await (await Client(h).PostAsync(new Uri("/api/v1/reconcile", UriKind.Relative), null, Ct)).Content.ReadFromJsonAsync<SweepBody>(Ct);

        Assert.Equal(["sales2"], result!.Opened);
        Assert.Equal("sweep", await h.ScalarAsync<string>("SELECT trigger FROM successions WHERE handover_userid = 'sales2'"));
    }

    private sealed record SweepBody(string[] Opened);

    private sealed record StartedBody(long Id, string HandoverUserId, string State);
}
