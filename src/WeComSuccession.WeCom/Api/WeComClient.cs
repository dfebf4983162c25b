using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;
using Refit;
using WeComSuccession.WeCom.Api.Http;
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
/// <see cref="WeComClientOptions.RequestTimeout"/>; the client times out each attempt itself. Retries and
/// timeouts are logged and metered through Polly's telemetry (meter "Polly"), with the API path as the
/// operation key.
/// </remarks>
public sealed partial class WeComClient : IDisposable
{
    // Refit writes every request from IWeComApi: query names from [JsonPropertyName] as in the bodies, bodies
    // through the source-generated context (no reflection), buffered so that they carry a Content-Length.
    // Transport exceptions pass through unwrapped: the attempt below classifies them, and no Refit exception,
    // which keeps the request and so the token in its URL, leaves the library.
    private static readonly RefitSettings Settings = new(SystemTextJsonContentSerializer.ForContext(WeComJsonContext.Default))
    {
        HonorContentSerializerPropertyNamesInQuery = true,
        RequestBodySerialization = RequestBodySerializationMode.Buffered,
        TransportExceptionFactory = static (_, exception, _) => exception,
    };

    private readonly HttpClient _refitHttp;
    private readonly IWeComApi _api;
    private readonly WeComClientOptions _options;
    private readonly WeComAccessTokenCache _tokens;
    private readonly WeComApiGovernor _governor;
    private readonly WeComApiGovernor? _ownedGovernor;
    private readonly WeComTokenKey _tokenKey;
    private readonly ResiliencePipeline _idempotentPipeline;
    private readonly ResiliencePipeline _nonIdempotentPipeline;
    private readonly ILogger _logger;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client every request is sent through; not disposed by this client.</param>
    /// <param name="options">Settings; must pass <see cref="WeComClientOptions.Validate"/>.</param>
    /// <param name="timeProvider">Clock for token expiry, pauses, backoff and timeouts; the system clock when null.</param>
    /// <param name="tokenCache">Process-wide token cache; a private one when null.</param>
    /// <param name="governor">Process-wide pauses and rate limits; a private one (disposed with this client) when null.</param>
    /// <param name="loggerFactory">Logging, including Polly's telemetry of retries and timeouts; none when null.</param>
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
        _options = options;
        _logger = loggerFactory.CreateLogger<WeComClient>();
        _tokens = tokenCache ?? new WeComAccessTokenCache(time, loggerFactory.CreateLogger<WeComAccessTokenCache>());
        _ownedGovernor = governor is null ? new WeComApiGovernor(time, loggerFactory.CreateLogger<WeComApiGovernor>()) : null;
        _governor = governor ?? _ownedGovernor!;
        _tokenKey = WeComTokenKey.Create(options.CorpId, options.Secret);
        _idempotentPipeline = WeComResiliencePipelines.Create(options, idempotent: true, time, DropToken, loggerFactory);
        _nonIdempotentPipeline = WeComResiliencePipelines.Create(options, idempotent: false, time, DropToken, loggerFactory);

        // Each attempt passes, outermost first: the token into the query, the API's pause and rate limit, the
        // attempt's timeout, and then the caller's HttpClient.
        var handlers = new WeComAccessTokenHandler(_tokens, _tokenKey, options.TokenRefreshMargin, FetchTokenAsync)
        {
            InnerHandler = new WeComGovernorHandler(_governor, options)
            {
                InnerHandler = new WeComAttemptTimeoutHandler(WeComResiliencePipelines.CreateTimeout(options.RequestTimeout, time, loggerFactory))
                {
                    InnerHandler = new HttpClientTransport(httpClient),
                },
            },
        };
        _refitHttp = new HttpClient(handlers, disposeHandler: true) { BaseAddress = options.ApiBaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        _api = RestService.ForGenerated<IWeComApi>(_refitHttp, Settings);
    }

    /// <summary>The app's token key (corp + secret fingerprint), e.g. for diagnostics.</summary>
    public WeComTokenKey TokenKey => _tokenKey;

