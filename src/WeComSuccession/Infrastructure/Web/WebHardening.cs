namespace WeComSuccession.Infrastructure.Web;

/// <summary>
/// What every response of the service carries, whichever door answers: no content sniffing, no referrer sent
/// to other sites, never framed by another site (the workbench opens in WeCom's own browser, not in a frame),
/// no caching of the admin API, no <c>Server</c> banner; and the control-character guard in front of everything.
/// </summary>
internal static class WebHardening
{
    public static IHostApplicationBuilder AddWebHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddTransient<IStartupFilter, HardeningStartupFilter>();
        return builder;
    }

    /// <summary>Added as a startup filter, so the headers are set before any other middleware can answer.</summary>
    private sealed class HardeningStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    headers.CacheControl = "no-store";
                }

                return nextMiddleware(context);
            });
            app.UseMiddleware<ControlCharacterGuard>();
            next(app);
        };
    }
}
