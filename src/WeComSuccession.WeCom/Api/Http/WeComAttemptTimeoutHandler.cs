using Polly;

namespace WeComSuccession.WeCom.Api.Http;

/// <summary>
/// Times out one HTTP exchange, sending and reading the whole body, but not the wait for a token or a pause
/// (those handlers sit above this one). The body is buffered here so that a slow body counts against the
/// timeout too; Refit then reads it from memory. A timeout surfaces as Polly's <see cref="Polly.Timeout.TimeoutRejectedException"/>.
/// </summary>
internal sealed class WeComAttemptTimeoutHandler(ResiliencePipeline timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(WeComRequestOptions.EndpointOf(request).Path, cancellationToken);
        try
        {
            return await timeout.ExecuteAsync(
                async ctx =>
                {
                    var response = await base.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false);
                    try
                    {
                        await response.Content.LoadIntoBufferAsync(ctx.CancellationToken).ConfigureAwait(false);
                        return response;
                    }
                    catch
                    {
                        response.Dispose();
                        throw;
                    }
                },
                context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
