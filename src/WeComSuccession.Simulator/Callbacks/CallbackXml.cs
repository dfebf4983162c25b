using System.Globalization;
using System.Text;

namespace WeComSuccession.Simulator.Callbacks;

/// <summary>Decrypted event XML as WeCom writes it (REFERENCE §5): ToUserName = corp, FromUserName = <c>sys</c>.</summary>
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

    private static StringBuilder Header(string corpId, long createTime, string eventName)
    {
        var sb = new StringBuilder(512).Append("<xml>");
        Element(sb, "ToUserName", corpId);
        Element(sb, "FromUserName", "sys");
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
