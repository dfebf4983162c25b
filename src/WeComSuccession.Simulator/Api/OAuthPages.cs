using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Extensions;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Simulator.Api;

/// <summary>
/// The sign-in pages: in-client OAuth2 (<c>/connect/oauth2/authorize</c>, REFERENCE §7.1) and web login
/// (<c>/wwlogin/sso/login</c>, §7.2). They check the parameters WeCom checks, then, instead of WeCom's silent sign-in or
/// QR code, list the active members ("选择登录成员"); choosing one redirects to <c>redirect_uri?code=..&amp;state=..</c>.
/// Each member link carries <c>data-userid</c> for browser tests; <c>&amp;sim_userid=</c> skips the page. Chinese by
/// default, English with <c>lang=en</c> (WeCom's web login takes the same parameter).
/// </summary>
internal static partial class OAuthPages
{
    private const int MaxListed = 200;

    public static void MapOAuthPages(this IEndpointRouteBuilder app, WeComSimulator sim)
    {
        app.MapGet("/connect/oauth2/authorize", (HttpContext context) => SignIn(context, sim, webLogin: false));
        app.MapGet("/wwlogin/sso/login", (HttpContext context) => SignIn(context, sim, webLogin: true));
    }

    private static IResult SignIn(HttpContext context, WeComSimulator sim, bool webLogin)
    {
        var q = context.Request.Query;
        var en = q["lang"] == "en";
        if (Check(q, sim.Options, webLogin) is { } problem)
        {
            return ErrorPage(en, problem.Code, problem.Zh, problem.En);
        }

        var redirect = q["redirect_uri"].ToString();
        var state = q["state"].ToString();
        if (q["sim_userid"].ToString() is { Length: > 0 } userId)
        {
            return sim.Member(userId) switch
            {
                null or { Deleted: true } => ErrorPage(en, 60111, $"成员 {userId} 不存在或已离职。", $"Member {userId} does not exist or has left."),
                { Status: not 1 } => ErrorPage(en, 50002, $"成员 {userId} 未激活或已禁用，不能登录。", $"Member {userId} is not active (disabled or not activated) and cannot sign in."),
                _ => Results.Redirect(WithCode(redirect, sim.IssueOAuthCode(userId), state)),
            };
        }

        return MemberPicker(context, sim, webLogin, en, redirect);
    }

