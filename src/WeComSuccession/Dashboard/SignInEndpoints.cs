using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Infrastructure.Web;
using WeComSuccession.Members;

namespace WeComSuccession.Dashboard;

/// <summary>
/// 企业微信登录 for the dashboard: <c>/admin/signin</c> sends the browser to WeCom's web login (login_type=CorpApp)
/// with a random state; WeCom returns to <c>/admin/signin-wecom</c> with a code, exchanged for the member's
/// userid; the people cookie is set. Also sign-out and the language switch.
/// </summary>
internal static class SignInEndpoints
{
    public const string Callback = "/admin/signin-wecom";

    public static IEndpointRouteBuilder MapDashboardSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/signin", SignIn).ExcludeFromDescription();
        app.MapGet(Callback, SignedInAsync).ExcludeFromDescription();
        app.MapPost("/admin/signout", SignOutAsync).ExcludeFromDescription();
        app.MapGet("/admin/language", Language).ExcludeFromDescription();
        return app;
    }

    private static IResult SignIn(HttpContext context, string? returnUrl, WeComSignIn signIn, IOptions<WeComOptions> options)
    {
        if (context.User.Identity?.IsAuthenticated == true && PeopleRights.UseridOf(context.User) is not null)
        {
            return Results.Redirect(WeComSignIn.LocalOr(returnUrl, "/admin"));
        }

        var o = options.Value;
        var state = signIn.Begin(context, returnUrl, "/admin");
        var redirect = WeComSignIn.CallbackUrl(context, Callback);
        var lang = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "zh";
        return Results.Redirect(new Uri(o.LoginBaseUrl, "/wwlogin/sso/login") +
            $"?login_type=CorpApp&appid={Uri.EscapeDataString(o.CorpId!)}&agentid={Uri.EscapeDataString(o.AgentId!)}" +
            $"&redirect_uri={Uri.EscapeDataString(redirect)}&state={state}&lang={lang}");
    }

    private static Task<IResult> SignedInAsync(HttpContext context, string? code, string? state, WeComSignIn signIn, MemberDirectory directory) =>
        signIn.FinishAsync(context, code, state, async (userid, ct) => (await directory.GetAsync(userid, ct))?.Name, "/admin/signin-problem");

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // The form's token was issued to the signed-in member; this endpoint has no policy (and the host no default
        // scheme) to authenticate the request, so without this the token never matches and sign-out answers 400.
        if ((await context.AuthenticateAsync(PeopleAuthentication.Scheme)).Principal is { } member)
        {
            context.User = member;
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }

        await context.SignOutAsync(PeopleAuthentication.Scheme);
        return Results.Redirect("/admin/signed-out");
    }

    /// <summary>The 中文 / English switch: remembered in a cookie for a year.</summary>
    private static IResult Language(HttpContext context, string? to, string? returnUrl)
    {
        var culture = DashboardSetup.Cultures.FirstOrDefault(c => string.Equals(c.Name, to, StringComparison.OrdinalIgnoreCase)) ?? DashboardSetup.Cultures[0];
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Path = "/" });
        return Results.Redirect(WeComSignIn.LocalOr(returnUrl, "/admin"));
    }
}
