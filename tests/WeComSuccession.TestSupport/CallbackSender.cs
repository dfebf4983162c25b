using System.Globalization;
using System.Text;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.TestSupport;

/// <summary>Posts callbacks the way WeCom does: event XML, encrypted and signed with the test app's key.</summary>
public sealed class CallbackSender(HttpClient client, string token = TestCredentials.Token, string corpId = TestCredentials.CorpId)
{
    private readonly WeComCallbackCrypto _crypto = new(token, TestCredentials.EncodingAesKey, corpId);

    public static string DeleteUserXml(string userId, long createTime, string corpId = TestCredentials.CorpId) =>
        $"<xml><ToUserName><![CDATA[{corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>delete_user</ChangeType><UserID><![CDATA[{userId}]]></UserID></xml>";

    /// <summary>A signed request for <paramref name="eventXml"/>; each call encrypts afresh, as WeCom's retries do.</summary>
    public (string Query, string Body) Sign(string eventXml, string timestamp = "1763700000", string nonce = "1597212914")
    {
        var (signature, body) = _crypto.CreateCallback(eventXml, timestamp, nonce, corpId, TestCredentials.AgentId);
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
