using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Infrastructure.Web;

/// <summary>How a WeCom sign-in ended when it did not end signed in; the door says it in the person's language.</summary>
internal enum SignInProblem
{
    /// <summary>No sign-in was started from this browser, or it took more than 10 minutes, or the state was altered.</summary>
    StateMismatch,

    /// <summary>WeCom refused the code: used already (40029) or older than 5 minutes (42003).</summary>
    CodeRejected,

    /// <summary>The visitor is not a member of the corp (WeCom returned an openid instead of a userid).</summary>
    NotAMember,

    /// <summary>WeCom could not be reached or answered with an error.</summary>
    WeComUnavailable,
}

/// <summary>
/// The two halves of a WeCom sign-in, shared by the dashboard (web login) and the workbench (OAuth2 inside WeCom):
/// <see cref="Begin"/> remembers a random <c>state</c> and where to return in a short-lived protected cookie and
/// gives the state for WeCom's URL; <see cref="CompleteAsync"/> checks the state, exchanges the single-use code
/// with <c>auth/getuserinfo</c> and signs the member in with the people cookie.
/// </summary>
internal sealed class WeComSignIn(WeComClient wecom, IDataProtectionProvider protection, ServiceClock clock)
{
    private const string CookieName = "wcs.signin";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly IDataProtector _protector = protection.CreateProtector("WeComSuccession.SignIn");

    /// <returns>The state to send to WeCom.</returns>
    public string Begin(HttpContext context, string? returnUrl, string fallback)
    {
        var state = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
        var pending = new Pending(state, LocalOr(returnUrl, fallback), clock.GetUtcNow() + Lifetime);
        context.Response.Cookies.Append(CookieName, _protector.Protect(JsonSerializer.Serialize(pending)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax, // WeCom's redirect back is a top-level GET from another site
            Secure = context.Request.IsHttps,
            MaxAge = Lifetime,
            Path = "/",
        });
        return state;
    }

    /// <returns>Where to go now that the member is signed in, or why they are not.</returns>
    public async Task<(string? ReturnUrl, SignInProblem? Problem)> CompleteAsync(HttpContext context, string? code, string? state, Func<string, CancellationToken, Task<string?>> nameOf)
    {
        var pending = Read(context);
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
        if (pending is null || string.IsNullOrEmpty(state) || !CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(pending.State), System.Text.Encoding.ASCII.GetBytes(state)) || pending.Expires < clock.GetUtcNow())
        {
            return (null, SignInProblem.StateMismatch);
        }

        if (string.IsNullOrEmpty(code))
        {
            return (null, SignInProblem.CodeRejected);
        }

        CgibinAuthGetUserInfoResponse identity;
        try
        {
            identity = await wecom.ExecuteCgibinAuthGetUserInfoAsync(new CgibinAuthGetUserInfoRequest { Code = code }, context.RequestAborted);
        }
        catch (WeComApiException e) when (e.ErrCode is 40029 or 42003)
        {
            return (null, SignInProblem.CodeRejected);
        }
        catch (WeComException)
        {
            return (null, SignInProblem.WeComUnavailable);
        }

        if (string.IsNullOrEmpty(identity.UserId))
        {
            return (null, SignInProblem.NotAMember);
        }

        var name = await nameOf(identity.UserId, context.RequestAborted);
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, identity.UserId), new(ClaimTypes.Name, name ?? identity.UserId) };
        await context.SignInAsync(PeopleAuthentication.Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, PeopleAuthentication.Scheme)));
        return (pending.ReturnUrl, null);
    }

    /// <summary>Where WeCom sends the browser back: <paramref name="path"/> on the host the browser came to.</summary>
    public static string CallbackUrl(HttpContext context, string path) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{path}";

    /// <summary>The end of a door's sign-in: on to where the member was going, or to <paramref name="problemPage"/> saying why not.</summary>
    public async Task<IResult> FinishAsync(
        HttpContext context, string? code, string? state, Func<string, CancellationToken, Task<string?>> nameOf, string problemPage)
    {
        var (returnUrl, problem) = await CompleteAsync(context, code, state, nameOf);
        return problem is { } why ? Results.Redirect(problemPage + "?problem=" + why) : Results.Redirect(returnUrl!);
    }

    /// <summary>A return address on this site only (no open redirect).</summary>
    public static string LocalOr(string? url, string fallback) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : fallback;

    private Pending? Read(HttpContext context)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Pending>(_protector.Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    private sealed record Pending(string State, string ReturnUrl, DateTimeOffset Expires);
}
