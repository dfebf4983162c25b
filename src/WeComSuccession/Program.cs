using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using WeComSuccession.Api;
using WeComSuccession.Audit;
using WeComSuccession.Callbacks;
using WeComSuccession.Dashboard;
using WeComSuccession.Infrastructure.Db;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Infrastructure.Web;
using WeComSuccession.Members;
using WeComSuccession.Notifications;
using WeComSuccession.Successions;
using WeComSuccession.Transfers;
using WeComSuccession.Workbench;

// The infrastructure every feature stands on, then one departure top-down: callbacks → members → successions
// (plan, approve) → transfers (send, track) → notifications, with the audit log beside them all; then the doors
// people and machines use.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(ServiceClock.Real);
builder.AddServiceOptions();
builder.AddWebHardening();
builder.AddDatabase();
builder.AddPeopleAuthentication(); // after the database: its keys live there, read at start
builder.AddJobs();
builder.AddWeComApi();
builder.AddAudit();

builder.AddCallbacks();
builder.AddMembers();
builder.AddSuccessions();
builder.AddTransfers();
builder.AddNotifications();

builder.AddAdminApi();
builder.AddDashboard();
builder.AddWorkbench();

var app = builder.Build();
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
app.MapCallbacks();
app.MapAdminApi();
app.MapDashboard();
app.MapWorkbench();
app.MapJobsDashboard(DashboardPolicies.Jobs);
app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
