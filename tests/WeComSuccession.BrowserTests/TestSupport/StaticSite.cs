using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace WeComSuccession.BrowserTests.TestSupport;

/// <summary>
/// A loopback HTTP server for the style guide: the service's wwwroot at <c>/</c> (so pages use the same
/// <c>/css/…</c> and <c>/lib/…</c> URLs as the service) and the style guide pages at <c>/styleguide/</c>.
/// Real HTTP rather than file:// so MIME types, caching and htmx requests behave as they will in production.
/// </summary>
public sealed class StaticSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticSite(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<StaticSite> StartAsync(string webRoot, string styleGuide)
    {
        if (!File.Exists(Path.Combine(webRoot, "lib", "echarts", "echarts.min.js")))
        {
            throw new InvalidOperationException(
                $"{webRoot}/lib is not filled: build src/WeComSuccession first (its FrontEnd.targets runs npm ci and copies the libraries).");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(webRoot) });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(styleGuide), RequestPath = "/styleguide" });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StaticSite(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
