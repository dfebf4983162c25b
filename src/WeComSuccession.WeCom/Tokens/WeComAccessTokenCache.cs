using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WeComSuccession.WeCom.Tokens;

/// <summary>
/// Access tokens per app (<see cref="WeComTokenKey"/>), shared by every <see cref="Api.WeComClient"/> that is
/// given the same cache (register one per process). One gettoken is in flight per app however many callers
/// need a token: WeCom intercepts frequent gettoken calls. A token is refreshed a margin before expiry; while
/// it is still valid, callers keep using it and one of them refreshes in the background.
/// </summary>
public sealed class WeComAccessTokenCache(TimeProvider timeProvider, ILogger<WeComAccessTokenCache>? logger = null)
{
    private readonly ConcurrentDictionary<WeComTokenKey, Slot> _slots = new();
    private readonly ILogger _logger = logger ?? NullLogger<WeComAccessTokenCache>.Instance;

    /// <summary>Creates a cache on the system clock.</summary>
    public WeComAccessTokenCache()
        : this(TimeProvider.System)
    {
    }

    /// <summary>
    /// A usable token for <paramref name="key"/>; calls <paramref name="fetch"/> (returning the token and its
    /// lifetime) at most once at a time per key. The fetch is shared, so it runs without the caller's
    /// cancellation; the caller stops waiting when <paramref name="cancellationToken"/> fires.
    /// </summary>
    internal async ValueTask<string> GetAsync(
        WeComTokenKey key,
        TimeSpan refreshMargin,
        Func<CancellationToken, Task<(string Token, TimeSpan Lifetime)>> fetch,
        CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(key, static _ => new Slot());
        Task<CachedToken> pending;
        lock (slot.Gate)
        {
            var now = timeProvider.GetUtcNow();
            var current = slot.Current;
            if (current is not null && now < current.RefreshAt)
            {
                return current.Value;
            }

            // Task.Run: the fetch must not complete (and clear Pending) while this thread still holds the lock.
            pending = slot.Pending ??= Task.Run(() => RefreshAsync(key, slot, refreshMargin, fetch), CancellationToken.None);
            if (current is not null && now < current.ExpiresAt)
            {
                // Inside the refresh margin the old token still works; nobody waits for the refresh.
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return current.Value;
            }
        }

        return (await pending.WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Drops <paramref name="token"/> after WeCom called it invalid or expired — only if it is still the cached
    /// one, so that a late failure of an old token cannot throw away a fresh one. Returns whether it dropped it.
    /// </summary>
    internal bool Invalidate(WeComTokenKey key, string token)
    {
        if (!_slots.TryGetValue(key, out var slot))
        {
            return false;
        }

        lock (slot.Gate)
        {
            if (slot.Current is null || !string.Equals(slot.Current.Value, token, StringComparison.Ordinal))
            {
                return false;
            }

            slot.Current = null;
        }

        TokenLog.Invalidated(_logger, key);
        return true;
    }

    private async Task<CachedToken> RefreshAsync(
        WeComTokenKey key,
        Slot slot,
        TimeSpan refreshMargin,
        Func<CancellationToken, Task<(string Token, TimeSpan Lifetime)>> fetch)
    {
        try
        {
            var (token, lifetime) = await fetch(CancellationToken.None).ConfigureAwait(false);
            var now = timeProvider.GetUtcNow();
            // A short-lived token (a simulator's, or a misconfigured margin) must still be usable for half its life.
            var margin = refreshMargin < lifetime / 2 ? refreshMargin : lifetime / 2;
            var cached = new CachedToken(token, now + lifetime - margin, now + lifetime);
            lock (slot.Gate)
            {
                slot.Current = cached;
                slot.Pending = null;
            }

            TokenLog.Refreshed(_logger, key, (int)lifetime.TotalSeconds);
            return cached;
        }
        catch (Exception ex)
        {
            lock (slot.Gate)
            {
                slot.Pending = null;
            }

            TokenLog.RefreshFailed(_logger, key, ex.GetType().Name);
            throw;
        }
    }

    private sealed class Slot
    {
        public Lock Gate { get; } = new();

        public CachedToken? Current { get; set; }

        public Task<CachedToken>? Pending { get; set; }
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt)
    {
        // The record's generated ToString would print the token.
        public override string ToString() => $"token until {ExpiresAt:O}";
    }
}

internal static partial class TokenLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "WeCom access token refreshed for {TokenKey}, lifetime {LifetimeSeconds} s")]
    public static partial void Refreshed(ILogger logger, WeComTokenKey tokenKey, int lifetimeSeconds);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "WeCom rejected the cached access token for {TokenKey}; dropped it")]
    public static partial void Invalidated(ILogger logger, WeComTokenKey tokenKey);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "WeCom access token refresh failed for {TokenKey}: {ExceptionType}")]
    public static partial void RefreshFailed(ILogger logger, WeComTokenKey tokenKey, string exceptionType);
}
