using Microsoft.Playwright;
using WeComSuccession.BrowserTests.TestSupport;
using WeComSuccession.TestSupport;

namespace WeComSuccession.BrowserTests.Workbench;

/// <summary>
/// The approvers' workbench on a phone (390×844, WeCom's in-app user agent), against the service and the simulator:
/// sign in through WeCom's OAuth2 page, see the pending plan, give one customer to another successor, split three among
/// two members, approve; another member opening the same plan gets the 403 page.
/// </summary>
public sealed class WorkbenchApprovalTests(BrowserFixture browser) : BrowserTest(browser)
{
    /// <summary>
    /// After a tap, the next page counts as arrived once its document is parsed: the assertions that follow wait for
    /// what they read. Waiting for the load event as well timed out once on a busy clean-clone run (the URL had
    /// changed, the network was idle, the event had not fired within 30 s).
    /// </summary>
    private static readonly PageWaitForURLOptions AfterPost = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    private static readonly string[] Names =
    [
        "上海启明贸易 周总", "北京远航科技 陈经理", "深圳华信 林总", "王先生", "赵女士", "杭州云帆 刘经理", "广州恒通 黄总", "李女士",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// 张三 (sales1) leaves 销售一部; 李娜 (boss) approves. The team's assistant follows every customer too, so WeCom still
    /// shows their names and tags once 张三 is deleted; two of them are 重要客户.
    /// </summary>
    private static async Task<(SuccessionHarness H, long Plan)> StartAsync()
    {
        var customers = Names.Select((name, i) => new SeedCustomer
        {
            ExternalUserId = $"wmzs{i:D4}",
            Name = name,
            Type = i % 3 == 0 ? 1 : 2,
            CorpName = i % 3 == 0 ? null : name.Split(' ')[0],
            Followers =
            [
                new SeedFollow("sales1", 1_700_000_000, TagIds: i < 2 ? [StandardTags.KeyCustomer] : [StandardTags.Referral]),
                new SeedFollow("assistant", 1_700_000_000, TagIds: i < 2 ? [StandardTags.KeyCustomer, StandardTags.OfflineEvent] : [StandardTags.RegularCustomer]),
            ],
        });
        var h = await SuccessionHarness.StartAsync(
            ApprovalCorp.Build(
                [
                    ApprovalCorp.Member("boss", ApprovalCorp.SalesOne, isDeptLeader: true) with { Name = "李娜" },
                    ApprovalCorp.Member("sales1", ApprovalCorp.SalesOne, leader: "boss") with { Name = "张三" },
                    ApprovalCorp.Member("sales2", ApprovalCorp.SalesOne, leader: "boss") with { Name = "刘洋" },
                    ApprovalCorp.Member("sales3", ApprovalCorp.SalesOne, leader: "boss") with { Name = "陈杰" },
                    ApprovalCorp.Member("assistant", ApprovalCorp.SalesOne, leader: "boss") with { Name = "吴芳" },
                    ApprovalCorp.Member("other", ApprovalCorp.Service) with { Name = "孙丽" },
                ],
                customers,
                [new SeedGroupChat { ChatId = "wrzs0001", Name = "启明贸易 VIP 服务群", Owner = "sales1", CreateTime = 1_700_000_000, Members = ["sales1", "assistant", "wmzs0000"] }]),
            settings: new Dictionary<string, string?> { ["Succession:Approval:Mode"] = "Always" });

        // The loads the directory sync records (externalcontact/list per member), shown beside each successor.
        foreach (var (userid, load) in new[] { ("boss", 412), ("sales2", 186), ("sales3", 93), ("assistant", 640) })
        {
            await ExecuteAsync(h, "UPDATE members SET customer_count = @load WHERE userid = @userid", new { userid, load });
        }

        h.Sim.DeleteMember("sales1");
        return (h, await h.WaitForStateAsync("sales1", "awaiting_approval"));
    }

    private static async Task ExecuteAsync(SuccessionHarness h, string sql, object args)
    {
        await using var db = h.Database.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync(Ct);
        await Dapper.SqlMapper.ExecuteAsync(connection, sql, args);
    }

    private static async Task<long> ItemAsync(SuccessionHarness h, int customer) =>
        (await h.QueryAsync<long>("SELECT id FROM succession_items WHERE target_id = @target", new { target = $"wmzs{customer:D4}" })).Single();

    /// <summary>Opens the workbench on a phone and signs in as <paramref name="userid"/> on WeCom's (the simulator's) OAuth2 page.</summary>
    private async Task<IPage> SignInAsync(SuccessionHarness h, string path, string userid)
    {
        var page = await OpenPhoneAsync();
        await page.GotoAsync(new Uri(h.ServiceUrl, path).ToString());
        await page.Locator($"a.member[data-userid='{userid}']").ClickAsync();
        await page.WaitForURLAsync(new Uri(h.ServiceUrl, path).ToString());
        return page;
    }

    [Fact]
    public async Task Workbench_Phone_SignInChangeSplitApproveAndAnotherMemberGets403()
    {
        var (h, id) = await StartAsync();
        await using var _ = h;
        var page = await SignInAsync(h, "/workbench", "boss");

        // 待我审批: the plan, who left, how many customers and groups, to whom, how long it has waited.
        var row = page.Locator($"a[data-plan='{id}']");
        await Assertions.Expect(row).ToContainTextAsync("张三");
        await Assertions.Expect(row).ToContainTextAsync("8 位客户、1 个群 → 李娜");
        await Assertions.Expect(row.Locator(".wb-badge")).ToContainTextAsync("已等");
        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));
        await ScreenshotAsync(page, "workbench-inbox", fullPage: false);