    /// <summary>What WeCom refuses before showing anything: the errcode and why (Chinese, English); null when the request is good.</summary>
    private static (int Code, string Zh, string En)? Check(IQueryCollection q, SimulatorOptions options, bool webLogin)
    {
        string appId = q["appid"].ToString(), redirect = q["redirect_uri"].ToString(), agentId = q["agentid"].ToString(), state = q["state"].ToString();
        if (webLogin && q["login_type"] != "CorpApp")
        {
            // The simulator has one self-built app; ServiceApp (third-party) login is not simulated. No source gives the code.
            return (40058, "login_type 必须是 CorpApp（企业自建应用）。", "login_type must be CorpApp (self-built app).");
        }

        if (appId.Length == 0)
        {
            return (41002, "缺少 appid（企业的 CorpID）。", "appid (the corp's CorpID) is missing.");
        }

        if (!string.Equals(appId, options.CorpId, StringComparison.Ordinal))
        {
            return (40013, "appid 不是本企业的 CorpID。", "appid is not this corp's CorpID.");
        }

        if (!Uri.TryCreate(redirect, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return (50001, "redirect_uri 必须是完整的 http(s) 地址（URL 编码）。", "redirect_uri must be an absolute http(s) URL (URL-encoded).");
        }

        if (options.TrustedRedirectHosts.Count > 0 && !options.TrustedRedirectHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            return (50001, $"redirect_uri 的域名 {uri.Host} 不是应用的可信域名。", $"The host {uri.Host} of redirect_uri is not a trusted domain of the app.");
        }

        if (!webLogin && q["response_type"] != "code")
        {
            return (40058, "response_type 必须是 code。", "response_type must be code.");
        }

        var scope = q["scope"].ToString();
        if (!webLogin && scope is not ("snsapi_base" or "snsapi_privateinfo"))
        {
            return (40058, "scope 必须是 snsapi_base 或 snsapi_privateinfo。", "scope must be snsapi_base or snsapi_privateinfo.");
        }

        if (agentId.Length == 0 && (webLogin || scope == "snsapi_privateinfo"))
        {
            return (41011, "缺少 agentid。", "agentid is missing.");
        }

        if (agentId.Length > 0 && agentId != options.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return (40056, "agentid 不是本应用的 AgentId。", "agentid is not this app's AgentId.");
        }

        if (Encoding.UTF8.GetByteCount(state) > 128 || !StateCharacters().IsMatch(state))
        {
            // WeCom: state is a-zA-Z0-9, at most 128 bytes; what it answers otherwise is not documented.
            return (40058, "state 只能包含 a-zA-Z0-9，最长 128 字节。", "state may hold a-zA-Z0-9 only, at most 128 bytes.");
        }

        return null;
    }

    private static IResult MemberPicker(HttpContext context, WeComSimulator sim, bool webLogin, bool en, string redirect)
    {
        string T(string zh, string english) => en ? english : zh;
        var query = context.Request.Query["sim_q"].ToString().Trim();
        var departments = sim.Departments().ToDictionary(d => d.Id, d => d.Name);
        var active = sim.Members().Where(m => !m.Deleted && m.Status == 1).ToList();
        var shown = active
            .Where(m => query.Length == 0 || m.UserId.Contains(query, StringComparison.OrdinalIgnoreCase) || m.Name.Contains(query, StringComparison.Ordinal))
            .ToList();

        var html = new StringBuilder(16 * 1024);
        html.Append("<header><div class=\"brand\">").Append(T("企业微信", "WeCom")).Append(" <span>").Append(T("模拟器", "simulator")).Append("</span></div><h1>")
            .Append(T("选择登录成员", "Choose a member to sign in as")).Append("</h1><p class=\"sub\">")
            .Append(webLogin ? T("网页登录", "Web login") : T("应用内授权", "In-app sign-in")).Append(" · ").Append(T("应用", "app")).Append(' ').Append(sim.Options.AgentId)
            .Append(" · ").Append(T("登录后返回", "returns to")).Append(' ').Append(H(new Uri(redirect).Authority)).Append("</p></header><main>");

        html.Append("<form class=\"search\" method=\"get\">");
        foreach (var (key, value) in context.Request.Query.Where(kv => kv.Key is not ("sim_q" or "sim_userid")))
        {
            html.Append("<input type=\"hidden\" name=\"").Append(H(key)).Append("\" value=\"").Append(H(value.ToString())).Append("\">");
        }

        html.Append("<input name=\"sim_q\" type=\"search\" value=\"").Append(H(query)).Append("\" placeholder=\"").Append(T("搜索姓名或 userid", "Search name or userid"))
            .Append("\" aria-label=\"").Append(T("搜索成员", "Search members")).Append("\"><button>").Append(T("搜索", "Search")).Append("</button></form>");

        if (shown.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(query.Length > 0
                ? T("没有匹配的在职成员，请换个关键词。", "No active member matches; try another search.")
                : T("企业里没有可登录的在职成员。请在模拟器控制台 /_sim 添加或启用成员。", "The corp has no active member to sign in as. Add or enable one on the simulator's control page /_sim.")).Append("</p>");
        }
        else
        {
            html.Append("<ul class=\"members\">");
            foreach (var m in shown.Take(MaxListed))
            {
                var link = context.Request.Path + new QueryBuilder(context.Request.Query.Where(kv => kv.Key is not ("sim_q" or "sim_userid")).SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v ?? ""))).Append(KeyValuePair.Create("sim_userid", m.UserId))).ToQueryString();
                var deptNames = string.Join("、", m.Departments.Select(d => departments.GetValueOrDefault(d, d.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                html.Append("<li><a class=\"member\" data-userid=\"").Append(H(m.UserId)).Append("\" href=\"").Append(H(link)).Append("\"><span class=\"avatar\" aria-hidden=\"true\">")
                    .Append(H(m.Name.Length > 0 ? m.Name[..1] : "?")).Append("</span><span class=\"who\"><span class=\"name\">").Append(H(m.Name)).Append("</span><span class=\"meta\">")
                    .Append(H(m.UserId)).Append(" · ").Append(H(deptNames)).Append(m.Position is { Length: > 0 } p ? " · " + H(p) : "").Append("</span></span><span class=\"go\" aria-hidden=\"true\">›</span></a></li>");
            }

            html.Append("</ul>");
            if (shown.Count > MaxListed)
            {
                html.Append("<p class=\"more\">").Append(T($"仅显示前 {MaxListed} 位（共 {shown.Count} 位），请搜索。", $"Showing {MaxListed} of {shown.Count}; search to narrow.")).Append("</p>");
            }
        }

        html.Append("<p class=\"note\">").Append(T(
            "这是模拟的登录页：真实的企业微信会直接识别当前成员（应用内）或显示二维码（网页）。",
            "This is a simulated sign-in: real WeCom recognises the member silently (in the app) or shows a QR code (web).")).Append("</p></main>");
        return Page(en, T("选择登录成员", "Choose a member"), html.ToString(), StatusCodes.Status200OK);
    }

    private static IResult ErrorPage(bool en, int code, string zh, string english) =>
        Page(
            en,
            en ? "Cannot sign in" : "无法登录",
            new StringBuilder("<header><div class=\"brand\">").Append(en ? "WeCom <span>simulator</span>" : "企业微信 <span>模拟器</span>").Append("</div><h1>")
                .Append(en ? "Cannot sign in" : "无法登录").Append("</h1></header><main><div class=\"error\"><p class=\"code\">")
                .Append(en ? "errcode " : "错误码 ").Append(code).Append("</p><p>").Append(H(en ? english : zh)).Append("</p>")
                .Append(en ? "" : "<p class=\"en\">" + H(english) + "</p>")
                .Append("<p class=\"hint\"><a href=\"https://open.work.weixin.qq.com/devtool/query?e=").Append(code).Append("\">")
                .Append(en ? "What this code means at WeCom" : "在企业微信查询此错误码").Append("</a></p></div></main>").ToString(),
            StatusCodes.Status400BadRequest);

    private static string WithCode(string redirect, string code, string state)
    {
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}";
    }

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static IResult Page(bool en, string title, string body, int status) =>
        Results.Content(
            "<!doctype html><html lang=\"" + (en ? "en" : "zh-CN") + "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
            + H(title) + "</title><style>" + Style + "</style></head><body>" + body + "</body></html>",
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);

