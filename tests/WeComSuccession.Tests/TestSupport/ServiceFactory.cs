using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeComSuccession.Infrastructure;

namespace WeComSuccession.Tests.TestSupport;

/// <summary>
/// The service in-process, with valid demo settings that a test may override key by key, and
/// <c>services</c> for extra test services (e.g. a handler that records what this node did).
/// </summary>
public sealed class ServiceFactory(
    string connectionString, IReadOnlyDictionary<string, string?>? overrides = null, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public static readonly IReadOnlyDictionary<string, string?> ValidSettings = new Dictionary<string, string?>
    {
        ["WeCom:CorpId"] = "ww1436e0e65a779aee",
        ["WeCom:AgentId"] = "1000002",
        ["WeCom:Secret"] = "test-secret",
        ["WeCom:ApiBaseUrl"] = "http://127.0.0.1:9",
        ["WeCom:Callback:Token"] = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
        ["WeCom:Callback:EncodingAESKey"] = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    };

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);

        // Test hosts stop at once: a job cut short is resumable, and a test class's teardown must not wait on one.
        builder.UseSetting("Jobs:ShutdownTimeout", "00:00:01");
        foreach (var (key, value) in ValidSettings)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
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
