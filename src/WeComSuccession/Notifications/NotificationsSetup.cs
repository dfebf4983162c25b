using WeComSuccession.Successions;

namespace WeComSuccession.Notifications;

internal static class NotificationsSetup
{
    /// <summary>The notify step: digests for successors and admins when a succession completes.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SuccessionNotifier>();
        builder.Services.AddSingleton<ISuccessionStep>(sp => sp.GetRequiredService<SuccessionNotifier>());
        return builder;
    }
}
