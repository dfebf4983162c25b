using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WeComSuccession.Simulator.Api;
using WeComSuccession.Simulator.Control;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Simulator;

/// <summary>
/// Starts the simulator: alone (<c>Program</c>) or in-process from tests, on Kestrel with real HTTP.
/// </summary>
/// <example>
/// <code>
/// await using var wecom = await SimulatorHost.StartAsync(new SimulatorOptions { ClockFactor = 3600 });
/// var apiBase = wecom.BaseUrl;              // e.g. http://127.0.0.1:41234/  → WeCom:ApiBaseUrl
/// wecom.Simulator.DeleteMember("zhangsan");  // delete_user callback to Callback:Url
/// wecom.Simulator.AdvanceClock(TimeSpan.FromHours(24));
/// </code>
/// </example>
public static class SimulatorHost
{
    /// <summary>Starts a simulator on 127.0.0.1 (port 0 = a free one) and returns once it answers.</summary>
    /// <param name="options">The corp, rules and callback target.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<RunningSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, port: 0, realTime: null, cancellationToken);

    /// <summary>Starts a simulator on 127.0.0.1 at <paramref name="port"/> with the given real clock.</summary>
    /// <param name="options">The corp, rules and callback target.</param>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="realTime">The real clock (rate windows, latency, timeouts); <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RunningSimulator> StartAsync(SimulatorOptions options, int port, TimeProvider? realTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = Environments.Production });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = Build(builder, options, realTime ?? TimeProvider.System);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSimulator(app, new Uri(address.TrimEnd('/') + "/"), app.Services.GetRequiredService<WeComSimulator>());
    }

    /// <summary>Adds the simulator to a host: its state, WeCom's API, OAuth pages, the control API and page.</summary>
    internal static WebApplication Build(WebApplicationBuilder builder, SimulatorOptions options, TimeProvider realTime)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid simulator options: " + string.Join(" ", errors));
        }

        builder.Services.AddSingleton(sp => new WeComSimulator(options, realTime, sp.GetRequiredService<ILoggerFactory>().CreateLogger("WeComSuccession.Simulator")));
        var app = builder.Build();
        var sim = app.Services.GetRequiredService<WeComSimulator>();
        app.MapGet("/", () => Results.Redirect("/_sim"));
        app.MapWeComApi(sim);
        app.MapOAuthPages(sim);
        app.MapControlApi(sim);
        app.MapControlPage(sim);
        return app;
    }
}

/// <summary>A started simulator; dispose it to stop Kestrel, the pump and the callback sender.</summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningSimulator(WebApplication app, Uri baseUrl, WeComSimulator simulator)
    {
        _app = app;
        BaseUrl = baseUrl;
        Simulator = simulator;
    }

    /// <summary>The API base, e.g. <c>http://127.0.0.1:41234/</c> (use as <c>WeCom:ApiBaseUrl</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The corp state, clock, ledger and control methods.</summary>
    public WeComSimulator Simulator { get; }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
