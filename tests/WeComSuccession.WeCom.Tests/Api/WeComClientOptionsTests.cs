using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Tokens;

namespace WeComSuccession.WeCom.Tests.Api;

public sealed class WeComClientOptionsTests
{
    [Fact]
    public void Validate_Defaults_OnlyMissingCorpAndSecret()
    {
        var problems = new WeComClientOptions().Validate();

        Assert.Equal(["WeCom:CorpId is required.", "WeCom:Secret is required."], problems);
        Assert.Empty((new WeComClientOptions { CorpId = "ww1", Secret = "s" }).Validate());
    }

    [Fact]
    public void Validate_SeveralBadValues_ReportsEach()
    {
        var options = new WeComClientOptions
        {
            CorpId = "ww1",
            Secret = "s",
            ApiBaseUrl = new Uri("ftp://example.test"),
            PermitsPerMinute = 0,
            BusyRetryCount = 11,
            RequestTimeout = TimeSpan.Zero,
        };

        var problems = options.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("ApiBaseUrl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("PermitsPerMinute", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BusyRetryCount", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("RequestTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_OptionsAndTokenKey_DoNotShowSecret()
    {
        var options = new WeComClientOptions { CorpId = "ww1", Secret = "very-secret-value" };

        Assert.DoesNotContain("very-secret-value", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", WeComTokenKey.Create("ww1", "very-secret-value").ToString(), StringComparison.Ordinal);
        Assert.NotEqual(WeComTokenKey.Create("ww1", "a"), WeComTokenKey.Create("ww1", "b"));
        Assert.Equal(WeComTokenKey.Create("ww1", "a"), WeComTokenKey.Create("ww1", "a"));
    }
}
