using System.Security.Claims;
using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Infrastructure.Web;
using WeComSuccession.Members;

namespace WeComSuccession.Workbench;

/// <summary>
/// Sign-in inside the WeCom client (网页授权, REFERENCE §7.1): <c>/workbench/signin</c> sends the in-app browser to WeCom's
/// OAuth2 authorize page (scope snsapi_base: silent, the userid only) with a random state; WeCom returns to
/// <c>/workbench/signin-wecom</c> with a single-use code, exchanged with auth/getuserinfo for the member's userid; the
/// people cookie (shared with the dashboard) is set. The state check and the exchange are <see cref="WeComSignIn"/>'s.
/// </summary>
internal static class WorkbenchSignIn
{
    public const string Callback = "/workbench/signin-wecom";

    public static IEndpointRouteBuilder MapWorkbenchSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/workbench/signin", SignIn).ExcludeFromDescription();
        app.MapGet(Callback, SignedInAsync).ExcludeFromDescription();
        return app;
    }

    private static IResult SignIn(HttpContext context, string? returnUrl, WeComSignIn signIn, IOptions<WeComOptions> options)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is not null)
        {
            return Results.Redirect(WeComSignIn.LocalOr(returnUrl, "/workbench"));
        }

        var o = options.Value;
        var state = signIn.Begin(context, returnUrl, "/workbench");
        var redirect = WeComSignIn.CallbackUrl(context, Callback);
        return Results.Redirect(new Uri(o.OAuthBaseUrl, "/connect/oauth2/authorize") +
            $"?appid={Uri.EscapeDataString(o.CorpId!)}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&scope=snsapi_base" +
            $"&state={state}&agentid={Uri.EscapeDataString(o.AgentId!)}#wechat_redirect");
    }

    private static Task<IResult> SignedInAsync(HttpContext context, string? code, string? state, WeComSignIn signIn, MemberDirectory directory) =>
        signIn.FinishAsync(context, code, state, async (userid, ct) => (await directory.GetAsync(userid, ct))?.Name, "/workbench/signin-problem");
}
