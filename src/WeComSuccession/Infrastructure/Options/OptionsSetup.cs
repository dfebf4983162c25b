using Microsoft.Extensions.Options;

namespace WeComSuccession.Infrastructure.Options;

internal static class OptionsSetup
{
    /// <summary>Binds and validates every section before the host starts; a bad key stops the start.</summary>
    public static IHostApplicationBuilder AddServiceOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<WeComOptions>().BindConfiguration(WeComOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<SuccessionOptions>().BindConfiguration(SuccessionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<WeComOptions>, WeComOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<SuccessionOptions>, SuccessionOptionsValidator>();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        return builder;
    }
}
