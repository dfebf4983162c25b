using WeComSuccession.Api;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Web;

namespace WeComSuccession.Dashboard;

/// <summary>Who may open which part of the dashboard: a role, as <see cref="PeopleRights"/> adds it to the signed-in member.</summary>
internal static class DashboardPolicies
{
    /// <summary>Read the dashboard: any role (super admin, admin, auditor).</summary>
    public const string Read = "Dashboard.Read";

    /// <summary>Change things (retry, re-assign, decide, register successors): super admins and admins.</summary>
    public const string Act = "Dashboard.Act";

    /// <summary>The whole audit log (/admin/audit): super admins and auditors. A scoped admin reads the trail of each
    /// of their departures on its page: which entries concern their departments is one look-up per entry, too slow to
    /// filter a log of millions by.</summary>
    public const string Audit = "Dashboard.Audit";

    /// <summary>Roles and settings: super admins only.</summary>
    public const string SuperAdmin = "Dashboard.SuperAdmin";

    /// <summary>The job system's own dashboard (/admin/jobs): a machine with an API key, or a signed-in super admin.</summary>
    public const string Jobs = "Dashboard.Jobs";

    /// <summary>An API key when the request carries one, else the people cookie: one challenge, not two.</summary>
    public const string PeopleOrApiKey = "PeopleOrApiKey";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder policies)
    {
        policies.AddPolicy(Read, p => p.AddAuthenticationSchemes(PeopleAuthentication.Scheme)
            .RequireRole(AdminRights.SuperAdmin, AdminRights.Admin, AdminRights.Auditor));
        policies.AddPolicy(Act, p => p.AddAuthenticationSchemes(PeopleAuthentication.Scheme)
            .RequireRole(AdminRights.SuperAdmin, AdminRights.Admin));
        policies.AddPolicy(Audit, p => p.AddAuthenticationSchemes(PeopleAuthentication.Scheme)
            .RequireRole(AdminRights.SuperAdmin, AdminRights.Auditor));
        policies.AddPolicy(SuperAdmin, p => p.AddAuthenticationSchemes(PeopleAuthentication.Scheme)
            .RequireRole(AdminRights.SuperAdmin));
        policies.AddPolicy(Jobs, p => p.AddAuthenticationSchemes(PeopleOrApiKey)
            .RequireAssertion(c => c.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName)
                || c.User.IsInRole(AdminRights.SuperAdmin)));
    }
}
