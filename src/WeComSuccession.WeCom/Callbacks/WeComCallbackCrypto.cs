using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace WeComSuccession.WeCom.Callbacks;

/// <summary>
/// WeCom's callback protocol: the SHA1 signature over the sorted (token, timestamp, nonce, ciphertext),
/// and AES-256-CBC with the IV taken from the key and PKCS#7 padding to 32-byte blocks over
/// <c>random(16) ‖ msg_len(4, big-endian) ‖ msg ‖ receive_id</c>.
/// Verification comes first and is done in fixed time; nothing is decrypted or parsed before it holds.
/// Bad input never throws: every rejection is a <see cref="CallbackFailure"/>.
/// </summary>
/// <seealso href="https://developer.work.weixin.qq.com/document/path/91144"/>
public sealed class WeComCallbackCrypto
{
    private const int PadBlock = 32;
    private const int RandomLength = 16;
    private const int HeaderLength = RandomLength + 4;
    private const int Sha1Length = 20;

    private readonly string _token;
    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly byte[] _receiveId;
    private readonly int _maxBodyBytes;

    /// <summary>Creates the crypto for one app's callback configuration.</summary>
    /// <param name="token">The callback Token (letters and digits, at most 32).</param>
    /// <param name="encodingAesKey">The 43-character EncodingAESKey.</param>
    /// <param name="receiveId">CorpID for a self-built app; the suite id for third-party commands.</param>
    /// <param name="maxBodyBytes">Largest POST body accepted.</param>
    /// <exception cref="ArgumentException">The key or token is not a valid configuration.</exception>
    public WeComCallbackCrypto(string token, string encodingAesKey, string receiveId, int maxBodyBytes = 64 * 1024)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(receiveId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBodyBytes, 256);
        if (!TryDecodeEncodingAesKey(encodingAesKey, out var key))
        {
            throw new ArgumentException("EncodingAESKey must be 43 characters of [A-Za-z0-9] that decode to a 32-byte key.", nameof(encodingAesKey));
        }

