using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.WeCom.Events;

/// <summary>The outcome of parsing a decrypted callback: the event, or why it could not be read.</summary>
public readonly record struct EventParseResult(CallbackEvent? Event, string? Error)
{
    /// <summary>True when an event was read.</summary>
    public bool IsSuccess => Event is not null;
}

/// <summary>
/// Parses decrypted callback XML into <see cref="CallbackEvent"/> records with the hardened reader.
/// An event type it does not know becomes an <see cref="UnknownEvent"/>; only malformed XML or a known
/// event without the id it cannot be handled without is an error. Never throws for bad input.
/// </summary>
public static class CallbackEventParser
{
    /// <summary>Parses one decrypted callback message.</summary>
    public static EventParseResult Parse(string? xml)
    {
        if (string.IsNullOrEmpty(xml))
        {
            return new(null, "empty message");
        }

        Fields fields;
        try
        {
            fields = Fields.Read(xml);
        }
        catch (XmlException e)
        {
            return new(null, "malformed XML at line " + e.LineNumber.ToString(CultureInfo.InvariantCulture));
        }

        if (fields.Root != "xml" || fields.Get("ToUserName") is not { } corpId)
        {
            return new(null, "not a callback message (<xml> with ToUserName)");
        }

        if (fields.GetLong("CreateTime") is not { } createTime)
        {
            return new(null, "CreateTime is missing or not a number");
        }

        var header = new CallbackHeader(
            corpId,
            fields.Get("FromUserName") ?? "",
            createTime,
            fields.Get("Event") ?? "",
            fields.Get("ChangeType"),
            fields.Get("AgentID"));
        var evt = Build(header, fields);
        return evt is null
            ? new(null, $"{header.Event}/{header.ChangeType} is missing a required id")
            : new(evt with { ContentHash = ContentHashOf(xml) }, null);
    }

    /// <summary>The first 16 bytes of SHA-256 over the decrypted XML, in hex: equal for WeCom's retries of one message.</summary>
    private static string ContentHashOf(string xml)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(xml), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static CallbackEvent? Build(CallbackHeader h, Fields f)
    {
        string? user = f.Get("UserID"), external = f.Get("ExternalUserID"), chat = f.Get("ChatId"), task = f.Get("TaskId");
        return (h.Event, h.ChangeType) switch
        {
            ("change_contact", "create_user" or "update_user" or "delete_user") when user is null => null,
            ("change_contact", "create_user") => new UserCreatedEvent(h, ReadUser(user, f)),
            ("change_contact", "update_user") => new UserUpdatedEvent(h, ReadUser(user, f)),
            ("change_contact", "delete_user") => new UserDeletedEvent(h, user),

            ("change_external_contact", _) when user is null || external is null => null,
            ("change_external_contact", "add_external_contact") => new ExternalContactAddedEvent(h, user, external, f.Get("State"), f.Get("WelcomeCode")),
            ("change_external_contact", "add_half_external_contact") => new HalfExternalContactAddedEvent(h, user, external, f.Get("State"), f.Get("WelcomeCode")),
            ("change_external_contact", "edit_external_contact") => new ExternalContactEditedEvent(h, user, external),
            ("change_external_contact", "del_external_contact") => new ExternalContactDeletedEvent(h, user, external, f.Get("Source")),
            ("change_external_contact", "del_follow_user") => new FollowUserDeletedEvent(h, user, external),
            ("change_external_contact", "transfer_fail") => new TransferFailedEvent(h, user, external, f.Get("FailReason") ?? ""),

            ("change_external_chat", _) when chat is null => null,
            ("change_external_chat", "create") => new ExternalChatCreatedEvent(h, chat),
            ("change_external_chat", "dismiss") => new ExternalChatDismissedEvent(h, chat),
            ("change_external_chat", "update") => new ExternalChatUpdatedEvent(
                h, chat, f.Get("UpdateDetail") ?? "", f.GetInt("JoinScene"), f.GetInt("QuitScene"), f.GetInt("MemChangeCnt"), f.MemChangeList),

            ("template_card_event", _) when task is null => null,
            ("template_card_event", _) => new TemplateCardEvent(
                h, f.Get("EventKey") ?? "", task, f.Get("CardType"), f.Get("ResponseCode"), f.SelectedItems),

            _ => new UnknownEvent(h, f.Simple),
        };
    }

