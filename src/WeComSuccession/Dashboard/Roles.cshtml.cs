using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Audit;
using WeComSuccession.Members;

namespace WeComSuccession.Dashboard;

/// <summary>
/// 权限 (super admins only): who holds which role, and granting or revoking one through <see cref="AdminRoles"/>
/// (which checks and audits). Super admins named in configuration are listed but cannot be revoked here. A change
/// takes effect on this node at once (<see cref="PeopleRights.Forget"/>) and on the others within
/// <see cref="PeopleRights.CacheFor"/>.
/// </summary>
[Authorize(Policy = DashboardPolicies.SuperAdmin)]
internal sealed class RolesModel(AdminRoles roles, MemberDirectory directory, Departments departments, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public const int MatchLimit = 20;

    /// <summary>The roles a super admin grants, most rights first.</summary>
    public static readonly string[] Grantable = [AdminRights.SuperAdmin, AdminRights.Admin, AdminRights.Auditor];

    private readonly PeopleRights _people = people;

    /// <summary>Who to look for: part of a userid or a name.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>A member whose role is being changed: found, chosen, and their role and departments ticked.</summary>
    [BindProperty(SupportsGet = true, Name = "edit")]
    public string? Edit { get; set; }

    [BindProperty(Name = "userid")]
    public string? Userid { get; set; }

    [BindProperty(Name = "role")]
    public string? ChosenRole { get; set; }

    [BindProperty(Name = "departments")]
    public long[] DepartmentIds { get; set; } = [];

    public IReadOnlyList<AdminRole> Grants { get; private set; } = [];

    public IReadOnlyList<Member> Matches { get; private set; } = [];

    /// <summary>The department tree, depth first, each with its depth (for indenting).</summary>
    public IReadOnlyList<(Department Department, int Depth)> Tree { get; private set; } = [];

    private readonly Dictionary<string, string?> _names = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<long, string?> _departmentNames = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Grants = await roles.ListAsync(ct);
        var tree = await departments.ListAsync(ct);
        _departmentNames = tree.ToDictionary(d => d.Id, d => d.Name);
        Tree = DepthFirst(tree);

        if (!string.IsNullOrWhiteSpace(Edit))
        {
            Query = Edit;
            Userid = Edit;
            if (Grants.FirstOrDefault(g => string.Equals(g.Userid, Edit, StringComparison.OrdinalIgnoreCase)) is { } current)
            {
                ChosenRole = current.Role;
                DepartmentIds = current.Departments;
            }
        }

        if (!string.IsNullOrWhiteSpace(Query))
        {
            Matches = await directory.SearchAsync(Query, MatchLimit, ct);
        }

        var userids = Grants.Select(g => g.Userid).Concat(Grants.Select(g => g.GrantedBy)).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var member in await directory.GetManyAsync(userids, ct))
        {
            _names[member.Userid] = member.Name;
        }
    }

    public async Task<IActionResult> OnPostGrantAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Userid))
        {
            Tell(T["Roles.PickMember"], success: false);
            return Redirect(Back());
        }

        var outcome = await roles.GrantAsync(Userid, ChosenRole ?? "", DepartmentIds, Actor, ct);
        if (outcome.IsDone)
        {
            var role = outcome.Value!;
            _people.Forget(role.Userid);
            var name = await NameAsync(role.Userid, ct);
            if (role.Role == AdminRights.Admin)
            {
                var known = (await departments.ListAsync(ct)).ToDictionary(d => d.Id, d => d.Name);
                Tell(T["Roles.GrantedAdmin", name, string.Join("、", role.Departments.Select(d => DepartmentName(known, d)))]);
            }
            else
            {
                Tell(T["Roles.Granted", name, T["Role." + role.Role]]);
            }

            return Redirect("/admin/roles");
        }

        Tell(outcome.Kind switch
        {
            OutcomeKind.Invalid when outcome.Field is "role" or "userid" or "departments" => T["Roles.Invalid." + outcome.Field, Userid],
            OutcomeKind.Conflict => T["Roles.Configured", Userid],
            _ => Explain(outcome),
        }, success: false);
        return Redirect(Back());
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? userid, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userid))
        {
            return Redirect("/admin/roles");
        }

        var outcome = await roles.RevokeAsync(userid, Actor, ct);
        if (outcome.IsDone)
        {
            var removed = outcome.Value!;
            _people.Forget(removed.Userid);
            Tell(T["Roles.Revoked", await NameAsync(removed.Userid, ct), T["Role." + removed.Role]]);
            return Redirect("/admin/roles");
        }

        // Both refusals are conflicts: the configured super admins are the ones ListAsync marks.
        var configured = outcome.Kind == OutcomeKind.Conflict
            && (await roles.ListAsync(ct)).Any(r => r.FromConfiguration && string.Equals(r.Userid, userid, StringComparison.OrdinalIgnoreCase));
        Tell(outcome.Kind switch
        {
            OutcomeKind.Conflict when configured => T["Roles.Configured", userid],
            OutcomeKind.Conflict => T["Roles.NotSelf"],
            OutcomeKind.NotFound => T["Roles.NoRole", userid],
            _ => Explain(outcome),
        }, success: false);
        return Redirect("/admin/roles");
    }

    /// <summary>"李娜 (lina)", or the userid when the directory has no name.</summary>
    public string Name(string userid) => DashboardWords.Person(userid, _names.GetValueOrDefault(userid));

    public string DepartmentName(long id) => DepartmentName(_departmentNames, id);

    /// <summary>The names of a member's departments.</summary>
    public string DepartmentsOf(IEnumerable<long> ids) => string.Join("、", ids.Select(DepartmentName));

    public bool IsSelf(string userid) => string.Equals(userid, Actor.Member, StringComparison.OrdinalIgnoreCase);

    private string DepartmentName(Dictionary<long, string?> known, long id) => DepartmentName(id, known.GetValueOrDefault(id));

    private async Task<string> NameAsync(string userid, CancellationToken ct) => DashboardWords.Person(userid, (await directory.GetAsync(userid, ct))?.Name);

    /// <summary>Back to the search the grant came from, the member still chosen.</summary>
    private string Back() => "/admin/roles" + (string.IsNullOrWhiteSpace(Userid) ? "" : "?edit=" + Uri.EscapeDataString(Userid));

    private static List<(Department, int)> DepthFirst(IReadOnlyList<Department> all)
    {
        var ids = all.Select(d => d.Id).ToHashSet();
        var children = all.ToLookup(d => ids.Contains(d.ParentId) && d.ParentId != d.Id ? d.ParentId : 0);
        var ordered = new List<(Department, int)>(all.Count);
        void Visit(long parent, int depth)
        {
            foreach (var d in children[parent])
            {
                ordered.Add((d, depth));
                if (depth < 32)
                {
                    Visit(d.Id, depth + 1);
                }
            }
        }

        Visit(0, 0);
        return ordered;
    }
}
