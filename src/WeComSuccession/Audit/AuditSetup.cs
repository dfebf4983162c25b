namespace WeComSuccession.Audit;

internal static class AuditSetup
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<AuditQueries>();
        return builder;
    }
}
