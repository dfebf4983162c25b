using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.WeCom.Resilience;

/// <summary>
/// Paces calls per (corp, API path): a per-minute sliding-window limit (WeCom counts its base limit per corp
/// per API), and a pause after WeCom answers 45009/45033 during which no request to that API leaves the
/// process. Share one instance between all clients of a process (like <see cref="Tokens.WeComAccessTokenCache"/>).
/// </summary>
public sealed class WeComApiGovernor(TimeProvider timeProvider, ILogger<WeComApiGovernor>? logger = null) : IDisposable
{
    private readonly ConcurrentDictionary<(string CorpId, string Api), ApiState> _apis = new();
    private readonly ILogger _logger = logger ?? NullLogger<WeComApiGovernor>.Instance;

    /// <summary>Creates a governor on the system clock.</summary>
    public WeComApiGovernor()
        : this(TimeProvider.System)
    {
    }

    /// <summary>How much longer <paramref name="api"/> is paused for <paramref name="corpId"/>; zero when it is not.</summary>
    public TimeSpan PausedFor(string corpId, string api) =>
        _apis.TryGetValue((corpId, api), out var state) ? Remaining(state) : TimeSpan.Zero;

    /// <summary>Disposes the rate limiters.</summary>
    public void Dispose()
    {
        foreach (var state in _apis.Values)
        {
            state.Limiter.Dispose();
        }

        _apis.Clear();
    }

    /// <summary>
    /// Waits until a call to <paramref name="api"/> may be sent: through any pause, then for a rate-limit
    /// permit. Throws <see cref="WeComThrottledException"/> instead of waiting longer than
    /// <paramref name="maxWait"/>.
    /// </summary>
    internal async ValueTask EnterAsync(string corpId, string api, bool rateLimited, int permitsPerMinute, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var state = _apis.GetOrAdd((corpId, api), static (_, permits) => new ApiState(CreateLimiter(permits)), permitsPerMinute);
        await WaitOutPauseAsync(state, api, maxWait, cancellationToken).ConfigureAwait(false);
        if (rateLimited)
        {
            await AcquirePermitAsync(state, api, maxWait, cancellationToken).ConfigureAwait(false);

            // A pause may have begun while this call queued for its permit.
            await WaitOutPauseAsync(state, api, maxWait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pauses <paramref name="api"/> for <paramref name="corpId"/> (extending, never shortening, a running pause).</summary>
    internal void Pause(string corpId, string api, int errCode, TimeSpan duration, int permitsPerMinute)
    {
        var state = _apis.GetOrAdd((corpId, api), static (_, permits) => new ApiState(CreateLimiter(permits)), permitsPerMinute);
        var until = timeProvider.GetUtcNow().Add(duration).UtcTicks;
        lock (state.Gate)
        {
            if (until > state.PausedUntilTicks)
            {
                state.PausedUntilTicks = until;
                state.PauseErrCode = errCode;
            }
        }

        ResilienceLog.ApiPaused(_logger, corpId, api, errCode, (long)duration.TotalMilliseconds);
    }

    private static SlidingWindowRateLimiter CreateLimiter(int permitsPerMinute) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permitsPerMinute,
        Window = TimeSpan.FromMinutes(1),
        // Six 10-second segments: close to WeCom's per-minute counting without a burst of 2x at a window edge.
        SegmentsPerWindow = 6,
        QueueLimit = permitsPerMinute,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    private async ValueTask WaitOutPauseAsync(ApiState state, string api, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var remaining = Remaining(state);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            if (waited + remaining > maxWait)
            {
                int errCode;
                lock (state.Gate)
                {
                    errCode = state.PauseErrCode;
                }

                ResilienceLog.PauseLongerThanWait(_logger, api, (long)remaining.TotalMilliseconds);
                throw new WeComThrottledException(api, errCode, remaining);
            }

            ResilienceLog.WaitingForPause(_logger, api, (long)remaining.TotalMilliseconds);
            await Task.Delay(remaining, timeProvider, cancellationToken).ConfigureAwait(false);
            waited += remaining;
        }
    }

    private async ValueTask AcquirePermitAsync(ApiState state, string api, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var waitLimit = new CancellationTokenSource(maxWait, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waitLimit.Token);
        RateLimitLease lease;
        try
        {
            lease = await state.Limiter.AcquireAsync(1, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ResilienceLog.RateLimited(_logger, api);
            throw new WeComThrottledException(api, 0, TimeSpan.FromSeconds(10));
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                ResilienceLog.RateLimited(_logger, api);
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
                throw new WeComThrottledException(api, 0, retryAfter);
            }
        }
    }

    private TimeSpan Remaining(ApiState state)
    {
        long until;
        lock (state.Gate)
        {
            until = state.PausedUntilTicks;
        }

        return TimeSpan.FromTicks(until - timeProvider.GetUtcNow().UtcTicks);
    }

    private sealed class ApiState(SlidingWindowRateLimiter limiter)
    {
        public Lock Gate { get; } = new();

        public SlidingWindowRateLimiter Limiter { get; } = limiter;

        public long PausedUntilTicks { get; set; }

        public int PauseErrCode { get; set; }
    }
}

internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "WeCom {Api} paused for corp {CorpId} after errcode {ErrCode}: {PauseMs} ms")]
    public static partial void ApiPaused(ILogger logger, string corpId, string api, int errCode, long pauseMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "WeCom {Api} is paused; waiting {WaitMs} ms")]
    public static partial void WaitingForPause(ILogger logger, string api, long waitMs);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "WeCom {Api} is paused for {RemainingMs} ms, longer than the caller may wait")]
    public static partial void PauseLongerThanWait(ILogger logger, string api, long remainingMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "WeCom {Api}: local per-minute rate limit reached")]
    public static partial void RateLimited(ILogger logger, string api);
}
