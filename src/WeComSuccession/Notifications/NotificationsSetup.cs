using WeComSuccession.Callbacks;
using WeComSuccession.Successions;

namespace WeComSuccession.Notifications;

internal static class NotificationsSetup
{
    /// <summary>The notify steps (digests for successors and admins; approval cards and their updates) and the card clicks.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SuccessionNotifier>();
        builder.Services.AddSingleton<ISuccessionStep>(sp => sp.GetRequiredService<SuccessionNotifier>());
        builder.Services.AddSingleton<ApprovalCards>();
        builder.Services.AddSingleton<ISuccessionStep>(sp => sp.GetRequiredService<ApprovalCards>());
        builder.Services.AddSingleton<ICallbackEventHandler, ApprovalCardClicks>();
        return builder;
    }
}