    private const string Style =
        "*{box-sizing:border-box}body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;background:#f2f3f5;color:#1f2329}"
        + "header{background:#1b6bdc;color:#fff;padding:16px 16px 18px}.brand{font-size:13px;opacity:.9}.brand span{border:1px solid rgba(255,255,255,.6);border-radius:3px;padding:0 4px;font-size:11px;margin-left:4px}"
        + "h1{font-size:20px;font-weight:600;margin:8px 0 4px}.sub{margin:0;font-size:13px;opacity:.85;word-break:break-all}main{max-width:640px;margin:0 auto;padding:12px}"
        + ".search{display:flex;gap:8px;margin-bottom:12px}.search input{flex:1;min-width:0;font-size:15px;padding:9px 12px;border:1px solid #dcdfe6;border-radius:8px;background:#fff}"
        + ".search button{font-size:15px;padding:0 16px;border:0;border-radius:8px;background:#1b6bdc;color:#fff}"
        + ".members{list-style:none;margin:0;padding:0;background:#fff;border-radius:10px;overflow:hidden}.members li+li{border-top:1px solid #eef0f3}"
        + ".member{display:flex;align-items:center;gap:12px;padding:12px 14px;color:inherit;text-decoration:none;min-height:60px}.member:active,.member:hover{background:#f5f8ff}"
        + ".avatar{flex:none;width:40px;height:40px;border-radius:8px;background:#e8f0fd;color:#1b6bdc;display:flex;align-items:center;justify-content:center;font-size:17px;font-weight:600}"
        + ".who{flex:1;min-width:0;display:flex;flex-direction:column}.name{font-size:16px}.meta{font-size:13px;color:#8f959e;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
        + ".go{color:#c0c4cc;font-size:22px}.empty,.more{color:#646a73;font-size:14px;text-align:center;padding:24px 8px}.note{color:#8f959e;font-size:12px;text-align:center;margin-top:16px}"
        + ".error{background:#fff;border-radius:10px;padding:20px}.error .code{font-size:22px;font-weight:600;color:#d83931;margin:0 0 8px}.error .en{color:#646a73;font-size:14px}.hint a{color:#1b6bdc;font-size:14px}";

    [GeneratedRegex("^[a-zA-Z0-9]*$")]
    private static partial Regex StateCharacters();
}
