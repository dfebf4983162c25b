using System.Net;
using Dapper;

namespace WeComSuccession.Tests.Callbacks;

public sealed class CallbackEndpointTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private ServiceFactory _factory = null!;
    private HttpClient _client = null!;
    private CallbackSender _sender = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new ServiceFactory(_database.ConnectionString);
        _client = _factory.CreateClient();
        _sender = new CallbackSender(_client);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<List<(string DedupeKey, int Deliveries)>> InboxAsync()
    {
        await using var db = _database.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync(Ct);
        return [.. await connection.QueryAsync<(string, int)>("SELECT dedupe_key, deliveries FROM callback_inbox ORDER BY id")];
    }

    [Fact]
    public async Task Get_OfficialVerificationVector_EchoesPlaintextOnly()
    {
        var response = await _client.GetAsync(new Uri(
            "/wecom/callback?msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&timestamp=1476416373&nonce=47744683&echostr=" +
            Uri.EscapeDataString("fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="), UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1288432023552776189"u8.ToArray(), await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Get_WrongSignature_Returns401()
    {
        var response = await _client.GetAsync(new Uri("/wecom/callback?msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebec&timestamp=1476416373&nonce=47744683&echostr=abc", UriKind.Relative), Ct);
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Post_ValidDeleteUser_Returns200AfterTheRowIsStored()
    {
        var response = await _sender.PostAsync(CallbackSender.DeleteUserXml("zhangsan", 1763700000), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var row = Assert.Single(await InboxAsync());
        Assert.Matches("^ww1436e0e65a779aee\\|change_contact\\|delete_user\\|1763700000\\|zhangsan\\|[0-9a-f]{32}$", row.DedupeKey);
    }

    [Fact]
    public async Task Post_EventAddressedToAnotherCorp_Returns400AndStoresNothing()
    {
        // Encrypted for this corp's receive-id, but the XML's ToUserName names another corp.
        var response = await _sender.PostAsync(CallbackSender.DeleteUserXml("zhangsan", 1763700000, corpId: "wwforeign000000000"), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Empty(await InboxAsync());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("")]
    public async Task Post_CreateTimeNotANumber_Returns400AndStoresNothing(string createTime)
    {
        var xml = CallbackSender.DeleteUserXml("zhangsan", 1763700000).Replace("<CreateTime>1763700000</CreateTime>", $"<CreateTime>{createTime}</CreateTime>", StringComparison.Ordinal);

        var response = await _sender.PostAsync(xml, Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Empty(await InboxAsync());
    }

    [Fact]
    public async Task Post_TwoDifferentEventsOfOneMemberInOneSecond_BothKeptWhileRetriesCollapse()
    {
        static string Updated(string name) =>
            $"<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1763700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[{name}]]></Name></xml>";

        foreach (var xml in new[] { Updated("张三"), Updated("张三丰"), Updated("张三"), Updated("张三丰") })
        {
            Assert.Equal(HttpStatusCode.OK, (await _sender.PostAsync(xml, Ct)).StatusCode);
        }

        var rows = await InboxAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(2, r.Deliveries));
    }

    [Fact]
    public async Task Post_ValidEvent_ProcessedByItsJob()
    {
        await _sender.PostAsync(CallbackSender.DeleteUserXml("zhangsan", 1763700000), Ct);

        await Wait.UntilAsync(
            async () =>
            {
                await using var db = _database.CreateDataSource();
                await using var connection = await db.OpenConnectionAsync(Ct);
                return await connection.ExecuteScalarAsync<bool>("SELECT count(*) = 1 FROM callback_inbox WHERE processed_at IS NOT NULL");
            },
            TimeSpan.FromSeconds(20),
            "the inbox row to be processed");
    }

    [Fact]
    public async Task Post_SameEventFourTimesInSequence_OneRowFourDeliveries()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _sender.PostAsync(CallbackSender.DeleteUserXml("zhangsan", 1763700000), Ct)).StatusCode);
        }

        Assert.Equal(4, Assert.Single(await InboxAsync()).Deliveries);
    }

    [Fact]
    public async Task Post_TenCopiesAtOnce_OneRowTenDeliveries()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _sender.PostAsync(CallbackSender.DeleteUserXml("zhangsan", 1763700000), Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(10, Assert.Single(await InboxAsync()).Deliveries);
    }

    [Fact]
    public async Task Post_TwoMembersDeletedInTheSameSecond_TwoRows()
    {
        await _sender.PostAsync(CallbackSender.DeleteUserXml("zhangsan", 1763700000), Ct);
        await _sender.PostAsync(CallbackSender.DeleteUserXml("lisi", 1763700000), Ct);

        Assert.Equal(2, (await InboxAsync()).Count);
    }

    public static TheoryData<string, HttpStatusCode> BadRequests() => new()
    {
        { "forged: signed with another token", HttpStatusCode.Unauthorized },
        { "tampered body", HttpStatusCode.Unauthorized },
        { "missing signature", HttpStatusCode.Unauthorized },
        { "non-hex signature", HttpStatusCode.Unauthorized },
        { "another corp's receive-id", HttpStatusCode.BadRequest },
        { "not XML", HttpStatusCode.BadRequest },
        { "empty body", HttpStatusCode.BadRequest },
        { "DTD in envelope", HttpStatusCode.BadRequest },
        { "oversized body", HttpStatusCode.RequestEntityTooLarge },
        { "signed but unreadable event", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_ForgedTamperedOrMalformed_4xxAndNothingStored(string name, HttpStatusCode expected)
    {
        var xml = CallbackSender.DeleteUserXml("zhangsan", 1763700000);
        var (query, body) = _sender.Sign(xml);
        (query, body) = name switch
        {
            "forged: signed with another token" => new CallbackSender(_client, token: "forgedToken").Sign(xml),
            "tampered body" => (query, body.Replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[AAAA", StringComparison.Ordinal)),
            "missing signature" => ("?timestamp=1763700000&nonce=1597212914", body),
            "non-hex signature" => ("?msg_signature=" + new string('x', 40) + "&timestamp=1763700000&nonce=1597212914", body),
            "another corp's receive-id" => new CallbackSender(_client, corpId: "wwanothercorp00000").Sign(xml),
            "not XML" => (query, "hello"),
            "empty body" => (query, ""),
            "DTD in envelope" => (query, "<!DOCTYPE xml [<!ENTITY x \"y\">]>" + body),
            "oversized body" => (query, "<xml><Encrypt>" + new string('A', 70_000) + "</Encrypt></xml>"),
            "signed but unreadable event" => _sender.Sign("<xml><NoCorp/></xml>"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        var response = await _sender.PostRawAsync(query, body, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(await InboxAsync());
    }
}
