using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WeComSuccession.WeCom.Tests.TestSupport;

/// <summary>A request as the fake saw it; <see cref="AtMs"/> is on the test process's stopwatch.</summary>
internal sealed record FakeRequest(string Path, string Method, IReadOnlyDictionary<string, string> Query, string Body, long AtMs)
{
    public string? AccessToken => Query.GetValueOrDefault("access_token");
}

internal sealed record FakeResponse(int Status, string Body, string ContentType = "application/json")
{
    public static FakeResponse Json(string body) => new(200, body);

    public static FakeResponse Ok(string fields = "") =>
        Json(fields.Length == 0 ? """{"errcode":0,"errmsg":"ok"}""" : $$"""{"errcode":0,"errmsg":"ok",{{fields}}}""");

    public static FakeResponse Error(int errcode) => Json($$"""{"errcode":{{errcode}},"errmsg":"fake error {{errcode}}"}""");
}

/// <summary>
/// WeCom on 127.0.0.1 (Kestrel, free port): each path answers through a handler the test sets, and every
/// request is recorded. gettoken answers TOKEN-1, TOKEN-2, … unless a test replaces it.
/// </summary>
internal sealed class FakeWeComServer : IAsyncDisposable
{
    public const string GetToken = "/cgi-bin/gettoken";

    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, Func<FakeRequest, CancellationToken, Task<FakeResponse>>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private WebApplication? _app;
    private int _tokensIssued;

    private FakeWeComServer()
    {
        On(GetToken, _ => FakeResponse.Ok($$"""
            "access_token":"TOKEN-{{Interlocked.Increment(ref _tokensIssued)}}","expires_in":7200
            """));
    }

    public Uri BaseUrl { get; private set; } = null!;

    public static long NowMs => Clock.ElapsedMilliseconds;

    public static async Task<FakeWeComServer> StartAsync()
    {
        var server = new FakeWeComServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address);
        server._app = app;
        return server;
    }

    public void On(string path, Func<FakeRequest, FakeResponse> handler) =>
        _handlers[path] = (request, _) => Task.FromResult(handler(request));

    public void On(string path, Func<FakeRequest, CancellationToken, Task<FakeResponse>> handler) => _handlers[path] = handler;

    public IReadOnlyList<FakeRequest> Requests(string path) => [.. _requests.Where(r => r.Path == path)];

    public int Count(string path) => _requests.Count(r => r.Path == path);

    public async Task WaitForCountAsync(string path, int count)
    {
        var deadline = NowMs + 5000;
        while (Count(path) < count)
        {
            Assert.True(NowMs < deadline, $"fake never saw {count} request(s) to {path}");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var at = NowMs;
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var request = new FakeRequest(context.Request.Path.Value ?? "", context.Request.Method, query, body, at);
        _requests.Enqueue(request);
        if (!_handlers.TryGetValue(request.Path, out var handler))
        {
            context.Response.StatusCode = 404;
            return;
        }

        FakeResponse response;
        try
        {
            response = await handler(request, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}
