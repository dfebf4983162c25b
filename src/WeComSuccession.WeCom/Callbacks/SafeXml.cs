using System.Xml;

namespace WeComSuccession.WeCom.Callbacks;

/// <summary>
/// Reader settings for any XML that arrives from the network: no DTD (so no entity expansion,
/// billion laughs or external entities), no resolver (so no file or network access), and a size cap.
/// </summary>
public static class SafeXml
{
    /// <summary>Largest XML document, in characters, that is read at all.</summary>
    public const int MaxDocumentCharacters = 256 * 1024;

    /// <summary>Settings for one reader. A fresh instance each call because XmlReaderSettings is mutable.</summary>
    public static XmlReaderSettings ReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = MaxDocumentCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    };
}