    private static ContactUserFields ReadUser(string userId, Fields f) => new(
        userId,
        f.Get("NewUserID"),
        f.Get("Name"),
        [.. SplitList(f.Get("Department")).Select(ParseLong).OfType<long>()],
        f.GetLong("MainDepartment"),
        [.. SplitList(f.Get("IsLeaderInDept")).Select(v => v == "1")],
        SplitList(f.Get("DirectLeader")),
        f.Get("Position"),
        f.GetInt("Status"));

    private static string[] SplitList(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static long? ParseLong(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The top-level elements of a message, plus the two nested lists events use.</summary>
    private sealed class Fields
    {
        private Fields(string root) => Root = root;

        public string Root { get; }

        public Dictionary<string, string> Simple { get; } = new(StringComparer.Ordinal);

        public List<string> MemChangeList { get; } = [];

        public List<TemplateCardSelection> SelectedItems { get; } = [];

        public string? Get(string name) => Simple.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

        public int? GetInt(string name) => int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

        public long? GetLong(string name) => ParseLong(Get(name));

        public static Fields Read(string xml)
        {
            using var reader = XmlReader.Create(new StringReader(xml), SafeXml.ReaderSettings());
            reader.MoveToContent();
            var fields = new Fields(reader.LocalName);
            ForEachChild(reader, child =>
            {
                switch (child.LocalName)
                {
                    case "MemChangeList":
                        ForEachChild(child, item => fields.MemChangeList.Add(ReadText(item) ?? ""));
                        break;
                    case "SelectedItems":
                        ForEachChild(child, item => fields.SelectedItems.Add(ReadSelection(item)));
                        break;
                    default:
                        var name = child.LocalName;
                        if (ReadText(child) is { } text)
                        {
                            fields.Simple.TryAdd(name, text);
                        }

                        break;
                }
            });

            // Consume the rest so that a malformed tail is an error, not silently accepted.
            while (reader.Read())
            {
            }

            return fields;
        }

        private static TemplateCardSelection ReadSelection(XmlReader item)
        {
            var key = "";
            var options = new List<string>();
            ForEachChild(item, child =>
            {
                if (child.LocalName == "QuestionKey")
                {
                    key = ReadText(child) ?? "";
                }
                else if (child.LocalName == "OptionIds")
                {
                    ForEachChild(child, option => options.Add(ReadText(option) ?? ""));
                }
                else
                {
                    ReadText(child);
                }
            });
            return new(key, options);
        }

        /// <summary>On a start element: calls <paramref name="onChild"/> on each child element (which must
        /// consume it) and leaves the reader after the end element.</summary>
        private static void ForEachChild(XmlReader reader, Action<XmlReader> onChild)
        {
            var depth = reader.Depth;
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return;
            }

            reader.Read();
            while (reader.Depth > depth)
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    onChild(reader);
                }
                else
                {
                    reader.Read();
                }
            }

            reader.Read();
        }

        /// <summary>On a start element: its text, or null when it holds elements (skipped, e.g. ExtAttr);
        /// leaves the reader after the end element.</summary>
        private static string? ReadText(XmlReader reader)
        {
            var depth = reader.Depth;
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return "";
            }

            string? text = null;
            var nested = false;
            while (reader.Read() && reader.Depth > depth)
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    nested = true;
                }
                else if (reader.Depth == depth + 1 && reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
                {
                    text = text is null ? reader.Value : text + reader.Value;
                }
            }

            reader.Read();
            return nested ? null : text ?? "";
        }
    }
}
