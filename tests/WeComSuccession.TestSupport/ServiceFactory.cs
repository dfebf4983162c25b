using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using WeComSuccession.Infrastructure;

namespace WeComSuccession.TestSupport;

/// <summary>How the in-process service is set up.</summary>
public enum ServiceProfile
{
    /// <summary>For tests: environment Testing, and a stop that does not wait for running jobs.</summary>
    Test,

    /// <summary>For measurements: environment Production with the production default of every setting not
    /// given, and every console log line on stderr, so that stdout carries only the figures.</summary>
    Production,
}

/// <summary>
/// The service in-process, with <see cref="ValidSettings"/> that a caller may override key by key, <c>clock</c> for the service's business time, and <c>services</c> for extra test services
/// (e.g. a handler that records what this node did).
/// </summary>
public sealed class ServiceFactory(
    string connectionString,
    IReadOnlyDictionary<string, string?>? overrides = null,
    TimeProvider? clock = null,
    Action<IServiceCollection>? services = null,
    ServiceProfile profile = ServiceProfile.Test)
    : WebApplicationFactory<Program>
{
    /// <summary>The test app (<see cref="TestCredentials"/>) with no WeCom behind it.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ValidSettings = TestCredentials.ServiceSettings();

    /// <summary>The service's warnings and errors, and a count of every event id it logged.</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        if (profile == ServiceProfile.Production)
        {
            builder.UseEnvironment(Environments.Production);
            builder.ConfigureLogging(logging => logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        }
        else
        {
            builder.UseEnvironment("Testing");

            // Test hosts stop at once: a job cut short is resumable, and a test class's teardown must not wait on one.
            builder.UseSetting("Jobs:ShutdownTimeout", "00:00:01");
        }

        foreach (var (key, value) in ValidSettings.Concat(overrides ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (clock is not null)
        {
            builder.ConfigureTestServices(s => s.AddSingleton(new ServiceClock(clock)));
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
