using System.Globalization;
using System.Text;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.Tests.TestSupport;

/// <summary>Posts callbacks the way WeCom does: event XML, encrypted and signed with the test app's key.</summary>
public sealed class CallbackSender(HttpClient client, string token = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", string corpId = "ww1436e0e65a779aee")
{
    private readonly WeComCallbackCrypto _crypto = new(token, "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", corpId);

    public static string DeleteUserXml(string userId, long createTime, string corpId = "ww1436e0e65a779aee") =>
        $"<xml><ToUserName><![CDATA[{corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>delete_user</ChangeType><UserID><![CDATA[{userId}]]></UserID></xml>";

    /// <summary>A signed request for <paramref name="eventXml"/>; each call encrypts afresh, as WeCom's retries do.</summary>
    public (string Query, string Body) Sign(string eventXml, string timestamp = "1763700000", string nonce = "1597212914")
    {
        var (signature, body) = _crypto.CreateCallback(eventXml, timestamp, nonce, corpId, "1000002");
        return ($"?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}", body);
    }

    public Task<HttpResponseMessage> PostAsync(string eventXml, CancellationToken ct)
    {
        var (query, body) = Sign(eventXml, (1763700000 + Random.Shared.Next(1000)).ToString(CultureInfo.InvariantCulture), Random.Shared.Next().ToString(CultureInfo.InvariantCulture));
        return PostRawAsync(query, body, ct);
    }

    public Task<HttpResponseMessage> PostRawAsync(string query, string body, CancellationToken ct) =>
        client.PostAsync(new Uri("/wecom/callback" + query, UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/xml"), ct);
}
