using Quartz;
using WeComSuccession.Callbacks;

namespace WeComSuccession.Members;

internal static class MembersSetup
{
    public static IHostApplicationBuilder AddMembers(this IHostApplicationBuilder builder)
    {
        var interval = builder.Configuration.GetValue("Directory:SyncInterval", TimeSpan.FromHours(24));
        builder.Services.AddSingleton<MemberDirectory>();
        builder.Services.AddSingleton<MemberReader>();
        builder.Services.AddSingleton<Departments>();
        builder.Services.AddSingleton<AdminRoles>();
        builder.Services.AddSingleton<DirectorySync>();
        builder.Services.AddSingleton<ICallbackEventHandler, MemberEventsHandler>();
        builder.Services.AddQuartz(quartz => quartz.ScheduleJob<DirectorySyncJob>(trigger => trigger
            .WithIdentity(nameof(DirectorySyncJob))
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever())));
        return builder;
    }
}
