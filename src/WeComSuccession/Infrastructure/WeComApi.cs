using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Resilience;
using WeComSuccession.WeCom.Tokens;

namespace WeComSuccession.Infrastructure;

internal static class WeComApi
{
    /// <summary>
    /// One <see cref="WeComClient"/> for the process: one token cache (one gettoken in flight) and one
    /// governor (per-API pauses and rate limits) however many jobs call WeCom at once.
    /// </summary>
    public static IHostApplicationBuilder AddWeComApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new WeComAccessTokenCache(sp.GetRequiredService<ServiceClock>(), sp.GetRequiredService<ILogger<WeComAccessTokenCache>>()));
        builder.Services.AddSingleton(sp => new WeComApiGovernor(sp.GetRequiredService<ServiceClock>(), sp.GetRequiredService<ILogger<WeComApiGovernor>>()));
        builder.Services.AddHttpClient(nameof(WeComClient), http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddOptions<WeComClientOptions>().BindConfiguration(WeComOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WeComClientOptions>, WeComClientOptionsValidator>();
        builder.Services.AddSingleton(sp =>
        {
            // The client times out each attempt itself (RequestTimeout); the HttpClient must not cut it shorter.
            return new WeComClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WeComClient)),
                sp.GetRequiredService<IOptions<WeComClientOptions>>().Value,
                sp.GetRequiredService<ServiceClock>(),
                sp.GetRequiredService<WeComAccessTokenCache>(),
                sp.GetRequiredService<WeComApiGovernor>(),
                sp.GetRequiredService<ILoggerFactory>());
        });
        return builder;
    }
}
