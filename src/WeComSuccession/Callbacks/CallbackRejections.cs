using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.Callbacks;

/// <summary>
/// Logs rejected callbacks (bad signature, unreadable event, another corp) without flooding the log under a
/// burst of forged requests: a sample of each minute's rejections, then one line with how many more there were.
/// The reason is logged, never the payload.
/// </summary>
internal sealed partial class CallbackRejections : IDisposable
{
    private readonly ILogger<CallbackRejections> _logger;
    private readonly LogSampler _sampler;

    public CallbackRejections(ILogger<CallbackRejections> logger)
    {
        _logger = logger;
        _sampler = new LogSampler(TimeProvider.System, TimeSpan.FromMinutes(1), (count, window) => LogSuppressed(_logger, count, window));
    }

    public void Rejected(string method, CallbackFailure failure)
    {
        if (_sampler.ShouldLog())
        {
            LogRejected(_logger, method, failure, failure.OfficialCode());
        }
    }

    public void Unreadable(string error)
    {
        if (_sampler.ShouldLog())
        {
            LogUnreadable(_logger, error);
        }
    }

    public void Dispose() => _sampler.Dispose();

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Callback {Method} rejected: {Failure} ({OfficialCode})")]
    private static partial void LogRejected(ILogger logger, string method, CallbackFailure failure, int officialCode);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Signed callback with an unreadable event: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string error);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "{Count} more callbacks rejected in the last {Window} (not logged one by one)")]
    private static partial void LogSuppressed(ILogger logger, long count, TimeSpan window);
}
