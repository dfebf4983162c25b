namespace WeComSuccession.WeCom.Callbacks;

/// <summary>
/// Why a callback request was rejected. Finer-grained than the official library's codes so that logs
/// and tests can tell causes apart; <see cref="CallbackFailureExtensions.OfficialCode"/> maps each one
/// onto the official -40001..-40011 code.
/// </summary>
/// <seealso href="https://developer.work.weixin.qq.com/document/path/91144"/>
public enum CallbackFailure
{
    /// <summary>No failure.</summary>
    None = 0,

    /// <summary>msg_signature, timestamp, nonce or echostr is absent or empty.</summary>
    MissingParameter,

    /// <summary>msg_signature is not 40 hexadecimal characters.</summary>
    MalformedSignature,

    /// <summary>The signature does not match token, timestamp, nonce and ciphertext.</summary>
    SignatureMismatch,

    /// <summary>The request body is empty.</summary>
    EmptyBody,

    /// <summary>The request body is larger than the configured limit.</summary>
    BodyTooLarge,

    /// <summary>The body is not well-formed XML, or uses a DTD or entities.</summary>
    MalformedXml,

    /// <summary>The XML envelope has no Encrypt element.</summary>
    MissingEncrypt,

    /// <summary>The ciphertext is not valid base64.</summary>
    InvalidBase64,

    /// <summary>The ciphertext length is not a whole number of AES blocks.</summary>
    InvalidCiphertextLength,

    /// <summary>The PKCS#7 padding (32-byte blocks) is not valid after decryption.</summary>
    InvalidPadding,

    /// <summary>The decrypted length field points beyond the buffer.</summary>
    IllegalBuffer,

    /// <summary>The decrypted message is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The trailing receive-id is not ours (another corp or app).</summary>
    ReceiveIdMismatch,
}

/// <summary>Maps <see cref="CallbackFailure"/> onto the official WXBizMsgCrypt error codes.</summary>
public static class CallbackFailureExtensions
{
    /// <summary>The official code: -40001 ValidateSignature, -40002 ParseXml, -40005 ValidateCorpid,
    /// -40007 DecryptAES, -40008 IllegalBuffer, -40010 DecodeBase64 (0 for <see cref="CallbackFailure.None"/>).
    /// -40003, -40004, -40006, -40009 and -40011 are raised only while computing a signature, loading a key
    /// or encrypting; here those are programming or configuration errors, checked when the crypto is created.</summary>
    public static int OfficialCode(this CallbackFailure failure) => failure switch
    {
        CallbackFailure.None => 0,
        CallbackFailure.MissingParameter or CallbackFailure.MalformedSignature or CallbackFailure.SignatureMismatch => -40001,
        CallbackFailure.EmptyBody or CallbackFailure.BodyTooLarge or CallbackFailure.MalformedXml or CallbackFailure.MissingEncrypt => -40002,
        CallbackFailure.ReceiveIdMismatch => -40005,
        CallbackFailure.InvalidCiphertextLength or CallbackFailure.InvalidPadding => -40007,
        CallbackFailure.IllegalBuffer or CallbackFailure.InvalidUtf8 => -40008,
        CallbackFailure.InvalidBase64 => -40010,
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };
}

/// <summary>The outcome of checking a callback: the decrypted text, or why it was rejected.</summary>
public readonly record struct CallbackResult(string? Plaintext, CallbackFailure Failure)
{
    /// <summary>True when the callback verified and decrypted.</summary>
    public bool IsSuccess => Failure == CallbackFailure.None;

    internal static CallbackResult Fail(CallbackFailure failure) => new(null, failure);

    internal static CallbackResult Ok(string plaintext) => new(plaintext, CallbackFailure.None);
}
