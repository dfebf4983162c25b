using System.Reflection;
using Microsoft.Extensions.Configuration;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Api;

namespace WeComSuccession.Tests.Infrastructure.Options;

public sealed class SampleSettingsTests
{
    private static readonly string SamplePath = RepositoryPaths.Under("appsettings.sample.json");

    [Theory]
    [InlineData(typeof(DatabaseOptions), DatabaseOptions.Section)]
    [InlineData(typeof(WeComOptions), WeComOptions.Section)]
    [InlineData(typeof(WeComClientOptions), WeComOptions.Section)]
    [InlineData(typeof(SuccessionOptions), SuccessionOptions.Section)]
    [InlineData(typeof(AdminOptions), AdminOptions.Section)]
    [InlineData(typeof(JobOptions), JobOptions.Section)]
    public void Sample_EveryOptionsProperty_HasAKey(Type optionsType, string section)
    {
        var sample = new ConfigurationBuilder().AddJsonFile(SamplePath).Build();

        var missing = Keys(optionsType, section).Where(key => !sample.GetSection(key).Exists()).ToList();

        Assert.True(missing.Count == 0, "appsettings.sample.json lacks: " + string.Join(", ", missing));
    }

    [Fact]
    public void Sample_HoldsNoRealSecret()
    {
        var sample = new ConfigurationBuilder().AddJsonFile(SamplePath).Build();
        Assert.StartsWith("<", sample["WeCom:Secret"], StringComparison.Ordinal);
        Assert.StartsWith("<", sample["WeCom:Callback:EncodingAESKey"], StringComparison.Ordinal);
        Assert.Contains("<from-environment>", sample["ConnectionStrings:Postgres"], StringComparison.Ordinal);
        Assert.StartsWith("<", sample["Admin:ApiKeys:0:Key"], StringComparison.Ordinal);
    }

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var t = property.PropertyType;
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
            {
                // A list is documented by one example element.
                foreach (var nested in Keys(t.GetGenericArguments()[0], key + ":0"))
                {
                    yield return nested;
                }
            }
            else if (t.IsClass && t != typeof(string) && t != typeof(Uri))
            {
                foreach (var nested in Keys(t, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }
}