    /// <summary>Disposes the client's own handlers and the private governor, if this client created one.</summary>
    public void Dispose()
    {
        _refitHttp.Dispose();
        _ownedGovernor?.Dispose();
    }

    private async Task<TResponse> SendAsync<TResponse>(
        WeComEndpoint endpoint,
        Func<IWeComApi, CancellationToken, Task<IApiResponse<TResponse>>> call,
        CancellationToken cancellationToken)
        where TResponse : WeComResponse
    {
        var pipeline = endpoint.Idempotent ? _idempotentPipeline : _nonIdempotentPipeline;
        var context = ResilienceContextPool.Shared.Get(endpoint.Path, cancellationToken);
        Attempt<TResponse> attempt;
        try
        {
            attempt = await pipeline.ExecuteAsync(
                static (ctx, state) => state.Client.AttemptAsync(state.Endpoint, state.Call, ctx.CancellationToken),
                context,
                (Client: this, Endpoint: endpoint, Call: call)).ConfigureAwait(false);
        }
        catch (WeComMalformedResponseException ex) when (!endpoint.Idempotent)
        {
            // WeCom may have acted on the request; only its answer is unreadable.
            ApiLog.OutcomeUnknown(_logger, endpoint.Path, "malformed response");
            throw new WeComOutcomeUnknownException(endpoint.Path, "malformed response", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
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

    // One attempt: the Refit call (token, governor and timeout are its handlers), then what WeCom's answer means.
    private async ValueTask<Attempt<TResponse>> AttemptAsync<TResponse>(
        WeComEndpoint endpoint,
        Func<IWeComApi, CancellationToken, Task<IApiResponse<TResponse>>> call,
        CancellationToken cancellationToken)
        where TResponse : WeComResponse
    {
        IApiResponse<TResponse> response;
        try
        {
            response = await call(_api, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, "timeout", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout fired before our own timeout.
            return Attempt<TResponse>.Failed(endpoint.Path, "timeout (HttpClient)", ex);
        }
        catch (HttpRequestException ex)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, "connection failed", ex);
        }
        catch (IOException ex)
        {
            return Attempt<TResponse>.Failed(endpoint.Path, "connection dropped", ex);
        }

        using (response)
        {
            var token = WeComRequestOptions.AccessTokenOf(response.RequestMessage);
            // Never null here: without a response Refit would have rethrown the transport exception (Settings).
            var status = (int)response.StatusCode!.Value;
            if (status >= 500)
            {
                return Attempt<TResponse>.Failed(endpoint.Path, $"HTTP {status}", null);
            }

            if (status is < 200 or >= 300)
            {
                ApiLog.Malformed(_logger, endpoint.Path, status);
                throw new WeComMalformedResponseException(endpoint.Path, $"unexpected HTTP {status}", status);
            }

            if (response.Error is { } error)
            {
                ApiLog.Malformed(_logger, endpoint.Path, status);
                // Refit's error keeps the request (and the token in its URL); only its cause, the JsonException,
                // which quotes no payload, is kept.
                throw new WeComMalformedResponseException(endpoint.Path, "invalid JSON", status, error.InnerException);
            }

            if (response.Content is not { } parsed)
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
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(CancellationToken cancellationToken)
    {
        var request = new CgibinGetTokenRequest { CorpId = _options.CorpId, CorpSecret = _options.Secret };
        var response = await SendAsync(WeComEndpoints.GetToken, (api, ct) => api.CgibinGetTokenAsync(request, ct), cancellationToken)
            .ConfigureAwait(false);
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

    private static string? Redact(string? errMsg, string? token) =>
        errMsg is not null && !string.IsNullOrEmpty(token) ? errMsg.Replace(token, "***", StringComparison.Ordinal) : errMsg;

    private sealed record Attempt<TResponse>(string Api, string? Token, TResponse? Response, WeComTransportFailure? Failure) : IWeComAttempt
        where TResponse : WeComResponse
    {
        public int ErrCode => Response?.ErrCode ?? 0;

        public static Attempt<TResponse> Failed(string api, string reason, Exception? exception) =>
            new(api, null, null, new WeComTransportFailure(reason, exception));

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
