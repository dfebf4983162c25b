using System.Net;
using System.Text;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Simulator.Api;

/// <summary>
/// The OAuth2 authorize page (<c>/connect/oauth2/authorize</c>, and the web-login <c>/wwlogin/sso/login</c>):
/// instead of WeCom's silent sign-in it lists the active members; picking one redirects to
/// <c>redirect_uri?code=..&amp;state=..</c>. <c>sim_userid=</c> skips the page (for automated tests).
/// </summary>
internal static class OAuthPages
{
    public static void MapOAuthPages(this IEndpointRouteBuilder app, WeComSimulator sim)
    {
        app.MapGet("/connect/oauth2/authorize", (HttpContext context) => Authorize(context, sim));
        app.MapGet("/wwlogin/sso/login", (HttpContext context) => Authorize(context, sim));
        app.MapGet("/connect/oauth2/authorize/pick", (HttpContext context) => Pick(context, sim));
    }

    private static IResult Authorize(HttpContext context, WeComSimulator sim)
    {
        var q = context.Request.Query;
        string appId = q["appid"].ToString(), redirect = q["redirect_uri"].ToString(), state = q["state"].ToString();
        if (!string.Equals(appId, sim.Options.CorpId, StringComparison.Ordinal))
        {
            return Page("参数错误", "<p>appid 不是本企业的 CorpID / appid is not this corp's CorpID.</p>", StatusCodes.Status400BadRequest);
        }

        if (!Uri.TryCreate(redirect, UriKind.Absolute, out _))
        {
            return Page("参数错误", "<p>redirect_uri 无效 (50001) / invalid redirect_uri.</p>", StatusCodes.Status400BadRequest);
        }

        if (q["sim_userid"].ToString() is { Length: > 0 } userId)
        {
            return Redirect(sim, userId, redirect, state);
        }

        var html = new StringBuilder("<p>模拟器：请选择以哪位成员身份登录 / Simulator: sign in as</p><ul>");
        foreach (var m in sim.Members().Where(m => !m.Deleted && m.Status == 1))
        {
            var link = $"/connect/oauth2/authorize/pick?userid={Uri.EscapeDataString(m.UserId)}&redirect_uri={Uri.EscapeDataString(redirect)}&state={Uri.EscapeDataString(state)}";
            html.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(link)).Append("\">")
                .Append(WebUtility.HtmlEncode(m.Name)).Append(" (").Append(WebUtility.HtmlEncode(m.UserId)).Append(")</a></li>");
        }

        return Page("企业微信登录 (模拟)", html.Append("</ul>").ToString(), StatusCodes.Status200OK);
    }

    private static IResult Pick(HttpContext context, WeComSimulator sim)
    {
        var q = context.Request.Query;
        var redirect = q["redirect_uri"].ToString();
        return Uri.TryCreate(redirect, UriKind.Absolute, out _)
            ? Redirect(sim, q["userid"].ToString(), redirect, q["state"].ToString())
            : Page("参数错误", "<p>redirect_uri 无效 / invalid redirect_uri.</p>", StatusCodes.Status400BadRequest);
    }

    private static IResult Redirect(WeComSimulator sim, string userId, string redirect, string state)
    {
        if (sim.Member(userId) is not { Deleted: false })
        {
            return Page("参数错误", "<p>成员不存在 / no such member.</p>", StatusCodes.Status400BadRequest);
        }

        var code = sim.IssueOAuthCode(userId);
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
    }

    private static IResult Page(string title, string body, int status) =>
        Results.Content(
            $"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{WebUtility.HtmlEncode(title)}</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:2em auto\"><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>",
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);
}
