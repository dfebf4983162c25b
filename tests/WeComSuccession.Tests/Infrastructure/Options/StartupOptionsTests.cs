using System.Diagnostics;

namespace WeComSuccession.Tests.Infrastructure.Options;

public sealed class StartupOptionsTests
{
    /// <summary>As an operator meets it: the built service started with bad settings stops with one message naming each bad key.</summary>
    [Fact]
    public async Task Start_BadOptions_FailsWithOneMessageNamingEveryBadKey()
    {
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "WeComSuccession.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ConnectionStrings__Postgres"] = "";
        start.Environment["WeCom__CorpId"] = TestCredentials.CorpId;
        start.Environment["WeCom__AgentId"] = TestCredentials.AgentId;
        start.Environment["WeCom__Secret"] = "";
        start.Environment["WeCom__Callback__Token"] = TestCredentials.Token;
        start.Environment["WeCom__Callback__EncodingAESKey"] = new string('a', 42);
        start.Environment["Succession__Transfer__BatchSize"] = "101";
        start.Environment["Succession__Approval__Mode"] = "AboveThreshold";
        start.Environment["Succession__ReconcileInterval"] = "00:00:01";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var message = await output + await error;
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("ConnectionStrings:Postgres", message, StringComparison.Ordinal);
        Assert.Contains("WeCom:Callback:EncodingAESKey", message, StringComparison.Ordinal);
        Assert.Contains("got 42", message, StringComparison.Ordinal);
        Assert.Contains("WeCom:Secret", message, StringComparison.Ordinal);
        Assert.Contains("Succession:Transfer:BatchSize", message, StringComparison.Ordinal);
        Assert.Contains("Succession:ReconcileInterval", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Succession:Approval:Mode", message, StringComparison.Ordinal);
    }
}
