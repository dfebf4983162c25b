using System.Globalization;
using System.Text;

namespace WeComSuccession.Simulator.Callbacks;

/// <summary>Decrypted event XML as WeCom writes it (REFERENCE §5): ToUserName = corp, FromUserName = <c>sys</c> (a member for card clicks).</summary>
internal static class CallbackXml
{
    /// <summary>change_contact/update_user (or create_user) with the given elements, in WeCom's order.</summary>
    public static string ContactUser(string corpId, long createTime, string changeType, string userId, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var sb = Header(corpId, createTime, "change_contact");
        sb.Append("<ChangeType>").Append(changeType).Append("</ChangeType>");
        Element(sb, "UserID", userId);
        foreach (var (name, value) in fields)
        {
            Element(sb, name, value);
        }

        return sb.Append("</xml>").ToString();
    }

    /// <summary>change_contact/delete_user: only UserID.</summary>
    public static string DeleteUser(string corpId, long createTime, string userId)
    {
        var sb = Header(corpId, createTime, "change_contact");
        sb.Append("<ChangeType>delete_user</ChangeType>");
        Element(sb, "UserID", userId);
        return sb.Append("</xml>").ToString();
    }

    /// <summary>change_external_contact/transfer_fail: UserID is the takeover.</summary>
    public static string TransferFail(string corpId, long createTime, string takeover, string externalUserId, string failReason)
    {
        var sb = Header(corpId, createTime, "change_external_contact");
        sb.Append("<ChangeType><![CDATA[transfer_fail]]></ChangeType>");
        Element(sb, "FailReason", failReason);
        Element(sb, "UserID", takeover);
        Element(sb, "ExternalUserID", externalUserId);
        return sb.Append("</xml>").ToString();
    }

    /// <summary>change_external_contact/edit_external_contact: a member changed the remark or tags of a customer.</summary>
    public static string EditExternalContact(string corpId, long createTime, string userId, string externalUserId)
    {
        var sb = Header(corpId, createTime, "change_external_contact");
        sb.Append("<ChangeType><![CDATA[edit_external_contact]]></ChangeType>");
        Element(sb, "UserID", userId);
        Element(sb, "ExternalUserID", externalUserId);
        return sb.Append("</xml>").ToString();
    }

    /// <summary>
    /// template_card_event: a member pressed a button (or submitted a choice) on an interactive card. Unlike the
    /// system events, FromUserName is the member; AgentID is in the plaintext too (REFERENCE §5.4).
    /// </summary>
    public static string TemplateCardEvent(string corpId, long createTime, string userId, string eventKey, string taskId, string cardType, string responseCode, long agentId, IReadOnlyList<(string QuestionKey, IReadOnlyList<string> OptionIds)> selected)
    {
        var sb = Header(corpId, createTime, "template_card_event", userId);
        Element(sb, "EventKey", eventKey);
        Element(sb, "TaskId", taskId);
        Element(sb, "CardType", cardType);
        Element(sb, "ResponseCode", responseCode);
        sb.Append("<AgentID>").Append(agentId.ToString(CultureInfo.InvariantCulture)).Append("</AgentID>");
        if (selected.Count > 0)
        {
            sb.Append("<SelectedItems>");
            foreach (var (questionKey, optionIds) in selected)
            {
                sb.Append("<SelectedItem>");
                Element(sb, "QuestionKey", questionKey);
                sb.Append("<OptionIds>");
                foreach (var option in optionIds)
                {
                    Element(sb, "OptionId", option);
                }

                sb.Append("</OptionIds></SelectedItem>");
            }

            sb.Append("</SelectedItems>");
        }

        return sb.Append("</xml>").ToString();
    }

    private static StringBuilder Header(string corpId, long createTime, string eventName, string from = "sys")
    {
        var sb = new StringBuilder(512).Append("<xml>");
        Element(sb, "ToUserName", corpId);
        Element(sb, "FromUserName", from);
        sb.Append("<CreateTime>").Append(createTime.ToString(CultureInfo.InvariantCulture)).Append("</CreateTime>");
        Element(sb, "MsgType", "event");
        Element(sb, "Event", eventName);
        return sb;
    }

    private static void Element(StringBuilder sb, string name, string value) =>
        sb.Append('<').Append(name).Append("><![CDATA[")
            .Append(value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal))
            .Append("]]></").Append(name).Append('>');
}
