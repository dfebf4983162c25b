using WeComSuccession.Infrastructure.Options;

namespace WeComSuccession.Tests.Api;

public sealed class AdminOptionsTests
{
    [Fact]
    public void Start_ShortOrDuplicateApiKeys_FailsNamingEachKeyButNoSecret()
    {
        using var factory = new ServiceFactory("", new Dictionary<string, string?>
        {
            ["Admin:ApiKeys:0:Name"] = "crm",
            ["Admin:ApiKeys:0:Key"] = "short-secret-value",
            ["Admin:ApiKeys:1:Name"] = "crm",
            ["Admin:ApiKeys:1:Key"] = "a-long-enough-secret-value-0123",
        });

        var message = Assert.ThrowsAny<Exception>(() => factory.CreateClient()).Message;

        Assert.Contains("Admin:ApiKeys:0:Key must be at least 24 characters (got 18)", message, StringComparison.Ordinal);
        Assert.Contains("Admin:ApiKeys:1:Name 'crm' is used twice", message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret-value", message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-enough-secret-value-0123", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoKeys_IsValid()
    {
        Assert.True(new AdminOptionsValidator().Validate(null, new AdminOptions()).Succeeded);
    }

    [Fact]
    public void Validate_SameKeyTwice_Fails()
    {
        var options = new AdminOptions
        {
            ApiKeys =
            [
                new() { Name = "a", Key = "0123456789abcdefghijklmn" },
                new() { Name = "b", Key = "0123456789abcdefghijklmn" },
            ],
        };

        var result = new AdminOptionsValidator().Validate(null, options);

        Assert.Contains("Admin:ApiKeys:1:Key is the same as another key's.", result.Failures!);
    }
}
