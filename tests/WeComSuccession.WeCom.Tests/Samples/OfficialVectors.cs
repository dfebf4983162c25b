using System.Text.Json;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.WeCom.Tests.Samples;

/// <summary>WeCom's published callback test vectors (Samples/vectors.json, copied from shared/wecom).</summary>
internal static class OfficialVectors
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "vectors.json"))).RootElement;

    public static string Token => Get("token");

    public static string EncodingAesKey => Get("encodingAesKey");

    public static string ReceiveId => Get("receiveId");

    public static string AesKeyHex => Get("aesKeyHex");

    public static string Get(params string[] path)
    {
        var e = Root;
        foreach (var p in path)
        {
            e = e.GetProperty(p);
        }

        return e.GetString()!;
    }

    public static WeComCallbackCrypto Crypto(string? token = null, string? receiveId = null) =>
        new(token ?? Token, EncodingAesKey, receiveId ?? ReceiveId);
}
