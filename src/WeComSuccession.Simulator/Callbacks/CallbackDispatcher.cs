using System.Globalization;
using System.Threading.Channels;
using WeComSuccession.Simulator.Clock;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.Simulator.Callbacks;

/// <summary>One callback the simulator meant to push, and what became of it.</summary>
/// <param name="Id">Delivery id, in order of creation.</param>
/// <param name="Event">Event, e.g. <c>change_contact</c>.</param>
/// <param name="ChangeType">ChangeType, e.g. <c>delete_user</c>.</param>
/// <param name="UserId">UserID in the event.</param>
/// <param name="ExternalUserId">ExternalUserID in the event, if any.</param>
/// <param name="CreateTime">CreateTime (simulated unix seconds), the same in every retry.</param>
/// <param name="Xml">The decrypted XML.</param>
/// <param name="State"><c>pending</c>, <c>delivered</c>, <c>failed</c> (every attempt failed) or <c>dropped</c> (on purpose).</param>
/// <param name="Attempts">Every attempt made.</param>
public sealed record CallbackDelivery(long Id, string Event, string ChangeType, string UserId, string? ExternalUserId, long CreateTime, string Xml, string State, IReadOnlyList<CallbackAttempt> Attempts);

/// <summary>One HTTP attempt of a callback.</summary>
/// <param name="Attempt">1 for the first try, 2.. for retries.</param>
/// <param name="SimTime">Simulated time of the attempt.</param>
/// <param name="HttpStatus">The answer's status; null when there was none.</param>
/// <param name="Error">Timeout or network error, if any.</param>
/// <param name="ElapsedMs">Real milliseconds until the answer.</param>
public sealed record CallbackAttempt(int Attempt, DateTimeOffset SimTime, int? HttpStatus, string? Error, double ElapsedMs);

/// <summary>The result of a URL verification run against the service.</summary>
/// <param name="Matched">The reply was exactly the decrypted echostr.</param>
/// <param name="HttpStatus">The reply's status, null when there was none.</param>
/// <param name="Expected">The plaintext echostr.</param>
/// <param name="Body">The reply body (at most 1 KB).</param>
/// <param name="Error">Network error, if any.</param>
public sealed record UrlVerificationResult(bool Matched, int? HttpStatus, string Expected, string? Body, string? Error);

