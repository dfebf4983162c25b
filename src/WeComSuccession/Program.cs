using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using WeComSuccession.Api;
using WeComSuccession.Audit;
using WeComSuccession.Callbacks;
using WeComSuccession.Directory;
using WeComSuccession.Infrastructure.Db;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Successions;
using WeComSuccession.Transfers;

// One departure flows top-down: options → database → (callbacks → directory → successions → transfers
// → results → notifications → audit → dashboard), each feature adding itself here in that order.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceOptions();
builder.AddDatabase();
builder.AddJobs();
builder.AddWeComApi();
builder.AddCallbacks();
builder.AddDirectory();
builder.AddSuccessions();
builder.AddTransfers();
builder.AddAudit();
builder.AddAdminApi();
builder.Services.AddSingleton(ServiceClock.Real);

var app = builder.Build();
app.UseStaticFiles(); // wwwroot: css/js we write, lib/ from npm (FrontEnd.targets)
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
app.MapCallbacks();
app.MapAdminApi();
app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
