using System.Globalization;

namespace WeComSuccession.WeCom.Errors;

/// <summary>
/// Base of every failure the WeCom client reports. Messages name the API path and error codes, never the
/// access token, the secret or a request/response payload.
/// </summary>
public abstract class WeComException : Exception
{
    /// <summary>Creates the exception for <paramref name="api"/>.</summary>
    protected WeComException(string api, string message, Exception? innerException = null)
        : base(message, innerException) => Api = api;

    /// <summary>The API path, e.g. <c>/cgi-bin/externalcontact/resigned/transfer_customer</c>.</summary>
    public string Api { get; }
}

/// <summary>
/// WeCom answered with a non-zero call-level <c>errcode</c>. Per-item codes in transfer responses are data,
/// never this exception.
/// </summary>
public sealed class WeComApiException : WeComException
{
    /// <summary>Creates the exception.</summary>
    public WeComApiException(string api, int errCode, string? errMsg)
        : base(api, string.Create(CultureInfo.InvariantCulture,
            $"WeCom {api} failed: {WeComErrorCodes.Describe(errCode)} ({WeComErrorCodes.Classify(errCode)}); errmsg: {errMsg}"))
    {
        ErrCode = errCode;
        ErrMsg = errMsg;
        Class = WeComErrorCodes.Classify(errCode);
    }

    /// <summary>WeCom's errcode.</summary>
    public int ErrCode { get; }

    /// <summary>WeCom's errmsg (informational; decide on <see cref="ErrCode"/>).</summary>
    public string? ErrMsg { get; }

    /// <summary>How to treat <see cref="ErrCode"/>.</summary>
    public WeComErrorClass Class { get; }
}

/// <summary>
/// The API is paused for this corp after 45009/45033 (or the local rate limiter is saturated) for longer than
/// the caller may wait. No request was sent; a durable job should reschedule after <see cref="RetryAfter"/>.
/// </summary>
public sealed class WeComThrottledException : WeComException
{
    /// <summary>Creates the exception.</summary>
    public WeComThrottledException(string api, int errCode, TimeSpan retryAfter)
        : base(api, string.Create(CultureInfo.InvariantCulture,
            $"WeCom {api} is throttled (errcode {errCode}); retry after {retryAfter.TotalSeconds:0.###} s"))
    {
        ErrCode = errCode;
        RetryAfter = retryAfter;
    }

    /// <summary>45009, 45033, or 0 when the local per-minute limiter refused.</summary>
    public int ErrCode { get; }

    /// <summary>When the API may be called again.</summary>
    public TimeSpan RetryAfter { get; }
}

/// <summary>
/// A non-idempotent call (transfer, message) may or may not have been processed: it timed out, the
/// connection dropped, WeCom answered 5xx, -1/6000 or an unreadable body. It was not re-sent. Ask
/// <c>transfer_result</c> (or rely on message duplicate checks) before sending again.
/// </summary>
public sealed class WeComOutcomeUnknownException : WeComException
{
    /// <summary>Creates the exception.</summary>
    public WeComOutcomeUnknownException(string api, string reason, Exception? innerException = null)
        : base(api, $"WeCom {api}: outcome unknown ({reason}); query the result before sending again", innerException) =>
        Reason = reason;

    /// <summary>What went wrong, e.g. "timeout", "HTTP 502", "errcode -1".</summary>
    public string Reason { get; }
}

/// <summary>The response was not WeCom JSON (HTML error page, truncated or malformed JSON, unexpected HTTP status).</summary>
public sealed class WeComMalformedResponseException : WeComException
{
    /// <summary>Creates the exception.</summary>
    public WeComMalformedResponseException(string api, string reason, int? httpStatus = null, Exception? innerException = null)
        : base(api, $"WeCom {api}: malformed response ({reason})", innerException) => HttpStatus = httpStatus;

    /// <summary>The HTTP status code, when a response arrived.</summary>
    public int? HttpStatus { get; }
}

/// <summary>
/// An idempotent call failed in transport (timeout, connection, HTTP 5xx) after its bounded retries.
/// Nothing was changed by it; it is safe to try again later.
/// </summary>
public sealed class WeComTransportException : WeComException
{
    /// <summary>Creates the exception.</summary>
    public WeComTransportException(string api, string reason, Exception? innerException = null)
        : base(api, $"WeCom {api}: transport failure ({reason})", innerException) => Reason = reason;

    /// <summary>What went wrong, e.g. "timeout", "HTTP 503".</summary>
    public string Reason { get; }
}
