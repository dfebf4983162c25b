using Quartz;
using WeComSuccession.Callbacks;
using WeComSuccession.Infrastructure.Options;

namespace WeComSuccession.Successions;

internal static class SuccessionsSetup
{
    public static IHostApplicationBuilder AddSuccessions(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SuccessionOptions.Section).Get<SuccessionOptions>() ?? new SuccessionOptions();
        builder.Services.AddSingleton<SuccessionStore>();
        builder.Services.AddSingleton<SuccessionWakeUp>();
        builder.Services.AddSingleton<SuccessorChain.Builder>();
        builder.Services.AddSingleton<Planner>();
        builder.Services.AddSingleton<SuccessionEngine>();
        builder.Services.AddSingleton<SuccessionTriggers>();
        builder.Services.AddSingleton<ICallbackEventHandler>(sp => sp.GetRequiredService<SuccessionTriggers>());
        builder.Services.AddSingleton<Reconciler>();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ScheduleJob<ReconcileJob>(trigger => trigger
                .WithIdentity(nameof(ReconcileJob))
                .StartNow() // a node that was down sweeps at once for what it missed
                .WithSimpleSchedule(s => s.WithInterval(options.ReconcileInterval).RepeatForever()));
            quartz.ScheduleJob<DueWorkJob>(trigger => trigger
                .WithIdentity(nameof(DueWorkJob))
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(options.Transfer.DuePollInterval).RepeatForever()));
        });
        return builder;
    }
}
