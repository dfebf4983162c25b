using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.Simulator.Tests.TestSupport;

/// <summary>One request the receiver got.</summary>
internal sealed record ReceivedCallback(string Method, string? MsgSignature, string? Timestamp, string? Nonce, string? EchoStr, string Body)
{
    /// <summary>The demo app's callback crypto (the simulator's default Token and EncodingAESKey).</summary>
    public static readonly WeComCallbackCrypto Crypto = new("demotoken", "3QPcD4eGbVnVFEoV5sbdobPQcjE9QZBiY1E56FTQFZw", "wwdemo0000000000");

    /// <summary>Checks the signature and decrypts the body as the service would.</summary>
    public CallbackResult Decrypt() => Crypto.DecryptMessage(MsgSignature, Timestamp, Nonce, System.Text.Encoding.UTF8.GetBytes(Body));
}

/// <summary>A tiny Kestrel app standing in for the service's callback endpoint.</summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CallbackReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();

    /// <summary>Status for each POST, by arrival number (1-based); 200 when the function says null.</summary>
    public Func<int, int?> PostStatus { get; set; } = _ => null;

    /// <summary>Reply to the GET verification; the default echoes nothing.</summary>
    public Func<ReceivedCallback, string> GetReply { get; set; } = _ => "";

    public static async Task<CallbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        CallbackReceiver? receiver = null;
        var posts = 0;
        app.MapPost("/wecom/callback", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var q = context.Request.Query;
            receiver!.Received.Enqueue(new ReceivedCallback("POST", q["msg_signature"], q["timestamp"], q["nonce"], null, body));
            context.Response.StatusCode = receiver.PostStatus(Interlocked.Increment(ref posts)) ?? 200;
        });
        app.MapGet("/wecom/callback", (HttpContext context) =>
        {
            var q = context.Request.Query;
            var received = new ReceivedCallback("GET", q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"], "");
            receiver!.Received.Enqueue(received);
            return Results.Text(receiver.GetReply(received), "text/plain");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new CallbackReceiver(app, new Uri(address.TrimEnd('/') + "/wecom/callback"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
