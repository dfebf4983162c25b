using WeComSuccession.WeCom.Resilience;

namespace WeComSuccession.WeCom.Api.Http;

/// <summary>
/// Lets a call leave only when its API is neither paused (after 45009/45033) nor out of rate-limit permits;
/// otherwise waits up to <see cref="WeComClientOptions.MaxPauseWait"/> or throws
/// <see cref="Errors.WeComThrottledException"/> without sending.
/// </summary>
internal sealed class WeComGovernorHandler(WeComApiGovernor governor, WeComClientOptions options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = WeComRequestOptions.EndpointOf(request);
        await governor.EnterAsync(options.CorpId, endpoint.Path, endpoint.RateLimited, options.PermitsPerMinute, options.MaxPauseWait, cancellationToken)
            .ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
