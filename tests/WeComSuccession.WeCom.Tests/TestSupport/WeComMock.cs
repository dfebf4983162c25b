using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace WeComSuccession.WeCom.Tests.TestSupport;

/// <summary>
/// WeCom as WireMock.Net stubs on 127.0.0.1 (free port). gettoken answers TOKEN-1, TOKEN-2, … to the test
/// corp's id and secret; every other API is what the test maps. The request log is WireMock's: an entry is
/// written once the answer is ready, so a delayed answer is counted after its delay (see <see cref="DrainAsync"/>).
/// In WireMock's scenarios a matched mapping that names no next state sends the scenario back to its start, so
/// a state meant to last sets itself again (<c>.WhenStateIs("open").WillSetStateTo("open")</c>).
/// </summary>
internal sealed class WeComMock : IDisposable
{
    public const string GetToken = "/cgi-bin/gettoken";
    public const string CorpId = "wwmockcorp";
    public const string Secret = "mock-secret-value";

    private int _tokensIssued;

    private WeComMock(TimeSpan tokenDelay)
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var answer = Response.Create().WithBody(_ => Ok($$"""
            "access_token":"TOKEN-{{Interlocked.Increment(ref _tokensIssued)}}","expires_in":7200
            """), "application/json");
        Server.Given(Call(GetToken).UsingGet().WithParam("corpid", CorpId).WithParam("corpsecret", Secret))
            .RespondWith(tokenDelay > TimeSpan.Zero ? answer.WithDelay(tokenDelay) : answer);
    }

    public WireMockServer Server { get; }

    public Uri BaseUrl => new(Server.Url!);

    /// <summary>Starts the mock; <paramref name="tokenDelay"/> slows gettoken down.</summary>
    public static WeComMock Start(TimeSpan tokenDelay = default) => new(tokenDelay);

    /// <summary>A request to <paramref name="path"/>; add the method, query and body matchers the test needs.</summary>
    public static IRequestBuilder Call(string path) => Request.Create().WithPath(path);

    /// <summary>A JSON answer.</summary>
    public static IResponseBuilder Json(string body) => Response.Create().WithBody(body, "application/json");

    /// <summary>A JSON answer computed from the request.</summary>
    public static IResponseBuilder Json(Func<IRequestMessage, string> body) => Response.Create().WithBody(body, "application/json");

    /// <summary>A JSON answer computed from the request, asynchronously (e.g. held until a signal).</summary>
    public static IResponseBuilder Json(Func<IRequestMessage, Task<string>> body) => Response.Create().WithBody(body, "application/json");

    public static string Ok(string fields = "") =>
        fields.Length == 0 ? """{"errcode":0,"errmsg":"ok"}""" : $$"""{"errcode":0,"errmsg":"ok",{{fields.Trim()}}}""";

    public static string Error(int errcode) => $$"""{"errcode":{{errcode}},"errmsg":"mock error {{errcode}}"}""";

    /// <summary>The requests to <paramref name="path"/> in the order they arrived.</summary>
    public IReadOnlyList<IRequestMessage> Requests(string path) =>
        [.. Server.LogEntries.Select(e => e.RequestMessage!).Where(r => r.Path == path).OrderBy(r => r.DateTime)];

    public int Count(string path) => Requests(path).Count;

    public async Task WaitForCountAsync(string path, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (Count(path) < count)
        {
            Assert.False(deadline.IsCancellationRequested, $"WireMock never saw {count} request(s) to {path}");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Stops the server, which first lets every request it received finish its (delayed) answer and be logged:
    /// afterwards the log holds every request that reached the server.
    /// </summary>
    public Task DrainAsync() => Task.Run(Server.Stop, TestContext.Current.CancellationToken);

    public void Dispose() => Server.Dispose();
}

internal static class RequestMessageExtensions
{
    public static string? Param(this IRequestMessage request, string name) =>
        request.Query is { } query && query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    public static string? AccessToken(this IRequestMessage request) => request.Param("access_token");

    public static string? Header(this IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}
