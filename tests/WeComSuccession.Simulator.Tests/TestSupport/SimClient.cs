using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.TestSupport;

/// <summary>A simulator started in-process on a free loopback port, and a plain HttpClient that speaks WeCom JSON to it.</summary>
internal sealed class SimClient : IAsyncDisposable
{
    /// <summary>2025-06-01 00:00 +08:00: tests start at a fixed simulated time.</summary>
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 0, 0, 0, TimeSpan.FromHours(8));

    private readonly RunningSimulator _running;
    private string? _token;
    private bool _refreshing;

    private SimClient(RunningSimulator running)
    {
        _running = running;
        Http = new HttpClient { BaseAddress = running.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public WeComSimulator Sim => _running.Simulator;

    public Uri BaseUrl => _running.BaseUrl;

    public static async Task<SimClient> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions
        {
            StartTime = Start,
            PumpInterval = TimeSpan.FromMilliseconds(50),
            Callback = { Url = "", RetryDelay = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(2) },
        };
        configure?.Invoke(options);
        return new SimClient(await SimulatorHost.StartAsync(options, TestContext.Current.CancellationToken));
    }

    public static SimulatorOptions Generated(SimulatorOptions o, int members, int customersPerMember, int groupsPerMember)
    {
        o.Generator.Members = members;
        o.Generator.CustomersPerMember = customersPerMember;
        o.Generator.GroupsPerMember = groupsPerMember;
        o.Generator.SharedCustomerRate = 0;
        return o;
    }

    public async Task<string> TokenAsync()
    {
        if (_token is null)
        {
            var response = await GetAsync<CgibinGetTokenResponse>($"/cgi-bin/gettoken?corpid={Sim.Options.CorpId}&corpsecret={Sim.Options.Secret}", withToken: false);
            Assert.Equal(0, response.ErrCode);
            _token = response.AccessToken!;
        }

        return _token;
    }

    public async Task<T> GetAsync<T>(string pathAndQuery, bool withToken = true)
        where T : WeComResponse
    {
        var url = withToken ? pathAndQuery + (pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?') + "access_token=" + await TokenAsync() : pathAndQuery;
        using var response = await Http.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync(Info<T>(), TestContext.Current.CancellationToken))!;
        if (withToken && RefreshToken(result))
        {
            return await GetAsync<T>(pathAndQuery);
        }

        return result;
    }

    /// <summary>As a real client does: an expired or invalidated token is dropped and the call made once more.</summary>
    private bool RefreshToken(WeComResponse response) => RefreshToken(response.ErrCode);

    private bool RefreshToken(int errCode)
    {
        if (errCode is 42001 or 40014 && _token is not null && !_refreshing)
        {
            _token = null;
            _refreshing = true;
            return true;
        }

        _refreshing = false;
        return false;
    }

    public async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest request)
        where TResponse : WeComResponse
    {
        using var content = JsonContent.Create(request, Info<TRequest>());
        using var response = await Http.PostAsync(new Uri(path + "?access_token=" + await TokenAsync(), UriKind.Relative), content, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync(Info<TResponse>(), TestContext.Current.CancellationToken))!;
        return RefreshToken(result) ? await PostAsync<TRequest, TResponse>(path, request) : result;
    }

    /// <summary>A POST with a hand-written JSON body (anonymous object or JsonNode), read back as JSON: WeCom's shape as the test spells it, not as the library models it.</summary>
    public async Task<JsonElement> PostJsonAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path + "?access_token=" + await TokenAsync(), UriKind.Relative), body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return RefreshToken(result.GetProperty("errcode").GetInt32()) ? await PostJsonAsync(path, body) : result;
    }

    /// <summary>A GET read back as JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        var url = pathAndQuery + (pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?') + "access_token=" + await TokenAsync();
        var result = await Http.GetFromJsonAsync<JsonElement>(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        return RefreshToken(result.GetProperty("errcode").GetInt32()) ? await GetJsonAsync(pathAndQuery) : result;
    }

    public Task<ExternalContactResignedTransferCustomerResponse> ResignedTransferAsync(string handover, string takeover, params IReadOnlyList<string> customers) =>
        PostAsync<ExternalContactResignedTransferCustomerRequest, ExternalContactResignedTransferCustomerResponse>(
            "/cgi-bin/externalcontact/resigned/transfer_customer",
            new() { HandoverUserId = handover, TakeoverUserId = takeover, ExternalUserId = customers });

    public Task<ExternalContactTransferCustomerResponse> OnJobTransferAsync(string handover, string takeover, params IReadOnlyList<string> customers) =>
        PostAsync<ExternalContactTransferCustomerRequest, ExternalContactTransferCustomerResponse>(
            "/cgi-bin/externalcontact/transfer_customer",
            new() { HandoverUserId = handover, TakeoverUserId = takeover, ExternalUserId = customers });

    public Task<ExternalContactResignedTransferResultResponse> ResignedResultAsync(string handover, string takeover, string? cursor = null) =>
        PostAsync<ExternalContactResignedTransferResultRequest, ExternalContactResignedTransferResultResponse>(
            "/cgi-bin/externalcontact/resigned/transfer_result",
            new() { HandoverUserId = handover, TakeoverUserId = takeover, Cursor = cursor });

    public Task<ExternalContactTransferResultResponse> OnJobResultAsync(string handover, string takeover, string? cursor = null) =>
        PostAsync<ExternalContactTransferResultRequest, ExternalContactTransferResultResponse>(
            "/cgi-bin/externalcontact/transfer_result",
            new() { HandoverUserId = handover, TakeoverUserId = takeover, Cursor = cursor });

    public Task<ExternalContactGroupChatTransferResponse> GroupTransferAsync(string newOwner, params IReadOnlyList<string> chats) =>
        PostAsync<ExternalContactGroupChatTransferRequest, ExternalContactGroupChatTransferResponse>(
            "/cgi-bin/externalcontact/groupchat/transfer", new() { NewOwner = newOwner, ChatIdList = chats });

    public Task<ExternalContactGroupChatOnJobTransferResponse> GroupOnJobTransferAsync(string newOwner, params IReadOnlyList<string> chats) =>
        PostAsync<ExternalContactGroupChatOnJobTransferRequest, ExternalContactGroupChatOnJobTransferResponse>(
            "/cgi-bin/externalcontact/groupchat/onjob_transfer", new() { NewOwner = newOwner, ChatIdList = chats });

    public Task<ExternalContactGroupChatListResponse> GroupListAsync(ExternalContactGroupChatListRequest request) =>
        PostAsync<ExternalContactGroupChatListRequest, ExternalContactGroupChatListResponse>("/cgi-bin/externalcontact/groupchat/list", request);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _running.DisposeAsync();
    }

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)WeComJsonContext.Default.GetTypeInfo(typeof(T))!;
}
