using System.Globalization;

namespace WeComSuccession.WeCom.Api;

/// <summary>
/// Settings of one <see cref="WeComClient"/>: which app (corp + secret) it calls as, where, and how it
/// retries, paces and pauses. Bind from the <c>WeCom</c> configuration section and check with
/// <see cref="Validate"/> before the host starts.
/// </summary>
public sealed record WeComClientOptions
{
    /// <summary>Corp id (企业ID).</summary>
    public string CorpId { get; init; } = string.Empty;

    /// <summary>Secret of the self-built app on 客户联系 → 可调用接口的应用. Never logged; redacted by <see cref="ToString"/>.</summary>
    public string Secret { get; init; } = string.Empty;

    /// <summary>API host; a simulator's address in tests and demos.</summary>
    public Uri ApiBaseUrl { get; init; } = new("https://qyapi.weixin.qq.com");

    /// <summary>Calls per minute per API for this corp; WeCom's base limit is 10,000.</summary>
    public int PermitsPerMinute { get; init; } = 10_000;

    /// <summary>Retries of an idempotent call answered -1 (system busy) or 6000; WeCom advises at most 3.</summary>
    public int BusyRetryCount { get; init; } = 3;

    /// <summary>First backoff of the busy retries; doubles per retry, with jitter.</summary>
    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Retries of an idempotent call that timed out, lost its connection or got HTTP 5xx.</summary>
    public int TransportRetryCount { get; init; } = 2;

    /// <summary>First backoff of the transport retries; doubles per retry, with jitter.</summary>
    public TimeSpan TransportRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a call answered 45009/45033 is re-sent after the pause (when the pause fits <see cref="MaxPauseWait"/>).</summary>
    public int ThrottleRetryCount { get; init; } = 1;

    /// <summary>How long an API stays paused after 45009; WeCom blocks a minute-limit breach for 60 s.</summary>
    public TimeSpan ThrottlePause { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an API stays paused after 45033 (too many concurrent calls).</summary>
    public TimeSpan ConcurrencyPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a call waits for a paused or rate-limited API; beyond it the call throws
    /// <see cref="Errors.WeComThrottledException"/> so that a durable job reschedules instead of holding a thread.
    /// </summary>
    public TimeSpan MaxPauseWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one HTTP attempt (send and read the body).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long before expiry a token is refreshed (of WeCom's usual 7200 s).</summary>
    public TimeSpan TokenRefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Every problem with these settings, one message per problem naming the key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(CorpId))
        {
            problems.Add("WeCom:CorpId is required.");
        }

        if (string.IsNullOrWhiteSpace(Secret))
        {
            problems.Add("WeCom:Secret is required.");
        }

        if (ApiBaseUrl is null || !ApiBaseUrl.IsAbsoluteUri || (ApiBaseUrl.Scheme != Uri.UriSchemeHttps && ApiBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add("WeCom:ApiBaseUrl must be an absolute http(s) URL.");
        }

        if (PermitsPerMinute is < 1 or > 1_000_000)
        {
            problems.Add("WeCom:PermitsPerMinute must be between 1 and 1000000.");
        }

        CheckCount(problems, nameof(BusyRetryCount), BusyRetryCount);
        CheckCount(problems, nameof(TransportRetryCount), TransportRetryCount);
        CheckCount(problems, nameof(ThrottleRetryCount), ThrottleRetryCount);
        CheckSpan(problems, nameof(BusyRetryDelay), BusyRetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        CheckSpan(problems, nameof(TransportRetryDelay), TransportRetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        CheckSpan(problems, nameof(ThrottlePause), ThrottlePause, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        CheckSpan(problems, nameof(ConcurrencyPause), ConcurrencyPause, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        CheckSpan(problems, nameof(MaxPauseWait), MaxPauseWait, TimeSpan.Zero, TimeSpan.FromHours(1));
        CheckSpan(problems, nameof(RequestTimeout), RequestTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        // A margin of a full token lifetime (7200 s) or more would refresh on every call.
        CheckSpan(problems, nameof(TokenRefreshMargin), TokenRefreshMargin, TimeSpan.Zero, TimeSpan.FromHours(1));
        return problems;
    }

    /// <summary>Shows the settings with the secret redacted.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{nameof(WeComClientOptions)} {{ CorpId = {CorpId}, Secret = {(string.IsNullOrEmpty(Secret) ? "(empty)" : "***")}, ApiBaseUrl = {ApiBaseUrl}, PermitsPerMinute = {PermitsPerMinute} }}");

    private static void CheckCount(List<string> problems, string name, int value)
    {
        if (value is < 0 or > 10)
        {
            problems.Add($"WeCom:{name} must be between 0 and 10.");
        }
    }

    private static void CheckSpan(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"WeCom:{name} must be between {min} and {max}."));
        }
    }
}
