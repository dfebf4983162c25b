using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Members;
using WeComSuccession.Successions.Approvals;

namespace WeComSuccession.Dashboard;

/// <summary>A rule as the settings form posts it: lists as the form has them (tags and members separated by commas or spaces).</summary>
internal sealed class RuleForm
{
    public string? Name { get; set; }

    public bool Enabled { get; set; } = true;

    public long[] Departments { get; set; } = [];

    public int? MinCustomers { get; set; }

    public int? MaxCustomers { get; set; }

    public string? KeyTags { get; set; }

    public string[] Triggers { get; set; } = [];

    public string? Route { get; set; }

    public string? Members { get; set; }

    public int? RemindAfterHours { get; set; }

    public int? EscalateAfterHours { get; set; }

    public int? ExpireAfterHours { get; set; }

    public static RuleForm From(ApprovalRule r) => new()
    {
        Name = r.Name, Enabled = r.Enabled, Departments = r.Departments, MinCustomers = r.MinCustomers, MaxCustomers = r.MaxCustomers,
        KeyTags = string.Join("，", r.KeyTags), Triggers = r.Triggers, Route = r.Route, Members = string.Join("，", r.Members),
        RemindAfterHours = r.RemindAfterHours, EscalateAfterHours = r.EscalateAfterHours, ExpireAfterHours = r.ExpireAfterHours,
    };

    public ApprovalRuleInput ToInput() => new(
        Name, Enabled, Departments, MinCustomers, MaxCustomers, Split(KeyTags), Triggers, Route, Split(Members), RemindAfterHours, EscalateAfterHours, ExpireAfterHours);

    private static string[] Split(string? list) =>
        list is null ? [] : list.Split([',', '，', ';', '；', ' ', '\n', '\r', '\t', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// 审批规则: the rules that route a plan to its approvers, in the order they are evaluated, with the configuration's rule
/// last. Everyone with a role reads them; super admins add, edit, move and delete them (the command checks, and audits
/// every change).
/// </summary>
internal sealed class RulesModel(ApprovalRules rules, Departments departments, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    public IReadOnlyList<ApprovalRule> Rules { get; private set; } = [];

    public ApprovalRule Configured { get; private set; } = null!;

    public IReadOnlyDictionary<long, string> DepartmentNames { get; private set; } = new Dictionary<long, string>();

    public IReadOnlyList<Department> AllDepartments { get; private set; } = [];

    /// <summary>The rule being edited (from ?edit=), or null for a new one.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Edit { get; set; }

    [BindProperty]
    public RuleForm Form { get; set; } = new();

    /// <summary>Why the last save was refused, and which field.</summary>
    public (string? Field, string Message)? Problem { get; private set; }

    public bool MayEdit => Rights.Role == Audit.AdminRights.SuperAdmin;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Edit is { } id)
        {
            if (Rules.FirstOrDefault(r => r.Id == id) is not { } rule)
            {
                return NotFound();
            }

            Form = RuleForm.From(rule);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var outcome = await rules.SaveAsync(Edit, Form.ToInput(), Actor, ct);
        if (outcome.Value is { } saved)
        {
            Tell(T[Edit is null ? "Rules.Created" : "Rules.Saved", saved.Name]);
            return Redirect("/admin/rules");
        }

        if (outcome.Kind is OutcomeKind.NotAllowed)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        // Shown on the form, with what was typed kept.
        Problem = (outcome.Field, Explain(outcome));
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostMoveAsync(long id, int by, CancellationToken ct) =>
        Done(await rules.MoveAsync(id, by, Actor, ct), "Rules.Moved");

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct) =>
        Done(await rules.DeleteAsync(id, Actor, ct), "Rules.Deleted");

    /// <summary>The words for a rule's conditions, e.g. "销售中心及下级 · 客户 ≥ 20 · 含重要客户".</summary>
    public string Conditions(ApprovalRule r)
    {
        var parts = new List<string>();
        if (r.Departments.Length > 0)
        {
            parts.Add(T["Rules.InDepartments", string.Join("、", r.Departments.Select(d => DepartmentNames.GetValueOrDefault(d) ?? d.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);
        }

        if (r.MinCustomers is { } min)
        {
            parts.Add(T["Rules.MinCustomers", min]);
        }

        if (r.MaxCustomers is { } max)
        {
            parts.Add(T["Rules.MaxCustomers", max]);
        }

        if (r.MoreItemsThan is { } threshold)
        {
            parts.Add(T["Rules.MoreItemsThan", threshold]);
        }

        if (r.KeyTags.Length > 0)
        {
            parts.Add(T["Rules.HasTags", string.Join("、", r.KeyTags)]);
        }

        if (r.Triggers.Length > 0)
        {
            parts.Add(string.Join("、", r.Triggers.Select(t => (string)T["Rules.Trigger." + t])));
        }

        return parts.Count == 0 ? T["Rules.Always"] : string.Join(" · ", parts);
    }

    /// <summary>The words for a rule's timers, e.g. "4 小时提醒 · 24 小时升级 · 72 小时超时".</summary>
    public string Timers(ApprovalRule r)
    {
        var parts = new List<string>();
        if (r.RemindAfter is { } remind)
        {
            parts.Add(T["Rules.RemindAt", Hours(remind)]);
        }

        if (r.EscalateAfter is { } escalate)
        {
            parts.Add(T["Rules.EscalateAt", Hours(escalate)]);
        }

        if (r.ExpireAfter is { } expire)
        {
            parts.Add(T["Rules.ExpireAt", Hours(expire)]);
        }

        return parts.Count == 0 ? "—" : string.Join(" · ", parts);
    }

    private static string Hours(TimeSpan span) => span.TotalHours.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private IActionResult Done(Outcome<ApprovalRule> outcome, string message)
    {
        if (outcome.Kind is OutcomeKind.NotAllowed)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Tell(outcome.Value is { } rule ? T[message, rule.Name] : Explain(outcome), outcome.IsDone);
        return Redirect("/admin/rules");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await rules.ListAsync(ct);
        Configured = rules.Configured();
        AllDepartments = await departments.ListAsync(ct);
        DepartmentNames = AllDepartments.ToDictionary(d => d.Id, d => d.Name ?? d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
