using System.Globalization;
using System.Net;
using System.Text;
using WeComSuccession.Simulator.Engine;

namespace WeComSuccession.Simulator.Control;

/// <summary>
/// A template card drawn roughly as WeCom draws it in a member's message list: source, title, the key/value rows, links,
/// then the buttons (forms that click as that member) or, once replaced, the replacement text.
/// </summary>
internal static class CardHtml
{
    public const string Style =
        ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0 18px}.card{width:320px;background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.04)}"
        + ".card .src{font-size:12px;color:#8f959e;margin-bottom:6px}.card .title{font-size:16px;font-weight:600;margin-bottom:2px}.card .desc{font-size:13px;color:#646a73;margin-bottom:8px}"
        + ".card dl{display:grid;grid-template-columns:auto 1fr;gap:4px 10px;margin:8px 0;font-size:13px}.card dt{color:#8f959e}.card dd{margin:0}"
        + ".card .jumps a{display:block;font-size:13px;color:#1b6bdc;padding:6px 0;border-top:1px solid #f0f1f3;text-decoration:none}"
        + ".card .buttons{display:flex;gap:8px;margin-top:10px}.card .buttons form{flex:1}.card .buttons button{width:100%;padding:7px 0;border-radius:6px;border:1px solid #1b6bdc;background:#1b6bdc;color:#fff;font-size:14px;cursor:pointer}"
        + ".card .buttons button.s2{background:#fff;color:#d83931;border-color:#d83931}.card .buttons button.s3,.card .buttons button.s4{background:#fff;color:#1f2329;border-color:#dcdfe6}"
        + ".card .replaced{margin-top:10px;padding:8px;text-align:center;background:#f5f6f7;color:#646a73;border-radius:6px;font-size:14px}"
        + ".card .options{font-size:13px;margin:6px 0}.card .foot{margin-top:10px;font-size:11px;color:#a8abb2;word-break:break-all}";

    public static void Render(StringBuilder html, MemberCard card, string userId, string langQuery, bool en)
    {
        string T(string zh, string english) => en ? english : zh;
        var c = card.Content;
        html.Append("<div class=\"card\" data-taskid=\"").Append(H(card.TaskId)).Append("\" data-userid=\"").Append(H(userId)).Append("\">");
        if (c.SourceDesc is { Length: > 0 } source)
        {
            html.Append("<div class=\"src\">").Append(H(source)).Append("</div>");
        }

        html.Append("<div class=\"title\">").Append(H(c.Title ?? c.SubTitle)).Append("</div>");
        if (c.Description is { Length: > 0 } description)
        {
            html.Append("<div class=\"desc\">").Append(H(description)).Append("</div>");
        }

        if (c.HorizontalContent.Count > 0)
        {
            html.Append("<dl>");
            foreach (var row in c.HorizontalContent)
            {
                html.Append("<dt>").Append(H(row.KeyName)).Append("</dt><dd>").Append(H(row.Value ?? row.UserId)).Append("</dd>");
            }

            html.Append("</dl>");
        }

        foreach (var q in c.Questions)
        {
            html.Append("<div class=\"options\">").Append(H(q.Title ?? q.QuestionKey)).Append(": ").Append(H(string.Join(" / ", q.Options.Select(o => o.Text)))).Append("</div>");
        }

        if (c.Jumps.Count > 0)
        {
            html.Append("<div class=\"jumps\">");
            foreach (var jump in c.Jumps)
            {
                html.Append("<a href=\"").Append(H(jump.Url ?? "#")).Append("\">").Append(H(jump.Title)).Append(" ›</a>");
            }

            html.Append("</div>");
        }

        if (card.State == "replaced")
        {
            html.Append("<div class=\"replaced\">").Append(H(card.ReplacedText)).Append("</div>");
        }
        else if (card.Clickable)
        {
            html.Append("<div class=\"buttons\">");
            var buttons = c.CardType == "button_interaction" ? c.Buttons.Where(b => b.Type == 0) : c.SubmitButton is { } submit ? [submit] : [];
            foreach (var b in buttons)
            {
                html.Append("<form method=\"post\" action=\"/_sim/ui/cards/").Append(Uri.EscapeDataString(card.TaskId)).Append("/click").Append(langQuery).Append("\">")
                    .Append("<input type=\"hidden\" name=\"userid\" value=\"").Append(H(userId)).Append("\"><input type=\"hidden\" name=\"key\" value=\"").Append(H(b.Key)).Append("\">")
                    .Append("<button class=\"s").Append(b.Style.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(H(b.Text)).Append("</button></form>");
            }

            html.Append("</div>");
        }

        var state = card.State switch
        {
            "active" => T("待处理", "open"),
            "replaced" => T("按钮已更新", "buttons replaced"),
            _ => T("卡片已更新", "card updated"),
        };
        html.Append("<div class=\"foot\">").Append(H(card.TaskId)).Append(" · ").Append(card.SentAt.ToOffset(TimeSpan.FromHours(8)).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture))
            .Append(" · ").Append(state).Append("</div></div>");
    }

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");
}
