using Refit;

namespace WeComSuccession.WeCom.Api.Http;

/// <summary>What the handlers under the Refit client read from and leave on a request.</summary>
internal static class WeComRequestOptions
{
    // Refit sets the attribute's path template on every request it builds.
    private static readonly HttpRequestOptionsKey<string> PathTemplate = new(HttpRequestMessageOptions.RelativePathTemplate);

    /// <summary>The access token a request was sent with, so that a 40014/42001 drops that token and no newer one.</summary>
    public static readonly HttpRequestOptionsKey<string> AccessToken = new("WeComSuccession.WeCom.AccessToken");

    /// <summary>The description of the API a request calls.</summary>
    public static WeComEndpoint EndpointOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(PathTemplate, out var path)
            ? WeComEndpoints.ForPath(path)
            : throw new InvalidOperationException($"A request reached the WeCom handlers without going through {nameof(IWeComApi)}.");

    /// <summary>The access token <paramref name="request"/> carried; null for gettoken.</summary>
    public static string? AccessTokenOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(AccessToken, out var token) ? token : null;
}
