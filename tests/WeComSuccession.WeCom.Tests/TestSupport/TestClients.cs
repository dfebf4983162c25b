using Microsoft.Extensions.Logging;
using WeComSuccession.WeCom.Api;

namespace WeComSuccession.WeCom.Tests.TestSupport;

/// <summary>
/// A client against the WireMock WeCom with short pauses and backoffs so that the suite runs in seconds. The
/// attempt timeout stays long (tests of timeouts set their own): on a loaded machine a loopback answer can take
/// a second, and a test must not turn into a timeout test by accident.
/// </summary>
internal sealed class TestClient : IDisposable
{
    private readonly HttpClient _http = new();

    public TestClient(
        WeComMock wecom,
        Func<WeComClientOptions, WeComClientOptions>? configure = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        Options = new WeComClientOptions
        {
            CorpId = WeComMock.CorpId,
            Secret = WeComMock.Secret,
            ApiBaseUrl = wecom.BaseUrl,
            BusyRetryDelay = TimeSpan.FromMilliseconds(5),
            TransportRetryDelay = TimeSpan.FromMilliseconds(5),
            ThrottlePause = TimeSpan.FromMilliseconds(300),
            ConcurrencyPause = TimeSpan.FromMilliseconds(100),
            MaxPauseWait = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        Options = configure?.Invoke(Options) ?? Options;
        Client = new WeComClient(_http, Options, timeProvider, loggerFactory: loggerFactory);
    }

    public WeComClientOptions Options { get; }

    public WeComClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
    }
}
