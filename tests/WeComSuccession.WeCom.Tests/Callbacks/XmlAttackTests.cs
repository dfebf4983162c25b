using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WeComSuccession.WeCom.Callbacks;
using WeComSuccession.WeCom.Events;
using WeComSuccession.WeCom.Tests.Samples;

namespace WeComSuccession.WeCom.Tests.Callbacks;

/// <summary>Entity bombs, external entities and DTDs are refused fast, without touching files or the network.</summary>
public sealed class XmlAttackTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _secretFile = Path.GetTempFileName();

    public XmlAttackTests()
    {
        _listener.Start();
        File.WriteAllText(_secretFile, "TOP-SECRET-FILE-CONTENT");
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TheoryData<string> Attacks() => ["billion laughs", "external file entity", "external network entity", "external DTD", "parameter entity"];

    private string Payload(string attack) => attack switch
    {
        "billion laughs" => """
            <?xml version="1.0"?>
            <!DOCTYPE xml [
              <!ENTITY lol "lol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <xml><ToUserName>&lol9;</ToUserName><Encrypt>&lol9;</Encrypt></xml>
            """,
        "external file entity" => $"""<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file://{_secretFile}">]><xml><ToUserName>&xxe;</ToUserName><Encrypt>&xxe;</Encrypt></xml>""",
        "external network entity" => $"""<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "http://127.0.0.1:{Port}/steal">]><xml><ToUserName>&xxe;</ToUserName><Encrypt>&xxe;</Encrypt></xml>""",
        "external DTD" => $"""<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:{Port}/evil.dtd"><xml><ToUserName>x</ToUserName><Encrypt>x</Encrypt></xml>""",
        "parameter entity" => $"""<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:{Port}/p.dtd"> %p;]><xml><Encrypt>x</Encrypt></xml>""",
        _ => throw new ArgumentOutOfRangeException(nameof(attack)),
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Envelope_Attack_RejectedFastWithoutFileOrNetworkAccess(string attack)
    {
        var crypto = OfficialVectors.Crypto();
        var body = Encoding.UTF8.GetBytes(Payload(attack));

        var elapsed = Fastest(() => Assert.Equal(CallbackFailure.MalformedXml, crypto.DecryptMessage(new string('0', 40), "1", "2", body).Failure));

        Assert.True(elapsed < TimeSpan.FromMilliseconds(5), $"{attack} took {elapsed.TotalMilliseconds:F2} ms");
        Assert.False(_listener.Pending(), "the parser opened a network connection");
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void SignedEventPayload_Attack_RejectedFastWithoutFileOrNetworkAccess(string attack)
    {
        // Even a correctly signed and encrypted message (a leaked key) cannot smuggle a DTD into the event parser.
        var crypto = OfficialVectors.Crypto();
        var (signature, envelope) = crypto.CreateCallback(Payload(attack), "1", "2", OfficialVectors.ReceiveId);
        var plaintext = crypto.DecryptMessage(signature, "1", "2", Encoding.UTF8.GetBytes(envelope)).Plaintext;

        EventParseResult result = default;
        var elapsed = Fastest(() => result = CallbackEventParser.Parse(plaintext));

        Assert.False(result.IsSuccess);
        Assert.DoesNotContain("TOP-SECRET", result.Error ?? "", StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(5), $"{attack} took {elapsed.TotalMilliseconds:F2} ms");
        Assert.False(_listener.Pending(), "the parser opened a network connection");
    }

    /// <summary>The fastest of a few runs after a warm-up, so that JIT and a busy CI core do not decide the test.</summary>
    private static TimeSpan Fastest(Action action)
    {
        action();
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        File.Delete(_secretFile);
    }
}
