namespace WeComSuccession.Simulator;

/// <summary>
/// Standalone: <c>dotnet run --project src/WeComSuccession.Simulator -- --urls http://127.0.0.1:5081</c>.
/// Settings come from appsettings.json and <c>Simulator__...</c> environment variables. An explicit, namespaced
/// entry point: top-level statements would make a public global <c>Program</c> that clashes with the service's
/// in projects (tests) that reference both.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();
        var app = SimulatorHost.Build(builder, options, TimeProvider.System);
        app.Run();
    }
}
