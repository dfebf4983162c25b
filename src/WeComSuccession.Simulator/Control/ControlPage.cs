using System.Globalization;
using System.Net;
using System.Text;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Simulator.Control;

/// <summary>
/// The control page at <c>/_sim</c>: members with disable/enable/delete, the clock, each member's card messages
/// (with their buttons, which click as that member), transfers and their states, callbacks. Simplified Chinese by
/// default, English with <c>?lang=en</c>. Server-rendered, no script.
/// </summary>
internal static class ControlPage
{
    private const int MaxRows = 300;

    public static void MapControlPage(this IEndpointRouteBuilder app, WeComSimulator sim)
    {
        app.MapGet("/_sim", (HttpContext context) => Render(sim, context.Request.Query["lang"].ToString(), context.Request.Query["q"].ToString(), context.Request.Query["notice"].ToString()));
        app.MapPost("/_sim/ui/cards/{taskId}/click", async (HttpContext context, string taskId) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var result = sim.ClickCard(taskId, form["userid"].ToString(), form["key"].ToString());
            var en = context.Request.Query["lang"] == "en";
            var notice = result.Outcome == CardClickOutcome.Sent
                ? (en ? $"Clicked \"{form["key"]}\" as {form["userid"]}: callback #{result.DeliveryId} sent." : $"已以 {form["userid"]} 身份点击「{form["key"]}」，回调 #{result.DeliveryId} 已发送。")
                : (en ? "Click refused: " : "点击未发送：") + result.Message;
            return Back(context, notice, "#cards");
        });
        app.MapPost("/_sim/ui/members/{userid}/{action}", (HttpContext context, string userid, string action) =>
        {
            _ = action switch
            {
                "disable" => sim.DisableMember(userid),
                "enable" => sim.EnableMember(userid),
                "delete" => sim.DeleteMember(userid),
                _ => null,
            };
            return Back(context);
        });
        app.MapPost("/_sim/ui/advance", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (double.TryParse(form["hours"], NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) && hours > 0)
            {
                sim.AdvanceClock(TimeSpan.FromHours(hours));
            }

            return Back(context);
        });
    }

    private static IResult Back(HttpContext context, string? notice = null, string anchor = "")
    {
        var query = new List<string>();
        if (context.Request.Query["lang"] == "en")
        {
            query.Add("lang=en");
        }

        if (notice is not null)
        {
            query.Add("notice=" + Uri.EscapeDataString(notice));
        }

        return Results.Redirect("/_sim" + (query.Count > 0 ? "?" + string.Join('&', query) : "") + anchor);
    }

    private static IResult Render(WeComSimulator sim, string lang, string query, string notice)
    {
        var en = lang == "en";
        string T(string zh, string english) => en ? english : zh;
        var langQuery = en ? "?lang=en" : "";
        var summary = sim.Summary();
        var html = new StringBuilder(64 * 1024);
        html.Append("<!doctype html><html lang=\"").Append(en ? "en" : "zh-CN").Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(T("企业微信模拟器", "WeCom simulator"))
            .Append("</title><style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}th{background:#f3f3f3}form{display:inline}.deleted{color:#999}.notice{background:#eef5ff;border:1px solid #b9d3fb;padding:6px 10px;border-radius:6px}h3{font-size:15px;margin:12px 0 0}.empty{color:#646a73}")
            .Append(CardHtml.Style).Append("</style></head><body>");
        html.Append("<h1>").Append(T("企业微信模拟器", "WeCom simulator")).Append(" <small>").Append(H(summary.CorpId)).Append("</small></h1>");
        html.Append("<p><a href=\"/_sim").Append(en ? "" : "?lang=en").Append("\">").Append(en ? "中文" : "English").Append("</a></p>");
        if (notice.Length > 0)
        {
            html.Append("<p class=\"notice\">").Append(H(notice)).Append("</p>");
        }

        html.Append("<p>").Append(T("模拟时间", "Simulated time")).Append(": <b>")
            .Append(H(summary.SimTime.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" (UTC+8)</b>, ")
            .Append(T("倍速", "speed")).Append(" ×").Append(summary.ClockFactor.ToString(CultureInfo.InvariantCulture)).Append("</p>");
        html.Append("<form method=\"post\" action=\"/_sim/ui/advance").Append(langQuery).Append("\">")
            .Append(T("拨快时钟", "Advance clock")).Append(" <input name=\"hours\" value=\"24\" size=\"4\"> ").Append(T("小时", "hours"))
            .Append(" <button>").Append(T("拨快", "Advance")).Append("</button></form>");
        html.Append("<p>").Append(T("成员", "Members")).Append(": ").Append(summary.Members).Append(" (").Append(T("已离职", "deleted")).Append(' ').Append(summary.DeletedMembers)
            .Append("), ").Append(T("客户", "customers")).Append(": ").Append(summary.Customers).Append(", ").Append(T("跟进关系", "follow relations")).Append(": ").Append(summary.Follows)
            .Append(", ").Append(T("客户群", "groups")).Append(": ").Append(summary.Groups).Append(", ").Append(T("等待接替", "transfers waiting")).Append(": ").Append(summary.WaitingTransfers).Append("</p>");

        html.Append("<h2>").Append(T("成员", "Members")).Append("</h2><form method=\"get\" action=\"/_sim\">");
        if (en)
        {
            html.Append("<input type=\"hidden\" name=\"lang\" value=\"en\">");
        }

        html.Append("<input name=\"q\" value=\"").Append(H(query)).Append("\" placeholder=\"userid / ").Append(T("姓名", "name")).Append("\"> <button>").Append(T("搜索", "Search")).Append("</button></form>");
        html.Append("<table><tr><th>userid</th><th>").Append(T("姓名", "Name")).Append("</th><th>").Append(T("状态", "Status")).Append("</th><th>")
            .Append(T("部门", "Departments")).Append("</th><th>").Append(T("直属上级", "Direct leader")).Append("</th><th>").Append(T("客户数", "Customers")).Append("</th><th>")
            .Append(T("群数", "Groups")).Append("</th><th>").Append(T("操作", "Actions")).Append("</th></tr>");
        var departmentNames = sim.Departments().ToDictionary(d => d.Id, d => d.Name);
        var members = sim.Members().Where(m => query.Length == 0 || m.UserId.Contains(query, StringComparison.OrdinalIgnoreCase) || m.Name.Contains(query, StringComparison.Ordinal)).ToList();
        foreach (var m in members.Take(MaxRows))
        {
            var status = m.Deleted ? T("已离职(删除)", "deleted") : m.Status switch
            {
                1 => T("已激活", "active"),
                2 => T("已禁用", "disabled"),
                4 => T("未激活", "not activated"),
                5 => T("退出企业", "quit"),
                _ => m.Status.ToString(CultureInfo.InvariantCulture),
            };
            html.Append("<tr").Append(m.Deleted ? " class=\"deleted\"" : "").Append("><td>").Append(H(m.UserId)).Append("</td><td>").Append(H(m.Name)).Append("</td><td>").Append(status)
                .Append("</td><td>").Append(H(string.Join('、', m.Departments.Select(d => departmentNames.GetValueOrDefault(d, d.ToString(CultureInfo.InvariantCulture)))))).Append("</td><td>").Append(H(string.Join(',', m.DirectLeader))).Append("</td><td>").Append(m.CustomerCount)
                .Append("</td><td>").Append(m.GroupCount).Append("</td><td>");
            if (!m.Deleted)
            {
                if (m.Status == 2)
                {
                    Button(html, m.UserId, "enable", T("启用", "Enable"), langQuery);
                }
                else
                {
                    Button(html, m.UserId, "disable", T("禁用", "Disable"), langQuery);
                }

                Button(html, m.UserId, "delete", T("删除(离职)", "Delete (resign)"), langQuery);
            }

            html.Append("</td></tr>");
        }

        html.Append("</table>");
        if (members.Count > MaxRows)
        {
            html.Append("<p>").Append(T("仅显示前 300 位，请搜索。", "Showing the first 300; search to narrow.")).Append("</p>");
        }

        RenderCards(html, sim, members, langQuery, en);

        var transfers = sim.CustomerTransfers();
        html.Append("<h2>").Append(T("客户转接", "Customer transfers")).Append(" (").Append(transfers.Count).Append(")</h2><table><tr><th>").Append(T("时间", "Time")).Append("</th><th>API</th><th>")
            .Append(T("原跟进人", "Handover")).Append("</th><th>").Append(T("接替人", "Takeover")).Append("</th><th>").Append(T("客户", "Customer")).Append("</th><th>errcode</th><th>")
            .Append(T("接替状态", "Status")).Append("</th></tr>");
        foreach (var t in transfers.Reverse().Take(MaxRows))
        {
            var status = t.Status switch
            {
                1 => T("接替完毕", "done"),
                2 => T("等待接替", "waiting"),
                3 => T("客户拒绝", "refused"),
                4 => T("接替成员客户达到上限", "takeover at limit"),
                5 => T("无接替记录", "no record"),
                _ => "",
            };
            html.Append("<tr><td>").Append(H(Time(t.Time))).Append("</td><td>").Append(H(t.Api)).Append("</td><td>").Append(H(t.Handover)).Append("</td><td>").Append(H(t.Takeover))
                .Append("</td><td>").Append(H(t.ExternalUserId)).Append("</td><td>").Append(t.ErrCode).Append("</td><td>").Append(status).Append("</td></tr>");
        }

        EmptyRow(html, transfers.Count, 7, T("还没有客户转接。删除（离职）一位成员后，服务会调用 resigned/transfer_customer，记录显示在这里。", "No customer transfers yet. Delete (resign) a member; the service's resigned/transfer_customer calls show here."));
        html.Append("</table>");

        var groups = sim.GroupTransfers();
        html.Append("<h2>").Append(T("客户群转接", "Group transfers")).Append(" (").Append(groups.Count).Append(")</h2><table><tr><th>").Append(T("时间", "Time")).Append("</th><th>API</th><th>chat_id</th><th>")
            .Append(T("原群主", "Old owner")).Append("</th><th>").Append(T("新群主", "New owner")).Append("</th><th>errcode</th><th>").Append(T("群状态", "Group status")).Append("</th></tr>");
        foreach (var t in groups.Reverse().Take(MaxRows))
        {
            html.Append("<tr><td>").Append(H(Time(t.Time))).Append("</td><td>").Append(H(t.Api)).Append("</td><td>").Append(H(t.ChatId)).Append("</td><td>").Append(H(t.OldOwner))
                .Append("</td><td>").Append(H(t.NewOwner)).Append("</td><td>").Append(t.ErrCode).Append("</td><td>").Append(t.Status).Append("</td></tr>");
        }

        EmptyRow(html, groups.Count, 7, T("还没有客户群转接。", "No group transfers yet."));
        html.Append("</table>");

        var deliveries = sim.CallbackDeliveries();
        html.Append("<h2>").Append(T("回调推送", "Callbacks")).Append(" (").Append(deliveries.Count).Append(")</h2><table><tr><th>#</th><th>Event</th><th>ChangeType</th><th>UserID</th><th>ExternalUserID</th><th>")
            .Append(T("结果", "State")).Append("</th><th>").Append(T("尝试次数", "Attempts")).Append("</th></tr>");
        foreach (var d in deliveries.Reverse().Take(100))
        {
            html.Append("<tr><td>").Append(d.Id).Append("</td><td>").Append(H(d.Event)).Append("</td><td>").Append(H(d.ChangeType)).Append("</td><td>").Append(H(d.UserId))
                .Append("</td><td>").Append(H(d.ExternalUserId)).Append("</td><td>").Append(H(d.State)).Append("</td><td>").Append(d.Attempts.Count).Append("</td></tr>");
        }

        EmptyRow(html, deliveries.Count, 7, T("还没有回调。禁用或删除成员、客户拒绝接替、成员点击卡片按钮时会推送回调。", "No callbacks yet. Disabling or deleting a member, a customer refusing, or a member clicking a card button pushes one."));

        html.Append("</table><p>").Append(T("JSON 控制接口见 README：/_sim/members、/_sim/clock/advance、/_sim/ledger/…", "JSON control API: see README — /_sim/members, /_sim/clock/advance, /_sim/ledger/…")).Append("</p></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>"卡片消息": each member's interactive cards, newest first, as the member sees them.</summary>
    private static void RenderCards(StringBuilder html, WeComSimulator sim, List<MemberInfo> members, string langQuery, bool en)
    {
        const int MaxMembers = 50, MaxCardsPerMember = 10;
        string T(string zh, string english) => en ? english : zh;
        var withCards = members.Select(m => (Member: m, Cards: sim.CardsOf(m.UserId))).Where(x => x.Cards.Count > 0).ToList();
        html.Append("<h2 id=\"cards\">").Append(T("卡片消息", "Card messages")).Append(" (").Append(sim.Cards().Count).Append(")</h2>");
        if (withCards.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(T(
                "还没有卡片消息。服务用 message/send 发出审批卡片（template_card，button_interaction）后，会按接收成员显示在这里，并可代成员点击“通过 / 驳回”。",
                "No card messages yet. Once the service sends an approval card (message/send, template_card, button_interaction), it shows here per recipient, with buttons that click as that member.")).Append("</p>");
            return;
        }

        foreach (var (member, cards) in withCards.Take(MaxMembers))
        {
            html.Append("<h3>").Append(H(member.Name)).Append(" <small>").Append(H(member.UserId)).Append("</small></h3><div class=\"cards\">");
            foreach (var card in cards.Reverse().Take(MaxCardsPerMember))
            {
                CardHtml.Render(html, card, member.UserId, langQuery, en);
            }

            html.Append("</div>");
        }

        if (withCards.Count > MaxMembers)
        {
            html.Append("<p>").Append(T("仅显示前 50 位成员的卡片，请搜索成员。", "Showing the cards of the first 50 members; search to narrow.")).Append("</p>");
        }
    }

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static void EmptyRow(StringBuilder html, int count, int columns, string text)
    {
        if (count == 0)
        {
            html.Append("<tr><td colspan=\"").Append(columns).Append("\" class=\"empty\">").Append(H(text)).Append("</td></tr>");
        }
    }

    private static void Button(StringBuilder html, string userId, string action, string label, string langQuery) =>
        html.Append("<form method=\"post\" action=\"/_sim/ui/members/").Append(Uri.EscapeDataString(userId)).Append('/').Append(action).Append(langQuery)
            .Append("\"><button>").Append(WebUtility.HtmlEncode(label)).Append("</button></form> ");

    private static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
