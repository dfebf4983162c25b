using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Dashboard;

/// <summary>The dashboard's page for a status (403, 404, 500): what happened, and for 403 whom to ask for a role.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
internal sealed class StatusModel(AdminRoles roles, MemberDirectory directory, IStringLocalizer<DashboardText> text) : PageModel
{
    public int Code { get; private set; }

    public string Title { get; private set; } = "";

    public string Body { get; private set; } = "";

    public string? SignedInAs { get; private set; }

    public IReadOnlyList<(string Userid, string? Name)> SuperAdmins { get; private set; } = [];

    /// <summary>A failed POST (e.g. an expired form's 400) is re-executed as a POST: it gets the same page. The page
    /// changes nothing, so it needs no antiforgery token (it would fail again for the very reason it is shown).</summary>
    public Task OnPostAsync(int code) => OnGetAsync(code);

    public async Task OnGetAsync(int code)
    {
        // Re-executed for an error status: keep it (a direct visit answers the code it names).
        Code = code is 403 or 404 or 500 ? code : 400;
        Response.StatusCode = Code;
        Title = text[Code == 400 ? "Status.Other.Title" : $"Status.{Code}.Title"];
        Body = text[Code == 400 ? "Status.Other.Body" : $"Status.{Code}.Body"];
        if (Code == 403)
        {
            SignedInAs = User.Identity?.Name;
            var supers = (await roles.ListAsync(HttpContext.RequestAborted)).Where(r => r.Role == AdminRights.SuperAdmin).Select(r => r.Userid).ToList();
            var names = (await directory.GetManyAsync(supers, HttpContext.RequestAborted)).ToDictionary(m => m.Userid, m => m.Name, StringComparer.OrdinalIgnoreCase);
            SuperAdmins = [.. supers.Select(u => (u, names.GetValueOrDefault(u)))];
        }
    }
}
