using System.Security.Cryptography;
using System.Text;

namespace WeComSuccession.WeCom.Tokens;

/// <summary>
/// Identifies one app's token: a token is valid only for the app whose secret produced it, so tokens are
/// cached per (corp, secret). Holds a SHA-256 fingerprint instead of the secret, so the key is safe in
/// logs, dictionaries and debuggers.
/// </summary>
public readonly record struct WeComTokenKey
{
    private WeComTokenKey(string corpId, string secretFingerprint)
    {
        CorpId = corpId;
        SecretFingerprint = secretFingerprint;
    }

    /// <summary>Corp id.</summary>
    public string CorpId { get; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public string SecretFingerprint { get; }

    /// <summary>The key of the app identified by <paramref name="corpId"/> and <paramref name="secret"/>.</summary>
    public static WeComTokenKey Create(string corpId, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(corpId);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return new(corpId, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));
    }

    /// <summary>"corpid/secret#abcdef12": enough to tell apps apart, nothing to recover the secret from.</summary>
    public override string ToString() => $"{CorpId}/secret#{SecretFingerprint?[..Math.Min(8, SecretFingerprint.Length)]}";
}
