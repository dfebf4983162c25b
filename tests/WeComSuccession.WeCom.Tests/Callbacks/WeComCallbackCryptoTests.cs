using System.Text;
using System.Text.RegularExpressions;
using WeComSuccession.WeCom.Callbacks;
using WeComSuccession.WeCom.Tests.Samples;

namespace WeComSuccession.WeCom.Tests.Callbacks;

public sealed partial class WeComCallbackCryptoTests
{
    private static readonly WeComCallbackCrypto Crypto = OfficialVectors.Crypto();

    [Fact]
    public void VerifyUrl_OfficialVector_ReturnsEchoReply()
    {
        var result = Crypto.VerifyUrl(
            OfficialVectors.Get("urlVerification", "msg_signature"),
            OfficialVectors.Get("urlVerification", "timestamp"),
            OfficialVectors.Get("urlVerification", "nonce"),
            OfficialVectors.Get("urlVerification", "echostr"));

        Assert.Equal(CallbackFailure.None, result.Failure);
        Assert.Equal(OfficialVectors.Get("urlVerification", "reply"), result.Plaintext);
    }

    [Fact]
    public void DecryptMessage_OfficialVector_ReturnsPlaintext()
    {
        var result = Crypto.DecryptMessage(
            OfficialVectors.Get("post", "msg_signature"),
            OfficialVectors.Get("post", "timestamp"),
            OfficialVectors.Get("post", "nonce"),
            Encoding.UTF8.GetBytes(OfficialVectors.Get("post", "body")));

        Assert.Equal(CallbackFailure.None, result.Failure);
        Assert.Equal(OfficialVectors.Get("post", "plaintext"), result.Plaintext);
    }

    [Fact]
    public void Encrypt_OfficialVectorRandomPrefix_ReproducesCiphertextByteForByte()
    {
        // The sample used the 16 ASCII characters below as its random prefix.
        var cipher = Crypto.Encrypt(OfficialVectors.Get("post", "plaintext"), "694ce5a83ae07fe3"u8);

        var expected = EncryptElement().Match(OfficialVectors.Get("post", "body")).Groups[1].Value;
        Assert.Equal(expected, cipher);
        Assert.Equal(OfficialVectors.Get("post", "msg_signature"), Crypto.Sign(OfficialVectors.Get("post", "timestamp"), OfficialVectors.Get("post", "nonce"), cipher));
    }

    [Fact]
    public void Key_DerivedFromEncodingAesKey_MatchesOfficialHex()
    {
        // Encrypting zero blocks with a known key in ECB would need the key; instead check that
        // a different key cannot decrypt what this one encrypted, and that the official hex key can.
        var key = Convert.FromHexString(OfficialVectors.AesKeyHex);
        var cipher = Convert.FromBase64String(Crypto.Encrypt("hello"));
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(cipher, key.AsSpan(0, 16), System.Security.Cryptography.PaddingMode.None);
        Assert.Equal("hello"u8.ToArray(), plain.AsSpan(20, 5).ToArray());
    }

    public static TheoryData<string> RoundTripMessages()
    {
        // 20 header bytes + message + 18-byte receive-id: 26 ASCII bytes make 64, a whole number of
        // 32-byte blocks, so the padding is one full block of 32.
        var fullPadBlock = new string('a', 26);
        return new TheoryData<string>
        {
            fullPadBlock,
            fullPadBlock + "b",
            "",
            "你好，企业微信 🚀 客户继承",
            "<xml><Content><![CDATA[多字节 ✓ 𠜎]]></Content></xml>",
            new string('长', 5000),
        };
    }

    [Theory]
    [MemberData(nameof(RoundTripMessages))]
    public void EncryptThenDecrypt_AnyMessage_RoundTrips(string message)
    {
        var (signature, body) = Crypto.CreateCallback(message, "1700000000", "nonce123", OfficialVectors.ReceiveId);

        var result = Crypto.DecryptMessage(signature, "1700000000", "nonce123", Encoding.UTF8.GetBytes(body));

        Assert.Equal(CallbackFailure.None, result.Failure);
        Assert.Equal(message, result.Plaintext);
    }

    [Fact]
    public void Encrypt_MessageFillingWholeBlocks_AddsAFullPadBlock()
    {
        var cipher = Convert.FromBase64String(Crypto.Encrypt(new string('a', 26)));
        Assert.Equal(96, cipher.Length); // 64 bytes of content + 32 bytes of padding
    }

    [Fact]
    public void VerifyUrl_EncryptedEchostr_RoundTrips()
    {
        var echostr = Crypto.Encrypt("5927782489442352469");
        var signature = Crypto.Sign("1409659589", "263014780", echostr);
        Assert.Equal("5927782489442352469", Crypto.VerifyUrl(signature, "1409659589", "263014780", echostr).Plaintext);
    }

    [Fact]
    public void CreateReply_PassiveReply_VerifiesWithItsOwnSignature()
    {
        var reply = Crypto.CreateReply("<xml><Content>ok</Content></xml>", "1700000001", "n1");
        var encrypt = EncryptElement().Match(reply).Groups[1].Value;
        var signature = Regex.Match(reply, @"<MsgSignature><!\[CDATA\[(.*?)\]\]>").Groups[1].Value;
        Assert.Equal(CallbackFailure.None, Crypto.VerifySignature(signature, "1700000001", "n1", encrypt));
    }

    [Theory]
    [InlineData("6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", true)]
    [InlineData("6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhU", false)]
    [InlineData("6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUtX", false)]
    [InlineData("6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqh+t", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidEncodingAesKey_Candidates_AcceptsOnly43Alphanumerics(string? key, bool valid) =>
        Assert.Equal(valid, WeComCallbackCrypto.IsValidEncodingAesKey(key));

    [GeneratedRegex(@"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>")]
    private static partial Regex EncryptElement();
}
