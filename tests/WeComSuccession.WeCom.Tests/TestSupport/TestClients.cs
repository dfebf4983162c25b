using WeComSuccession.WeCom.Api;

namespace WeComSuccession.WeCom.Tests.TestSupport;

/// <summary>A client against a fake with short pauses, backoffs and timeouts so that the suite runs in seconds.</summary>
internal sealed class TestClient : IDisposable
{
    private readonly HttpClient _http = new();

    public TestClient(FakeWeComServer server, Func<WeComClientOptions, WeComClientOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        Options = new WeComClientOptions
        {
            CorpId = "wwfakecorp",
            Secret = "fake-secret-value",
            ApiBaseUrl = server.BaseUrl,
            BusyRetryDelay = TimeSpan.FromMilliseconds(5),
            TransportRetryDelay = TimeSpan.FromMilliseconds(5),
            ThrottlePause = TimeSpan.FromMilliseconds(300),
            ConcurrencyPause = TimeSpan.FromMilliseconds(100),
            MaxPauseWait = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(2),
        };
        Options = configure?.Invoke(Options) ?? Options;
        Client = new WeComClient(_http, Options, timeProvider);
    }

    public WeComClientOptions Options { get; }

    public WeComClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
    }
}
