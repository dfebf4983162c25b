using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;
using WeComSuccession.WeCom.Resilience;
using WeComSuccession.WeCom.Tokens;

namespace WeComSuccession.WeCom.Api;

/// <summary>
/// Typed client for the WeCom server APIs the succession service uses, acting as one app
/// (<see cref="WeComClientOptions.CorpId"/> + <see cref="WeComClientOptions.Secret"/>).
/// It fetches and caches the access token (query string only), paces and pauses each API, retries what
/// is safe to retry, and reports everything else as a <see cref="WeComException"/>:
/// <see cref="WeComApiException"/> for a non-zero errcode, <see cref="WeComThrottledException"/>,
/// <see cref="WeComOutcomeUnknownException"/> (non-idempotent calls only), <see cref="WeComTransportException"/>
/// (idempotent calls only) and <see cref="WeComMalformedResponseException"/>.
/// Per-item errcodes in transfer responses are returned as data.
/// </summary>
/// <remarks>
/// The client keeps no per-call state of its own: tokens live in the <see cref="WeComAccessTokenCache"/> and
/// pauses/limits in the <see cref="WeComApiGovernor"/>; pass process-wide instances of both when clients are
/// created per use (e.g. typed <see cref="HttpClient"/>s). Keep <see cref="HttpClient.Timeout"/> above
/// <see cref="WeComClientOptions.RequestTimeout"/>; the client times out each attempt itself.
/// </remarks>
public sealed partial class WeComClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly WeComClientOptions _options;
    private readonly WeComAccessTokenCache _tokens;
    private readonly WeComApiGovernor _governor;
    private readonly WeComApiGovernor? _ownedGovernor;
    private readonly WeComTokenKey _tokenKey;
    private readonly string _baseUrl;
    private readonly ResiliencePipeline _idempotentPipeline;
    private readonly ResiliencePipeline _nonIdempotentPipeline;
    private readonly ResiliencePipeline _attemptTimeout;
    private readonly ILogger _logger;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this client.</param>
    /// <param name="options">Settings; must pass <see cref="WeComClientOptions.Validate"/>.</param>
    /// <param name="timeProvider">Clock for token expiry, pauses, backoff and timeouts; the system clock when null.</param>
    /// <param name="tokenCache">Process-wide token cache; a private one when null.</param>
    /// <param name="governor">Process-wide pauses and rate limits; a private one (disposed with this client) when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    public WeComClient(
        HttpClient httpClient,
        WeComClientOptions options,
        TimeProvider? timeProvider = null,
        WeComAccessTokenCache? tokenCache = null,
        WeComApiGovernor? governor = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _http = httpClient;
        _options = options;
        _logger = loggerFactory.CreateLogger<WeComClient>();
        _tokens = tokenCache ?? new WeComAccessTokenCache(time, loggerFactory.CreateLogger<WeComAccessTokenCache>());
        _ownedGovernor = governor is null ? new WeComApiGovernor(time, loggerFactory.CreateLogger<WeComApiGovernor>()) : null;
        _governor = governor ?? _ownedGovernor!;
        _tokenKey = WeComTokenKey.Create(options.CorpId, options.Secret);
        _baseUrl = options.ApiBaseUrl.AbsoluteUri.TrimEnd('/');
        _idempotentPipeline = WeComResiliencePipelines.Create(options, idempotent: true, time, DropToken, _logger);
        _nonIdempotentPipeline = WeComResiliencePipelines.Create(options, idempotent: false, time, DropToken, _logger);
        _attemptTimeout = WeComResiliencePipelines.CreateTimeout(options.RequestTimeout, time);
    }

    /// <summary>The app's token key (corp + secret fingerprint), e.g. for diagnostics.</summary>
    public WeComTokenKey TokenKey => _tokenKey;

    /// <summary>Disposes the private governor, if this client created one.</summary>
    public void Dispose() => _ownedGovernor?.Dispose();

    private Task<TResponse> GetAsync<TResponse>(
        WeComEndpoint endpoint,
        IEnumerable<(string Name, string? Value)> query,
        JsonTypeInfo<TResponse> responseInfo,
        CancellationToken cancellationToken)
        where TResponse : WeComResponse =>
        SendAsync(endpoint, BuildQuery(query), body: null, responseInfo, cancellationToken);

    private Task<TResponse> PostAsync<TRequest, TResponse>(
        WeComEndpoint endpoint,
        TRequest request,
        JsonTypeInfo<TRequest> requestInfo,
        JsonTypeInfo<TResponse> responseInfo,
        CancellationToken cancellationToken)
        where TResponse : WeComResponse
    {
        ArgumentNullException.ThrowIfNull(request);

        // Serialized once; every attempt sends the same bytes.
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestInfo);
        return SendAsync(endpoint, query: null, body, responseInfo, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TResponse>(
        WeComEndpoint endpoint,
        string? query,
        byte[]? body,
        JsonTypeInfo<TResponse> responseInfo,
        CancellationToken cancellationToken)
        where TResponse : WeComResponse
    {
        var pipeline = endpoint.Idempotent ? _idempotentPipeline : _nonIdempotentPipeline;
        Attempt<TResponse> attempt;
        try
        {
            attempt = await pipeline.ExecuteAsync(
                ct => AttemptAsync(endpoint, query, body, responseInfo, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (WeComMalformedResponseException ex) when (!endpoint.Idempotent)
        {
            // WeCom may have acted on the request; only its answer is unreadable.
            ApiLog.OutcomeUnknown(_logger, endpoint.Path, "malformed response");
            throw new WeComOutcomeUnknownException(endpoint.Path, "malformed response", ex);
        }

        if (attempt.Failure is { } failure)
        {
            if (endpoint.Idempotent)
            {
                ApiLog.TransportFailed(_logger, endpoint.Path, failure.Reason);
                throw new WeComTransportException(endpoint.Path, failure.Reason, failure.Exception);
            }

            ApiLog.OutcomeUnknown(_logger, endpoint.Path, failure.Reason);
            throw new WeComOutcomeUnknownException(endpoint.Path, failure.Reason, failure.Exception);
        }

        var response = attempt.Response!;
        if (response.ErrCode == 0)
        {
            return response;
        }

        var errorClass = WeComErrorCodes.Classify(response.ErrCode);
        ApiLog.ApiError(_logger, endpoint.Path, response.ErrCode, errorClass);
        switch (errorClass)
        {
            case WeComErrorClass.Throttled:
                var retryAfter = _governor.PausedFor(_options.CorpId, endpoint.Path);
                throw new WeComThrottledException(endpoint.Path, response.ErrCode, retryAfter > TimeSpan.Zero ? retryAfter : PauseFor(response.ErrCode));
            case WeComErrorClass.Busy when !endpoint.Idempotent:
                throw new WeComOutcomeUnknownException(endpoint.Path, $"errcode {response.ErrCode}");
            default:
                throw new WeComApiException(endpoint.Path, response.ErrCode, Redact(response.ErrMsg, attempt.Token));
        }
    }

    private async ValueTask<Attempt<TResponse>> AttemptAsync<TResponse>(
        WeComEndpoint endpoint,
        string? query,
        byte[]? body,
        JsonTypeInfo<TResponse> responseInfo,
        CancellationToken cancellationToken)
        where TResponse : WeComResponse
    {
        var token = endpoint.NeedsToken
            ? await _tokens.GetAsync(_tokenKey, _options.TokenRefreshMargin, FetchTokenAsync, cancellationToken).ConfigureAwait(false)
            : null;

        // Waits out a pause of this API and takes a rate-limit permit, or throws WeComThrottledException; no
        // request leaves while the API is paused.
        await _governor.EnterAsync(_options.CorpId, endpoint.Path, endpoint.RateLimited, _options.PermitsPerMinute, _options.MaxPauseWait, cancellationToken)
            .ConfigureAwait(false);

        var uri = new Uri(BuildUrl(endpoint, token, query));
        int status;
        byte[] content;
        try
        {
            (status, content) = await _attemptTimeout.ExecuteAsync(
                async ct =>
                {
                    using var request = new HttpRequestMessage(endpoint.Method, uri);
                    if (body is not null)
                    {
                        request.Content = new ByteArrayContent(body);
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    }

                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                    var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                    return ((int)response.StatusCode, bytes);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, token, "timeout", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout fired before our own timeout.
            return Attempt<TResponse>.Failed(endpoint.Path, token, "timeout (HttpClient)", ex);
        }
        catch (HttpRequestException ex)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, token, "connection failed", ex);
        }
        catch (IOException ex)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, token, "connection dropped", ex);
        }

        if (status >= 500)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, token, $"HTTP {status}", null);
        }

        if (status is < 200 or >= 300)
        {
            ApiLog.Malformed(_logger, endpoint.Path, status);
            throw new WeComMalformedResponseException(endpoint.Path, $"unexpected HTTP {status}", status);
        }

        TResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(content, responseInfo);
        }
        catch (JsonException ex)
        {
            ApiLog.Malformed(_logger, endpoint.Path, status);
            // The JsonException message quotes no payload, only a position; kept as the inner exception.
            throw new WeComMalformedResponseException(endpoint.Path, "invalid JSON", status, ex);
        }

        if (parsed is null)
        {
            ApiLog.Malformed(_logger, endpoint.Path, status);
            throw new WeComMalformedResponseException(endpoint.Path, "JSON null", status);
        }

        if (WeComErrorCodes.Classify(parsed.ErrCode) == WeComErrorClass.Throttled)
        {
            _governor.Pause(_options.CorpId, endpoint.Path, parsed.ErrCode, PauseFor(parsed.ErrCode), _options.PermitsPerMinute);
        }

        return new Attempt<TResponse>(endpoint.Path, token, parsed, null);
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(CancellationToken cancellationToken)
    {
        var response = await GetAsync(
            WeComEndpoints.GetToken,
            [("corpid", _options.CorpId), ("corpsecret", _options.Secret)],
            WeComJsonContext.Default.CgibinGetTokenResponse,
            cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(response.AccessToken) || response.ExpiresIn <= 0)
        {
            throw new WeComMalformedResponseException(WeComEndpoints.GetToken.Path, "no access_token or expires_in");
        }

        return (response.AccessToken, TimeSpan.FromSeconds(response.ExpiresIn));
    }

    private void DropToken(IWeComAttempt attempt)
    {
        if (attempt.Token is not null)
        {
            _tokens.Invalidate(_tokenKey, attempt.Token);
        }
    }

    private TimeSpan PauseFor(int errCode) => errCode == 45033 ? _options.ConcurrencyPause : _options.ThrottlePause;

    private string BuildUrl(WeComEndpoint endpoint, string? token, string? query)
    {
        // access_token goes in the query, never in the body (WeCom answers 41001 otherwise).
        var url = _baseUrl + endpoint.Path;
        if (token is not null)
        {
            url += "?access_token=" + Uri.EscapeDataString(token);
            return string.IsNullOrEmpty(query) ? url : url + "&" + query;
        }

        return string.IsNullOrEmpty(query) ? url : url + "?" + query;
    }

    private static string? BuildQuery(IEnumerable<(string Name, string? Value)> parameters) =>
        string.Join('&', parameters
            .Where(p => p.Value is not null)
            .Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)));

    private static string? Redact(string? errMsg, string? token) =>
        errMsg is not null && !string.IsNullOrEmpty(token) ? errMsg.Replace(token, "***", StringComparison.Ordinal) : errMsg;

    private sealed record Attempt<TResponse>(string Api, string? Token, TResponse? Response, WeComTransportFailure? Failure) : IWeComAttempt
        where TResponse : WeComResponse
    {
        public int ErrCode => Response?.ErrCode ?? 0;

        public static Attempt<TResponse> Failed(string api, string? token, string reason, Exception? exception) =>
            new(api, token, null, new WeComTransportFailure(reason, exception));

        // The generated ToString would print the token.
        public override string ToString() => $"{Api}: errcode {ErrCode}, failure {Failure?.Reason}";
    }
}

internal static partial class ApiLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "WeCom {Api} answered errcode {ErrCode} ({ErrorClass})")]
    public static partial void ApiError(ILogger logger, string api, int errCode, WeComErrorClass errorClass);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "WeCom {Api}: outcome unknown ({Reason}); not re-sent")]
    public static partial void OutcomeUnknown(ILogger logger, string api, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "WeCom {Api}: transport failure ({Reason}) after retries")]
    public static partial void TransportFailed(ILogger logger, string api, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "WeCom {Api}: malformed response, HTTP {HttpStatus}")]
    public static partial void Malformed(ILogger logger, string api, int httpStatus);
}
