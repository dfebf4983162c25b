using WeComSuccession.Callbacks;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.Successions.Planning;
using WeComSuccession.Successions.Successors;

namespace WeComSuccession.Successions;

internal static class SuccessionsSetup
{
    /// <summary>Triggers, the plan (successors, approvals), the engine and its first steps, and the departure commands and queries.</summary>
    public static IHostApplicationBuilder AddSuccessions(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SuccessionOptions.Section).Get<SuccessionOptions>() ?? new SuccessionOptions();
        var services = builder.Services;
        services.AddSingleton<SuccessionStore>();
        services.AddSingleton<SuccessionAccess>();
        services.AddSingleton<DepartureQueries>();
        services.AddSingleton<AttentionQueries>();
        services.AddSingleton<DepartureStatistics>();
        services.AddSingleton<SuccessionWakeUp>();
        services.AddSingleton<SuccessionTriggers>();
        services.AddSingleton<ICallbackEventHandler>(sp => sp.GetRequiredService<SuccessionTriggers>());
        services.AddSingleton<Reconciler>();
        services.AddSingleton<OpenDeparture>();

        services.AddSingleton<RegisteredSuccessors>();
        services.AddSingleton<SuccessorChain.Builder>();
        services.AddSingleton<Rerouter>();
        services.AddSingleton<ApprovalRules>();
        services.AddSingleton<ApprovalPolicy>();
        services.AddSingleton<ApprovalDecisions>();
        services.AddSingleton<ApprovalCommands>();
        services.AddSingleton<ApprovalQueries>();
        services.AddSingleton<ItemDetails>();

        services.AddSingleton<SuccessionEngine>();
        services.AddSingleton<ISuccessionStep, Planner>();
        services.AddSingleton<ISuccessionStep, ApprovalTimers>();
        services.AddSingleton<ISuccessionStep, ReleaseStep>();
        services.AddSingleton<ISuccessionStep, CompleteStep>();

        services.AddRecurringJob<ReconcileJob>(options.ReconcileInterval);
        services.AddRecurringJob<DueWorkJob>(options.Transfer.DuePollInterval);
        return builder;
    }
}
