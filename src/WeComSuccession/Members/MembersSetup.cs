using WeComSuccession.Callbacks;
using WeComSuccession.Infrastructure.Jobs;

namespace WeComSuccession.Members;

internal static class MembersSetup
{
    public static IHostApplicationBuilder AddMembers(this IHostApplicationBuilder builder)
    {
        var interval = builder.Configuration.GetValue("Directory:SyncInterval", TimeSpan.FromHours(24));
        if (!Schedules.Fits(interval))
        {
            throw new InvalidOperationException($"Directory:SyncInterval {interval} is not a schedule: {Schedules.Allowed}.");
        }

        builder.Services.AddSingleton<MemberDirectory>();
        builder.Services.AddSingleton<MemberReader>();
        builder.Services.AddSingleton<Departments>();
        builder.Services.AddSingleton<AdminRoles>();
        builder.Services.AddSingleton<DirectorySync>();
        builder.Services.AddSingleton<ICallbackEventHandler, MemberEventsHandler>();
        builder.Services.AddRecurringJob<DirectorySyncJob>(interval);
        return builder;
    }
}
