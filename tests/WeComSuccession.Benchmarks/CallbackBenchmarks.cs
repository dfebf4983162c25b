using System.Text;
using BenchmarkDotNet.Attributes;
using WeComSuccession.WeCom.Callbacks;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Benchmarks;

/// <summary>Verify + decrypt + parse of a typical callback: a member deleted, as WeCom delivers it.</summary>
[MemoryDiagnoser]
public class CallbackBenchmarks
{
    private const string Timestamp = "1763700000";
    private const string Nonce = "1597212914";

    private readonly WeComCallbackCrypto _crypto = new(TestCredentials.Token, TestCredentials.EncodingAesKey, TestCredentials.CorpId);
    private string _signature = "";
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        const string Event = $"<xml><ToUserName><![CDATA[{TestCredentials.CorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1763700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Department><![CDATA[1,2]]></Department><MainDepartment>1</MainDepartment><IsLeaderInDept><![CDATA[0,1]]></IsLeaderInDept><DirectLeader><![CDATA[lisi]]></DirectLeader><Status>2</Status></xml>";
        var (signature, body) = _crypto.CreateCallback(Event, Timestamp, Nonce, TestCredentials.CorpId, TestCredentials.AgentId);
        _signature = signature;
        _body = Encoding.UTF8.GetBytes(body);
    }

    [Benchmark]
    public CallbackEvent? VerifyDecryptParse()
    {
        var decrypted = _crypto.DecryptMessage(_signature, Timestamp, Nonce, _body);
        return CallbackEventParser.Parse(decrypted.Plaintext).Event;
    }
}
