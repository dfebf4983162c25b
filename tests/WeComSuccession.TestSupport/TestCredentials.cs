using WeComSuccession.Simulator;

namespace WeComSuccession.TestSupport;

/// <summary>
/// The one WeCom app every test and measurement plays: the corp id, token and EncodingAESKey are the sample
/// values of WeCom's callback documentation, so a signed test callback can be checked by hand against it. The
/// service is configured with them, the simulator signs its callbacks with them, and so does
/// <see cref="CallbackSender"/>.
/// </summary>
public static class TestCredentials
{
    public const string CorpId = "ww1436e0e65a779aee";
    public const string AgentId = "1000002";
    public const string Secret = "test-secret";
    public const string Token = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo";
    public const string EncodingAesKey = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt";

    /// <summary>Where WeCom is when a test has no simulator: a closed port, so a stray call fails at once.</summary>
    public static readonly Uri NoWeCom = new("http://127.0.0.1:9");

    /// <summary>The service settings that name this app, its callback keys and where its WeCom is.</summary>
    public static Dictionary<string, string?> ServiceSettings(Uri? weComBaseUrl = null) => new()
    {
        ["WeCom:CorpId"] = CorpId,
        ["WeCom:AgentId"] = AgentId,
        ["WeCom:Secret"] = Secret,
        ["WeCom:ApiBaseUrl"] = (weComBaseUrl ?? NoWeCom).ToString(),
        ["WeCom:Callback:Token"] = Token,
        ["WeCom:Callback:EncodingAESKey"] = EncodingAesKey,
    };

    /// <summary>The simulator's side of the same app, in real time (clock factor 1), loading <paramref name="seedFile"/>.</summary>
    public static SimulatorOptions Simulator(string? seedFile) => new()
    {
        CorpId = CorpId,
        AgentId = long.Parse(AgentId, System.Globalization.CultureInfo.InvariantCulture),
        Secret = Secret,
        SeedFile = seedFile,
        ClockFactor = 1,
        Callback = { Token = Token, EncodingAESKey = EncodingAesKey },
    };
}
