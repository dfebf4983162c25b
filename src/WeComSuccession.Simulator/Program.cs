using WeComSuccession.Simulator;

// Standalone: `dotnet run --project src/WeComSuccession.Simulator -- --urls http://127.0.0.1:5081`.
// Settings come from appsettings.json and Simulator__... environment variables.
var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();
var app = SimulatorHost.Build(builder, options, TimeProvider.System);
app.Run();
