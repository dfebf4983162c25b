namespace WeComSuccession.WeCom.Api.Http;

/// <summary>
/// The bottom of the handler chain: sends through the <see cref="HttpClient"/> the library's user gave
/// <see cref="WeComClient"/>, so that its handlers, pooling, proxy and timeout still apply. An
/// <see cref="HttpClient"/> refuses a message another one has already sent, so it gets a copy that shares the body.
/// </summary>
internal sealed class HttpClientTransport(HttpClient http) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Not disposed: disposing a request disposes its content, which belongs to the original request.
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        var response = await http.SendAsync(copy, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.RequestMessage = request;
        return response;
    }
}