        await row.ClickAsync();
        await page.WaitForURLAsync($"**/workbench/plans/{id}", AfterPost);
        var boss = page.Locator("section[data-successor='boss']");
        await Assertions.Expect(boss.Locator(".wb-item")).ToHaveCountAsync(9);
        await Assertions.Expect(boss.Locator(".wb-tag_key")).ToHaveCountAsync(2);
        await Assertions.Expect(boss.Locator(".wb-item").First).ToContainTextAsync("上海启明贸易 周总");
        await Assertions.Expect(boss).ToContainTextAsync("启明贸易 VIP 服务群");
        await Assertions.Expect(boss).ToContainTextAsync("客户群 · 3 人");
        await Assertions.Expect(page.Locator(".wb-actionbar").GetByRole(AriaRole.Button, new() { Name = "通过" })).ToBeVisibleAsync();
        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));
        await ScreenshotAsync(page, "workbench-plan", fullPage: false);

        // Change one customer's successor: tick 王先生, 更换接替人, choose 刘洋 (the picker lists eligible members with their load).
        var wang = await ItemAsync(h, 3);
        await page.Locator($"label[for='i{wang}']").CheckAsync(); // a tap on the row, checked before going on
        await page.GetByRole(AriaRole.Button, new() { Name = "更换接替人" }).ClickAsync();
        await page.WaitForURLAsync("**/pick?**", AfterPost);
        // Everyone who may inherit but the leaver, the leaver's department first: boss, assistant, sales2, sales3, then other.
        await Assertions.Expect(page.Locator(".wb-member")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator(".wb-member").Last).ToHaveAttributeAsync("data-userid", "other");
        await Assertions.Expect(page.Locator(".wb-member[data-userid='sales1']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".wb-member[data-userid='sales2']")).ToContainTextAsync("现有 186 位客户");
        await page.Locator(".wb-member[data-userid='sales2']").ClickAsync();
        await ScreenshotAsync(page, "workbench-pick", fullPage: false);
        await page.GetByRole(AriaRole.Button, new() { Name = "确定更换" }).ClickAsync();
        await page.WaitForURLAsync($"**/workbench/plans/{id}", AfterPost);
        await Assertions.Expect(page.Locator(".wb-notice_info")).ToContainTextAsync("已调整 1 项的接替人");
        await Assertions.Expect(page.Locator($"section[data-successor='sales2'] [data-item='{wang}']")).ToHaveCountAsync(1);

        // Split three among two: 赵女士, 杭州云帆 刘经理, 广州恒通 黄总 to 刘洋 and 陈杰.
        long[] three = [await ItemAsync(h, 4), await ItemAsync(h, 5), await ItemAsync(h, 6)];
        foreach (var item in three)
        {
            await page.Locator($"label[for='i{item}']").CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "分给多人" }).ClickAsync();
        await page.WaitForURLAsync("**/pick?**", AfterPost);
        await Assertions.Expect(page.Locator(".wb-hero__meta")).ToContainTextAsync("已选 3 项");
        await page.Locator(".wb-member[data-userid='sales2']").ClickAsync();
        await page.Locator(".wb-member[data-userid='sales3']").ClickAsync();
        await ScreenshotAsync(page, "workbench-split", fullPage: false);
        await page.GetByRole(AriaRole.Button, new() { Name = "确定分配" }).ClickAsync();
        await page.WaitForURLAsync($"**/workbench/plans/{id}", AfterPost);
        await Assertions.Expect(page.Locator(".wb-notice_info")).ToContainTextAsync("已调整 3 项的接替人");
        var takeovers = await h.QueryAsync<string>("SELECT takeover_userid FROM succession_items WHERE id = ANY(@three) ORDER BY takeover_userid", new { three });
        // In turn as the picker lists them, the lighter load first: 陈杰 (93), 刘洋 (186), 陈杰.
        Assert.Equal(["sales2", "sales3", "sales3"], takeovers);
        await Assertions.Expect(page.Locator("section[data-successor='sales2'] .wb-item")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("section[data-successor='sales3'] .wb-item")).ToHaveCountAsync(2);

        // Approve: two taps from the card (open, 通过).
        await page.Locator(".wb-actionbar").GetByRole(AriaRole.Button, new() { Name = "通过" }).ClickAsync();
        await page.WaitForURLAsync($"**/workbench/plans/{id}", AfterPost);
        await Assertions.Expect(page.Locator(".wb-notice_info").First).ToContainTextAsync("已通过，9 项开始转接");
        await Assertions.Expect(page.Locator(".wb-hero .wb-badge")).ToHaveTextAsync("转接中");
        await Assertions.Expect(page.Locator(".wb-actionbar")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "workbench-approved", fullPage: false);
        Assert.Equal("boss", (await h.QueryAsync<string>("SELECT actor FROM audit_log WHERE action = 'succession.approve' AND entity_type = 'succession'")).Single());

        // 已处理: the decision among the member's past ones.
        await page.GotoAsync(new Uri(h.ServiceUrl, "/workbench?tab=done").ToString());
        var done = page.Locator($"a[data-plan='{id}']");
        await Assertions.Expect(done).ToContainTextAsync("张三");
        await Assertions.Expect(done).ToContainTextAsync("通过 · 已接替");
        await ScreenshotAsync(page, "workbench-done", fullPage: false);
        AssertNoProblems(page);

        // Another member opens the same plan's address: the 403 page, nothing of the plan.
        var other = await SignInAsync(h, $"/workbench/plans/{id}", "other");
        await Assertions.Expect(other.Locator(".wb-status[data-status='403']")).ToBeVisibleAsync();
        await Assertions.Expect(other.Locator("h1")).ToHaveTextAsync("无权查看");
        var text = await other.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("张三", text, StringComparison.Ordinal);
        Assert.DoesNotContain("启明", text, StringComparison.Ordinal);
        await ScreenshotAsync(other, "workbench-403", fullPage: false);
    }
}
