using WeComSuccession.Callbacks;
using WeComSuccession.Notifications;
using WeComSuccession.Results;

namespace WeComSuccession.Transfers;

internal static class TransfersSetup
{
    /// <summary>Transfers, their results and the messages that close a succession.</summary>
    public static IHostApplicationBuilder AddTransfers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GroupQuota>();
        builder.Services.AddSingleton<Rerouter>();
        builder.Services.AddSingleton<TransferRunner>();
        builder.Services.AddSingleton<TransferResults>();
        builder.Services.AddSingleton<ICallbackEventHandler, TransferEventsHandler>();
        builder.Services.AddSingleton<SuccessionNotifier>();
        return builder;
    }
}