        _token = token;
        _key = key;
        _iv = key[..16];
        _receiveId = Encoding.UTF8.GetBytes(receiveId);
        _maxBodyBytes = maxBodyBytes;
    }

    /// <summary>True when <paramref name="encodingAesKey"/> is 43 characters of [A-Za-z0-9] and decodes to 32 bytes.</summary>
    public static bool IsValidEncodingAesKey(string? encodingAesKey) => TryDecodeEncodingAesKey(encodingAesKey, out _);

    private static bool TryDecodeEncodingAesKey(string? encodingAesKey, out byte[] key)
    {
        key = [];
        if (encodingAesKey is not { Length: 43 } || !encodingAesKey.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        var buffer = new byte[33];
        if (!Convert.TryFromBase64String(encodingAesKey + "=", buffer, out var written) || written != 32)
        {
            return false;
        }

        key = buffer[..32];
        return true;
    }

    /// <summary>URL verification (GET): checks the signature and returns the decrypted echostr to send back.</summary>
    public CallbackResult VerifyUrl(string? msgSignature, string? timestamp, string? nonce, string? echostr)
    {
        if (string.IsNullOrEmpty(echostr))
        {
            return CallbackResult.Fail(CallbackFailure.MissingParameter);
        }

        var failure = VerifySignature(msgSignature, timestamp, nonce, echostr);
        return failure == CallbackFailure.None ? Decrypt(echostr) : CallbackResult.Fail(failure);
    }

    /// <summary>Event delivery (POST): reads the XML envelope, checks the signature, and returns the decrypted XML.</summary>
    public CallbackResult DecryptMessage(string? msgSignature, string? timestamp, string? nonce, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(msgSignature) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce))
        {
            return CallbackResult.Fail(CallbackFailure.MissingParameter);
        }

        if (body.IsEmpty)
        {
            return CallbackResult.Fail(CallbackFailure.EmptyBody);
        }

        if (body.Length > _maxBodyBytes)
        {
            return CallbackResult.Fail(CallbackFailure.BodyTooLarge);
        }

        var envelope = ReadEncryptElement(body);
        if (envelope.Failure != CallbackFailure.None)
        {
            return envelope;
        }

        var encrypt = envelope.Plaintext!;
        var failure = VerifySignature(msgSignature, timestamp, nonce, encrypt);
        return failure == CallbackFailure.None ? Decrypt(encrypt) : CallbackResult.Fail(failure);
    }

    /// <summary>Checks msg_signature in fixed time. Returns <see cref="CallbackFailure.None"/> when it holds.</summary>
    public CallbackFailure VerifySignature(string? msgSignature, string? timestamp, string? nonce, string? encrypt)
    {
        if (string.IsNullOrEmpty(msgSignature) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(encrypt))
        {
            return CallbackFailure.MissingParameter;
        }

        Span<byte> given = stackalloc byte[Sha1Length];
        if (msgSignature.Length != Sha1Length * 2
            || Convert.FromHexString(msgSignature, given, out _, out var written) != OperationStatus.Done
            || written != Sha1Length)
        {
            return CallbackFailure.MalformedSignature;
        }

        Span<byte> expected = stackalloc byte[Sha1Length];
        ComputeSignature(timestamp, nonce, encrypt, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? CallbackFailure.None : CallbackFailure.SignatureMismatch;
    }

    /// <summary>The lowercase hex signature WeCom would send for these values.</summary>
    public string Sign(string timestamp, string nonce, string encrypt)
    {
        Span<byte> hash = stackalloc byte[Sha1Length];
        ComputeSignature(timestamp, nonce, encrypt, hash);
        return Convert.ToHexStringLower(hash);
    }

    private void ComputeSignature(string timestamp, string nonce, string encrypt, Span<byte> destination)
    {
        // The four strings are sorted by ordinal order and concatenated without separators.
        string[] parts = [_token, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);

        var length = 0;
        foreach (var part in parts)
        {
            length += Encoding.UTF8.GetMaxByteCount(part.Length);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var used = 0;
            foreach (var part in parts)
            {
                used += Encoding.UTF8.GetBytes(part, rented.AsSpan(used));
            }

            // SHA1 is what WeCom's protocol prescribes; it authenticates, it is not our choice of hash.
#pragma warning disable CA5350
            SHA1.HashData(rented.AsSpan(0, used), destination);
#pragma warning restore CA5350
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private CallbackResult Decrypt(string encrypt)
    {
        var maxLength = Base64.GetMaxDecodedFromUtf8Length(encrypt.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxLength * 2);
        try
        {
            var cipher = rented.AsSpan(0, maxLength);
            if (!Convert.TryFromBase64String(encrypt, cipher, out var cipherLength))
            {
                return CallbackResult.Fail(CallbackFailure.InvalidBase64);
            }

            if (cipherLength == 0 || cipherLength % PadBlock != 0)
            {
                return CallbackResult.Fail(CallbackFailure.InvalidCiphertextLength);
            }

            var plain = rented.AsSpan(maxLength, cipherLength);
            using (var aes = Aes.Create())
            {
                aes.Key = _key;
                aes.DecryptCbc(cipher[..cipherLength], _iv, plain, PaddingMode.None);
            }

            return Unpack(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private CallbackResult Unpack(ReadOnlySpan<byte> plain)
    {
        int pad = plain[^1];
        if (pad is < 1 or > PadBlock || plain[^pad..].ContainsAnyExcept((byte)pad))
        {
            return CallbackResult.Fail(CallbackFailure.InvalidPadding);
        }

        var content = plain[..^pad];
        if (content.Length < HeaderLength)
        {
            return CallbackResult.Fail(CallbackFailure.IllegalBuffer);
        }

        var messageLength = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(RandomLength, 4));
        if (messageLength > (uint)(content.Length - HeaderLength))
        {
            return CallbackResult.Fail(CallbackFailure.IllegalBuffer);
        }

        var message = content.Slice(HeaderLength, (int)messageLength);
        if (!content[(HeaderLength + (int)messageLength)..].SequenceEqual(_receiveId))
        {
            return CallbackResult.Fail(CallbackFailure.ReceiveIdMismatch);
        }

        if (!System.Text.Unicode.Utf8.IsValid(message))
        {
            return CallbackResult.Fail(CallbackFailure.InvalidUtf8);
        }

        return CallbackResult.Ok(Encoding.UTF8.GetString(message));
    }

    /// <summary>Encrypts a message as WeCom does (for replies and for a simulator that sends callbacks).</summary>
    /// <param name="message">The plaintext, usually event XML or an echostr.</param>
    /// <param name="random16">16 random bytes; when empty, fresh random bytes are used.</param>
    /// <returns>The base64 ciphertext for an Encrypt element or echostr.</returns>
    public string Encrypt(string message, ReadOnlySpan<byte> random16 = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var messageLength = Encoding.UTF8.GetByteCount(message);
        var unpadded = HeaderLength + messageLength + _receiveId.Length;
        var pad = PadBlock - (unpadded % PadBlock); // 1..32: a whole block of 32 when already aligned
        var plain = new byte[unpadded + pad];

        if (random16.IsEmpty)
        {
            RandomNumberGenerator.Fill(plain.AsSpan(0, RandomLength));
        }
        else
        {
            random16[..RandomLength].CopyTo(plain);
        }

        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(RandomLength, 4), (uint)messageLength);
        Encoding.UTF8.GetBytes(message, plain.AsSpan(HeaderLength));
        _receiveId.CopyTo(plain.AsSpan(HeaderLength + messageLength));
        plain.AsSpan(unpadded).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _iv, PaddingMode.None));
    }

    /// <summary>Builds a signed, encrypted callback POST as WeCom sends it.</summary>
    /// <returns>The msg_signature query value and the XML body.</returns>
    public (string MsgSignature, string Body) CreateCallback(string plaintextXml, string timestamp, string nonce, string toUserName, string? agentId = null)
    {
        var encrypt = Encrypt(plaintextXml);
        var agent = agentId is null ? "" : $"<AgentID><![CDATA[{agentId}]]></AgentID>";
        var body = $"<xml><ToUserName><![CDATA[{toUserName}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt>{agent}</xml>";
        return (Sign(timestamp, nonce, encrypt), body);
    }

    /// <summary>Builds an encrypted passive reply (<c>Encrypt, MsgSignature, TimeStamp, Nonce</c>).</summary>
    public string CreateReply(string plaintextXml, string timestamp, string nonce)
    {
        var encrypt = Encrypt(plaintextXml);
        var signature = Sign(timestamp, nonce, encrypt);
        return $"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA[{signature}]]></MsgSignature><TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>";
    }

    /// <summary>Reads the Encrypt element of the envelope with the hardened reader; the body is not trusted yet.</summary>
    private static CallbackResult ReadEncryptElement(ReadOnlySpan<byte> body)
    {
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, SafeXml.ReaderSettings());
            if (!reader.ReadToFollowing("xml") || reader.Depth != 0)
            {
                return CallbackResult.Fail(CallbackFailure.MalformedXml);
            }

            string? encrypt = null;
            if (!reader.IsEmptyElement && reader.Read())
            {
                while (reader.NodeType == XmlNodeType.Element)
                {
                    if (reader.LocalName == "Encrypt" && encrypt is null)
                    {
                        encrypt = reader.ReadElementContentAsString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            // Read to the end so that a malformed tail is rejected too.
            while (reader.Read())
            {
            }

            return string.IsNullOrEmpty(encrypt)
                ? CallbackResult.Fail(CallbackFailure.MissingEncrypt)
                : CallbackResult.Ok(encrypt);
        }
        catch (XmlException)
        {
            return CallbackResult.Fail(CallbackFailure.MalformedXml);
        }
    }
}
