using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.WeCom.Resilience;

/// <summary>What one HTTP attempt produced: WeCom's answer, or a transport failure that left the outcome open.</summary>
internal interface IWeComAttempt
{
    string Api { get; }

    /// <summary>The access token the attempt used, so that only that token is dropped on 40014/42001.</summary>
    string? Token { get; }

    /// <summary>WeCom's call-level errcode; meaningless when <see cref="Failure"/> is set.</summary>
    int ErrCode { get; }

    WeComTransportFailure? Failure { get; }
}

/// <summary>Timeout, dropped connection or HTTP 5xx: the request may or may not have been processed.</summary>
internal sealed record WeComTransportFailure(string Reason, Exception? Exception);

/// <summary>
/// The in-process retry tier. Every predicate reads WeCom's errcode from the attempt result, because
/// throttles and "system busy" arrive inside HTTP 200. Strategies, outermost first:
/// token (any call; 40014/42001/41001 prove rejection before processing) → throttle (any call; 45009/45033
/// likewise; the governor makes the retry wait out the pause) → busy (-1/6000, idempotent only) →
/// transport (timeouts/5xx, idempotent only). A non-idempotent call thus never re-sends after an error
/// that leaves its outcome open. Polly's telemetry logs and meters every retry and timeout, with the API path
/// as the operation key and the attempt's errcode or failure as the result.
/// </summary>
internal static class WeComResiliencePipelines
{
    public static ResiliencePipeline Create(
        WeComClientOptions options,
        bool idempotent,
        TimeProvider timeProvider,
        Action<IWeComAttempt> onTokenRejected,
        ILoggerFactory loggerFactory)
    {
        var builder = new ResiliencePipelineBuilder
        {
            Name = idempotent ? "wecom-idempotent" : "wecom-non-idempotent",
            TimeProvider = timeProvider,
        };

        builder.AddRetry(new RetryStrategyOptions
        {
            Name = "wecom-token",
            ShouldHandle = args => ValueTask.FromResult(Is(args.Outcome, WeComErrorClass.InvalidToken)),
            // WeCom may revoke a token early; one fresh token settles it, a second rejection is real.
            MaxRetryAttempts = 1,
            Delay = TimeSpan.Zero,
            OnRetry = args =>
            {
                if (args.Outcome.Result is IWeComAttempt attempt)
                {
                    onTokenRejected(attempt);
                }

                return default;
            },
        });

        if (options.ThrottleRetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "wecom-throttle",
                ShouldHandle = args => ValueTask.FromResult(Is(args.Outcome, WeComErrorClass.Throttled)),
                MaxRetryAttempts = options.ThrottleRetryCount,
                // No delay here: the next attempt waits at the governor's gate, together with every other caller.
                Delay = TimeSpan.Zero,
            });
        }

        if (idempotent && options.BusyRetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "wecom-busy",
                ShouldHandle = args => ValueTask.FromResult(Is(args.Outcome, WeComErrorClass.Busy)),
                MaxRetryAttempts = options.BusyRetryCount,
                Delay = options.BusyRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        if (idempotent && options.TransportRetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "wecom-transport",
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is IWeComAttempt { Failure: not null }),
                MaxRetryAttempts = options.TransportRetryCount,
                Delay = options.TransportRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder.ConfigureTelemetry(Telemetry(loggerFactory)).Build();
    }

    /// <summary>The per-attempt timeout, applied to the HTTP exchange only (not to waiting for a token or a pause).</summary>
    public static ResiliencePipeline CreateTimeout(TimeSpan timeout, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
        new ResiliencePipelineBuilder { Name = "wecom-attempt-timeout", TimeProvider = timeProvider }
            .AddTimeout(timeout)
            .ConfigureTelemetry(Telemetry(loggerFactory))
            .Build();

    private static TelemetryOptions Telemetry(ILoggerFactory loggerFactory) => new()
    {
        LoggerFactory = loggerFactory,
        // What was decided on: the errcode or the transport failure. Never the response, which holds personal data.
        ResultFormatter = static (_, result) => result is IWeComAttempt attempt ? attempt.Failure?.Reason ?? $"errcode {attempt.ErrCode}" : result,
        // Polly reports every attempt that needed no retry, once per retry strategy, and every finished call at
        // Information: four or five lines per WeCom call. Those go to Debug; retries, timeouts and calls that
        // failed after their retries keep Polly's Warning and Error.
        SeverityProvider = static args => args.Event.Severity == ResilienceEventSeverity.Information ? ResilienceEventSeverity.Debug : args.Event.Severity,
    };

    private static bool Is(Outcome<object> outcome, WeComErrorClass errorClass) =>
        outcome.Result is IWeComAttempt { Failure: null } attempt && WeComErrorCodes.Classify(attempt.ErrCode) == errorClass;
}
