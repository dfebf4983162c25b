using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Options;

namespace WeComSuccession.Api;

/// <summary>
/// The configured API keys, kept as SHA-256 digests. A presented key is hashed and compared with every
/// digest in fixed time, so neither the time taken nor an early exit tells how much of a key was right.
/// Unknown keys are logged as a sample per minute plus a count, so a guessing burst cannot flood the log.
/// </summary>
internal sealed partial class ApiKeyRing(IOptions<AdminOptions> options, ILogger<ApiKeyRing> logger) : IDisposable
{
    private readonly LogSampler _unknownKeys = new(TimeProvider.System, TimeSpan.FromMinutes(1), (count, window) => LogSuppressed(logger, count, window));

    private readonly (string Name, byte[] Digest)[] _keys =
        [.. options.Value.ApiKeys.Select(k => (k.Name!, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key!))))];

    /// <returns>The name of the key, or null when no configured key matches.</returns>
    public string? Find(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? found = null;
        foreach (var (name, expected) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, expected))
            {
                found = name;
            }
        }

        return found;
    }

    public void UnknownKey(PathString path)
    {
        if (_unknownKeys.ShouldLog())
        {
            LogUnknownKey(logger, path);
        }
    }

    public void Dispose() => _unknownKeys.Dispose();

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Admin API call with an unknown API key to {Path}")]
    private static partial void LogUnknownKey(ILogger logger, PathString path);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Count} more admin API calls with an unknown API key in the last {Window} (not logged one by one)")]
    private static partial void LogSuppressed(ILogger logger, long count, TimeSpan window);
}

/// <summary>
/// <c>X-Api-Key</c> authentication. It runs before model binding (unlike an endpoint filter), so a caller
/// without a valid key gets 401 whatever it sent. The key itself is never logged; its name becomes the actor.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, ApiKeyRing keys, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    /// <summary>An authenticated caller as the commands' actor: the key's name (<c>api-key:&lt;name&gt;</c>), acting for <paramref name="member"/> when it names one.</summary>
    public static Actor ActorOf(ClaimsPrincipal user, string? member = null) =>
        Actor.ApiKey(user.Identity?.Name ?? throw new InvalidOperationException("Not authenticated."), member);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values is not [{ Length: > 0 } presented])
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } name)
        {
            keys.UnknownKey(Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = $"Send a valid API key in the {Header} header.",
            },
        });
    }
}
