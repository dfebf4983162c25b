using Microsoft.AspNetCore.Antiforgery;
using WeComSuccession.Api;

namespace WeComSuccession.Dashboard;

/// <summary>
/// Antiforgery as the framework does it, except for a request authenticated by an API key: a forged cross-site
/// request carries the victim's cookies, never a custom header, so a key in <c>X-Api-Key</c> proves the caller meant
/// it. That lets a machine retry a failed job on the jobs dashboard (which checks antiforgery on every POST once the
/// pages register it) while every signed-in person's POST still needs its token.
/// </summary>
internal sealed class ApiKeyAwareAntiforgery(IAntiforgery inner) : IAntiforgery
{
    public static void Decorate(IServiceCollection services)
    {
        var framework = services.Last(d => d.ServiceType == typeof(IAntiforgery));
        var implementation = framework.ImplementationType ?? throw new InvalidOperationException("IAntiforgery is not registered by type.");
        services.Remove(framework);
        services.AddSingleton<IAntiforgery>(sp => new ApiKeyAwareAntiforgery((IAntiforgery)ActivatorUtilities.CreateInstance(sp, implementation)));
    }

    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) => inner.GetAndStoreTokens(httpContext);

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext) => inner.GetTokens(httpContext);

    public Task<bool> IsRequestValidAsync(HttpContext httpContext) =>
        ByApiKey(httpContext) ? Task.FromResult(true) : inner.IsRequestValidAsync(httpContext);

    public Task ValidateRequestAsync(HttpContext httpContext) =>
        ByApiKey(httpContext) ? Task.CompletedTask : inner.ValidateRequestAsync(httpContext);

    public void SetCookieTokenAndHeader(HttpContext httpContext) => inner.SetCookieTokenAndHeader(httpContext);

    private static bool ByApiKey(HttpContext context) =>
        context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName);
}
