using WeComSuccession.Infrastructure;
using WeComSuccession.Members;

namespace WeComSuccession.Tests.Members;

public sealed class MemberDirectoryTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Upsert_OneMemberFromManyWritersAtOnce_OneRowAndNoError()
    {
        // Two nodes' directory syncs and a member event can write one member at the same instant; every spelling
        // of the userid is one member, and none of the writers may fail on a second unique index.
        var directory = new MemberDirectory(_database.DataSource, ServiceClock.Real);
        var spellings = new[] { "ZhangSan", "zhangsan", "ZHANGSAN" };
        for (var round = 0; round < 5; round++)
        {
            var userid = $"{spellings[round % 3]}{round}";
            await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => directory.UpsertAsync(
                new Member { Userid = i % 2 == 0 ? userid : userid.ToLowerInvariant(), Name = "张三", Status = Member.Active, CustomerContact = true },
                TestContext.Current.CancellationToken))));
            Assert.Equal(1, await _database.ScalarAsync<int>("SELECT count(*)::int FROM members WHERE lower(userid) = lower(@userid)", new { userid }));
        }

        Assert.Equal("张三", (await directory.GetAsync("zhangsan0", TestContext.Current.CancellationToken))?.Name);
    }
}
