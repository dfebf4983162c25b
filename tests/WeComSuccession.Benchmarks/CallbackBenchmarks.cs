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

    private readonly WeComCallbackCrypto _crypto = new("hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "ww1436e0e65a779aee");
    private string _signature = "";
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        const string Event = "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1763700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Department><![CDATA[1,2]]></Department><MainDepartment>1</MainDepartment><IsLeaderInDept><![CDATA[0,1]]></IsLeaderInDept><DirectLeader><![CDATA[lisi]]></DirectLeader><Status>2</Status></xml>";
        var (signature, body) = _crypto.CreateCallback(Event, Timestamp, Nonce, "ww1436e0e65a779aee", "1000002");
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
