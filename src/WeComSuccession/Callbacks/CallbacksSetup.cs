using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.Callbacks;

internal static class CallbacksSetup
{
    public static IHostApplicationBuilder AddCallbacks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WeComOptions>>().Value;
            return new WeComCallbackCrypto(options.Callback.Token!, options.Callback.EncodingAESKey!, options.CorpId!, options.Callback.MaxBodyBytes);
        });
        builder.Services.AddSingleton<CallbackInbox>();
        builder.Services.AddSingleton<CallbackRejections>();
        builder.Services.AddSingleton<InboxProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxProcessor>());
        builder.Services.AddRecurringJob<InboxSweepJob>(TimeSpan.FromMinutes(1));
        return builder;
    }
}
