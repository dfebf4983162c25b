using Quartz;

namespace WeComSuccession.Directory;

internal static class DirectorySetup
{
    public static IHostApplicationBuilder AddDirectory(this IHostApplicationBuilder builder)
    {
        var interval = builder.Configuration.GetValue("Directory:SyncInterval", TimeSpan.FromHours(24));
        builder.Services.AddSingleton<MemberDirectory>();
        builder.Services.AddSingleton<DirectorySync>();
        builder.Services.AddQuartz(quartz => quartz.ScheduleJob<DirectorySyncJob>(trigger => trigger
            .WithIdentity(nameof(DirectorySyncJob))
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever())));
        return builder;
    }
}