/// <summary>
/// Pushes signed, encrypted events to the service's callback URL as WeCom does: POST with msg_signature,
/// timestamp and nonce, a 5 s timeout, and up to 3 retries on anything but HTTP 200. Every attempt is recorded.
/// </summary>
internal sealed partial class CallbackDispatcher : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly SimClock _clock;
    private readonly TimeProvider _real;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Lock _sync = new();
    private readonly List<Pending> _all = [];
    private readonly Random _random;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private int _outstanding;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public CallbackDispatcher(SimulatorOptions options, SimClock clock, TimeProvider real, ILogger logger)
    {
        _options = options;
        _clock = clock;
        _real = real;
        _logger = logger;
        _random = new Random(options.Seed ^ 0x5EED);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
        _workers = [.. Enumerable.Range(0, options.Callback.Parallelism).Select(_ => Task.Run(WorkAsync))];
    }

    /// <summary>Queues an event; returns its delivery id.</summary>
    public long Enqueue(string @event, string changeType, string userId, string? externalUserId, long createTime, string xml)
    {
        Pending pending;
        lock (_sync)
        {
            pending = new Pending(_all.Count + 1, @event, changeType, userId, externalUserId, createTime, xml);
            _all.Add(pending);
            var drop = _options.Callback.Drop || string.IsNullOrEmpty(_options.Callback.Url) || (_options.Callback.DropRate > 0 && _random.NextDouble() < _options.Callback.DropRate);
            if (drop)
            {
                pending.State = "dropped";
                return pending.Id;
            }

            if (_outstanding++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        _queue.Writer.TryWrite(pending);
        return pending.Id;
    }

    /// <summary>Completes when no delivery is pending or retrying.</summary>
    public Task WaitIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    public IReadOnlyList<CallbackDelivery> Deliveries()
    {
        lock (_sync)
        {
            return [.. _all.Select(p => new CallbackDelivery(p.Id, p.Event, p.ChangeType, p.UserId, p.ExternalUserId, p.CreateTime, p.Xml, p.State, [.. p.Attempts]))];
        }
    }

    /// <summary>Runs WeCom's URL verification against the callback URL: GET with an encrypted echostr.</summary>
    public async Task<UrlVerificationResult> VerifyUrlAsync(CancellationToken cancellationToken)
    {
        var crypto = Crypto();
        string plain;
        lock (_sync)
        {
            plain = _random.NextInt64(1_000_000_000_000_000_000, long.MaxValue).ToString(CultureInfo.InvariantCulture);
        }

        var echostr = crypto.Encrypt(plain);
        var (timestamp, nonce) = Stamp();
        var signature = crypto.Sign(timestamp, nonce, echostr);
        var url = Url(signature, timestamp, nonce) + "&echostr=" + Uri.EscapeDataString(echostr);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Callback.Timeout);
            using var response = await _http.GetAsync(new Uri(url), timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var shown = body.Length > 1024 ? body[..1024] : body;
            return new UrlVerificationResult(response.StatusCode == System.Net.HttpStatusCode.OK && string.Equals(body, plain, StringComparison.Ordinal), (int)response.StatusCode, plain, shown, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or UriFormatException)
        {
            return new UrlVerificationResult(false, null, plain, null, e.GetType().Name + ": " + e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            tcs.SetResult();
        }

        return tcs;
    }

    private WeComCallbackCrypto Crypto() => new(_options.Callback.Token, _options.Callback.EncodingAESKey, _options.CorpId);

    private (string Timestamp, string Nonce) Stamp()
    {
        lock (_sync)
        {
            return (_clock.UnixSeconds.ToString(CultureInfo.InvariantCulture), _random.Next(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture));
        }
    }

    private string Url(string signature, string timestamp, string nonce)
    {
        var baseUrl = _options.Callback.Url ?? "";
        var separator = baseUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{baseUrl}{separator}msg_signature={signature}&timestamp={timestamp}&nonce={nonce}";
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var pending in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                await DeliverAsync(pending);
                lock (_sync)
                {
                    if (--_outstanding == 0)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(Pending pending)
    {
        var crypto = Crypto();
        var attempts = 1 + _options.Callback.MaxRetries;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(_options.Callback.RetryDelay, _real, _stop.Token);
            }

            var (timestamp, nonce) = Stamp();
            var (signature, body) = crypto.CreateCallback(pending.Xml, timestamp, nonce, _options.CorpId, _options.AgentId.ToString(CultureInfo.InvariantCulture));
            var started = _real.GetTimestamp();
            int? status = null;
            string? error = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(_options.Callback.Timeout);
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "text/xml");
                using var response = await _http.PostAsync(new Uri(Url(signature, timestamp, nonce)), content, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                error = "timeout";
            }
            catch (Exception e) when (e is HttpRequestException or UriFormatException or InvalidOperationException)
            {
                error = e.GetType().Name + ": " + e.Message;
            }

            var record = new CallbackAttempt(attempt, _clock.GetUtcNow(), status, error, _real.GetElapsedTime(started).TotalMilliseconds);
            lock (_sync)
            {
                pending.Attempts.Add(record);
                if (status == 200)
                {
                    pending.State = "delivered";
                    return;
                }
            }

            Log.AttemptFailed(_logger, pending.Id, pending.ChangeType, attempt, status ?? 0, error ?? "");
        }

        lock (_sync)
        {
            pending.State = "failed";
        }
    }

    private sealed class Pending(long id, string @event, string changeType, string userId, string? externalUserId, long createTime, string xml)
    {
        public long Id { get; } = id;
        public string Event { get; } = @event;
        public string ChangeType { get; } = changeType;
        public string UserId { get; } = userId;
        public string? ExternalUserId { get; } = externalUserId;
        public long CreateTime { get; } = createTime;
        public string Xml { get; } = xml;
        public string State { get; set; } = "pending";
        public List<CallbackAttempt> Attempts { get; } = [];
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Callback {DeliveryId} ({ChangeType}) attempt {Attempt} failed: HTTP {Status} {Error}")]
        public static partial void AttemptFailed(ILogger logger, long deliveryId, string changeType, int attempt, int status, string error);
    }
}
