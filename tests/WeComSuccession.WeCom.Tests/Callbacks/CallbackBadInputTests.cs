using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using WeComSuccession.WeCom.Callbacks;
using WeComSuccession.WeCom.Tests.Samples;

namespace WeComSuccession.WeCom.Tests.Callbacks;

/// <summary>Every way a callback can be wrong yields its own typed failure, and none throws.</summary>
public sealed class CallbackBadInputTests
{
    private const string Timestamp = "1700000000";
    private const string Nonce = "1597212914";
    private const string Message = "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><Event>change_contact</Event></xml>";

    private static readonly WeComCallbackCrypto Ours = OfficialVectors.Crypto();

    /// <summary>One callback as it would arrive: query values and body.</summary>
    public sealed record Request(string? Signature, string? Timestamp, string? Nonce, byte[] Body, WeComCallbackCrypto? Receiver = null);

    public static TheoryData<string, CallbackFailure> Cases() => new()
    {
        { "tampered ciphertext", CallbackFailure.SignatureMismatch },
        { "tampered token", CallbackFailure.SignatureMismatch },
        { "tampered timestamp", CallbackFailure.SignatureMismatch },
        { "tampered nonce", CallbackFailure.SignatureMismatch },
        { "missing signature", CallbackFailure.MissingParameter },
        { "missing timestamp", CallbackFailure.MissingParameter },
        { "missing nonce", CallbackFailure.MissingParameter },
        { "non-hex signature", CallbackFailure.MalformedSignature },
        { "short signature", CallbackFailure.MalformedSignature },
        { "wrong receive-id", CallbackFailure.ReceiveIdMismatch },
        { "bad base64", CallbackFailure.InvalidBase64 },
        { "ciphertext not whole blocks", CallbackFailure.InvalidCiphertextLength },
        { "bad padding bytes", CallbackFailure.InvalidPadding },
        { "padding value above 32", CallbackFailure.InvalidPadding },
        { "length field beyond buffer", CallbackFailure.IllegalBuffer },
        { "content shorter than header", CallbackFailure.IllegalBuffer },
        { "message not UTF-8", CallbackFailure.InvalidUtf8 },
        { "empty body", CallbackFailure.EmptyBody },
        { "oversized body", CallbackFailure.BodyTooLarge },
        { "body not XML", CallbackFailure.MalformedXml },
        { "envelope without Encrypt", CallbackFailure.MissingEncrypt },
        { "envelope with DTD", CallbackFailure.MalformedXml },
        { "truncated XML", CallbackFailure.MalformedXml },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecryptMessage_BadInput_ReturnsTypedFailureWithoutThrowing(string name, CallbackFailure expected)
    {
        var request = Build(name);

        var result = (request.Receiver ?? Ours).DecryptMessage(request.Signature, request.Timestamp, request.Nonce, request.Body);

        Assert.Equal(expected, result.Failure);
        Assert.Null(result.Plaintext);
        Assert.InRange(expected.OfficialCode(), -40011, -40001);
    }

    [Fact]
    public void DecryptMessage_ValidRequest_Succeeds()
    {
        // The baseline every bad case is derived from must itself pass, or the table proves nothing.
        var request = Signed(Ours.Encrypt(Message));
        Assert.Equal(Message, Ours.DecryptMessage(request.Signature, request.Timestamp, request.Nonce, request.Body).Plaintext);
    }

    [Fact]
    public void VerifyUrl_MissingEchostr_ReturnsMissingParameter() =>
        Assert.Equal(CallbackFailure.MissingParameter, Ours.VerifyUrl("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", Timestamp, Nonce, null).Failure);

    [Fact]
    public void VerifyUrl_TamperedEchostr_ReturnsSignatureMismatch()
    {
        var echostr = Ours.Encrypt("12345");
        var signature = Ours.Sign(Timestamp, Nonce, echostr);
        // The ciphertext starts with a random IV: change its first character to one it is not (1 in 64 began with "A").
        var tampered = (echostr[0] == 'A' ? "B" : "A") + echostr[1..];
        Assert.Equal(CallbackFailure.SignatureMismatch, Ours.VerifyUrl(signature, Timestamp, Nonce, tampered).Failure);
    }

    [Fact]
    public void OfficialCode_EveryFailure_MapsIntoTheOfficialRange()
    {
        foreach (var failure in Enum.GetValues<CallbackFailure>().Where(f => f != CallbackFailure.None))
        {
            Assert.InRange(failure.OfficialCode(), -40011, -40001);
        }

        Assert.Equal(-40001, CallbackFailure.SignatureMismatch.OfficialCode());
        Assert.Equal(-40005, CallbackFailure.ReceiveIdMismatch.OfficialCode());
        Assert.Equal(-40010, CallbackFailure.InvalidBase64.OfficialCode());
    }

    private static Request Build(string name)
    {
        var good = Ours.Encrypt(Message);
        var valid = Signed(good);
        return name switch
        {
            "tampered ciphertext" => valid with { Body = Envelope((good[0] == 'A' ? "B" : "A") + good[1..]) },
            "tampered token" => valid with { Receiver = OfficialVectors.Crypto(token: "anotherToken") },
            "tampered timestamp" => valid with { Timestamp = "1700000001" },
            "tampered nonce" => valid with { Nonce = "1597212915" },
            "missing signature" => valid with { Signature = null },
            "missing timestamp" => valid with { Timestamp = "" },
            "missing nonce" => valid with { Nonce = null },
            "non-hex signature" => valid with { Signature = new string('z', 40) },
            "short signature" => valid with { Signature = valid.Signature![..39] },
            "wrong receive-id" => Signed(OfficialVectors.Crypto(receiveId: "wwanothercorp00000").Encrypt(Message)),
            "bad base64" => Signed("!!not*base64!!"),
            "ciphertext not whole blocks" => Signed(Convert.ToBase64String(new byte[48])),
            "bad padding bytes" => Signed(RawEncrypt(Layout(Message, receiveId: OfficialVectors.ReceiveId), padValue: 5, corruptPad: true)),
            "padding value above 32" => Signed(RawEncrypt(Layout(Message, receiveId: OfficialVectors.ReceiveId), padValue: 33)),
            "length field beyond buffer" => Signed(RawEncrypt(Layout(Message, receiveId: OfficialVectors.ReceiveId, lengthField: 100_000))),
            "content shorter than header" => Signed(RawEncrypt(new byte[10])),
            "message not UTF-8" => Signed(RawEncrypt(Layout([0xC3, 0x28, 0xFF], receiveId: OfficialVectors.ReceiveId))),
            "empty body" => valid with { Body = [] },
            "oversized body" => valid with { Body = Encoding.UTF8.GetBytes("<xml><Encrypt>" + new string('A', 70_000) + "</Encrypt></xml>") },
            "body not XML" => valid with { Body = "hello, not xml"u8.ToArray() },
            "envelope without Encrypt" => valid with { Body = "<xml><ToUserName>ww1436e0e65a779aee</ToUserName></xml>"u8.ToArray() },
            "envelope with DTD" => valid with { Body = Encoding.UTF8.GetBytes($"<!DOCTYPE xml [<!ENTITY a \"b\">]><xml><Encrypt><![CDATA[{good}]]></Encrypt></xml>") },
            "truncated XML" => valid with { Body = Encoding.UTF8.GetBytes($"<xml><Encrypt><![CDATA[{good}]]></Encrypt>") },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
        };
    }

    private static Request Signed(string encrypt) => new(Ours.Sign(Timestamp, Nonce, encrypt), Timestamp, Nonce, Envelope(encrypt));

    private static byte[] Envelope(string encrypt) =>
        Encoding.UTF8.GetBytes($"<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>");

    private static byte[] Layout(string message, string receiveId, uint? lengthField = null) =>
        Layout(Encoding.UTF8.GetBytes(message), receiveId, lengthField);

    private static byte[] Layout(byte[] message, string receiveId, uint? lengthField = null)
    {
        var id = Encoding.UTF8.GetBytes(receiveId);
        var plain = new byte[20 + message.Length + id.Length];
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16, 4), lengthField ?? (uint)message.Length);
        message.CopyTo(plain, 20);
        id.CopyTo(plain, 20 + message.Length);
        return plain;
    }

    /// <summary>AES-256-CBC as WeCom does it, but with the padding under the test's control.</summary>
    private static string RawEncrypt(byte[] content, int? padValue = null, bool corruptPad = false)
    {
        var pad = 32 - (content.Length % 32);
        var plain = new byte[content.Length + pad];
        content.CopyTo(plain, 0);
        plain.AsSpan(content.Length).Fill((byte)(padValue ?? pad));
        if (corruptPad)
        {
            plain[^1] = (byte)pad;
            plain[^2] = (byte)(pad + 1);
        }

        var key = Convert.FromHexString(OfficialVectors.AesKeyHex);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }
}
