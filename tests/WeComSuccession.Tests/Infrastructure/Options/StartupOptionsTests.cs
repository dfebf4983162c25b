using WeComSuccession.Tests.TestSupport;

namespace WeComSuccession.Tests.Infrastructure.Options;

public sealed class StartupOptionsTests
{
    [Fact]
    public void Start_BadOptions_FailsWithOneMessageNamingEveryBadKey()
    {
        using var factory = new ServiceFactory("", new Dictionary<string, string?>
        {
            ["WeCom:Callback:EncodingAESKey"] = new string('a', 42),
            ["WeCom:Secret"] = "",
            ["Succession:Transfer:BatchSize"] = "101",
            ["Succession:Approval:Mode"] = "AboveThreshold",
            ["Succession:ReconcileInterval"] = "00:00:01",
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = error.Message;
        Assert.Contains("ConnectionStrings:Postgres", message, StringComparison.Ordinal);
        Assert.Contains("WeCom:Callback:EncodingAESKey", message, StringComparison.Ordinal);
        Assert.Contains("got 42", message, StringComparison.Ordinal);
        Assert.Contains("WeCom:Secret", message, StringComparison.Ordinal);
        Assert.Contains("Succession:Transfer:BatchSize", message, StringComparison.Ordinal);
        Assert.Contains("Succession:ReconcileInterval", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Succession:Approval:Mode", message, StringComparison.Ordinal);
    }
}
