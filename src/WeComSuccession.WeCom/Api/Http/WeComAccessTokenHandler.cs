using WeComSuccession.WeCom.Tokens;

namespace WeComSuccession.WeCom.Api.Http;

/// <summary>
/// Puts the app's access token into the query of every call whose endpoint needs one (WeCom reads it nowhere
/// else: in a body it answers 41001) and notes on the request which token went out.
/// </summary>
internal sealed class WeComAccessTokenHandler(
    WeComAccessTokenCache tokens,
    WeComTokenKey tokenKey,
    TimeSpan refreshMargin,
    Func<CancellationToken, Task<(string Token, TimeSpan Lifetime)>> fetchToken) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (WeComRequestOptions.EndpointOf(request).NeedsToken)
        {
            var token = await tokens.GetAsync(tokenKey, refreshMargin, fetchToken, cancellationToken).ConfigureAwait(false);
            request.RequestUri = WithAccessToken(request.RequestUri!, token);
            request.Options.Set(WeComRequestOptions.AccessToken, token);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static Uri WithAccessToken(Uri uri, string token)
    {
        // Uri.Query keeps Refit's escaping; only the token is escaped here.
        var rest = uri.Query.Length > 1 ? "&" + uri.Query[1..] : string.Empty;
        return new Uri(uri.GetLeftPart(UriPartial.Path) + "?access_token=" + Uri.EscapeDataString(token) + rest);
    }
}
