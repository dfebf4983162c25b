using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace WeComSuccession.Infrastructure.Web;

/// <summary>
/// The session of a person signed in with WeCom: one cookie for the dashboard and the workbench alike, protected
/// with Data Protection keys kept in PostgreSQL so that every node accepts it. It holds the member's userid and
/// name only; what they may do is read from the database on each request (a revoked role takes effect at once).
/// Each door has its own sign-in page (WeCom web login for /admin, OAuth2 inside WeCom for /workbench).
/// </summary>
internal static class PeopleAuthentication
{
    public const string Scheme = "People";
    public const string CookieName = "wcs.session";

    public static IHostApplicationBuilder AddPeopleAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DataProtectionKeys>();
        builder.Services.AddDataProtection().SetApplicationName("WeComSuccession");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeys>((options, keys) => options.XmlRepository = keys);
        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = RedirectToSignIn;

            // A signed-in member without the right gets 403 where they are; the door's status page says whom to ask.
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>Each door signs people in its own way: <c>/workbench/signin</c> inside WeCom, <c>/admin/signin</c> elsewhere.</summary>
    private static Task RedirectToSignIn(RedirectContext<CookieAuthenticationOptions> context)
    {
        var door = context.Request.Path.StartsWithSegments("/workbench") ? "/workbench" : "/admin";
        var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"{door}/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return Task.CompletedTask;
    }
}
