using WeComSuccession.Callbacks;
using WeComSuccession.Successions;
using WeComSuccession.Transfers.Tracking;

namespace WeComSuccession.Transfers;

internal static class TransfersSetup
{
    /// <summary>The send and track steps, the group quota, transfer callbacks, and the item commands.</summary>
    public static IHostApplicationBuilder AddTransfers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<GroupQuota>();
        services.AddSingleton<TransferBatches>();
        services.AddSingleton<TransferRunner>();
        services.AddSingleton<TransferResults>();
        services.AddSingleton<ISuccessionStep>(sp => sp.GetRequiredService<TransferRunner>());
        services.AddSingleton<ISuccessionStep>(sp => sp.GetRequiredService<TransferResults>());
        services.AddSingleton<ICallbackEventHandler, TransferEventsHandler>();
        services.AddSingleton<ItemCommands>();
        services.AddSingleton<BulkItemCommands>();
        return builder;
    }
}
