namespace WeComSuccession.Dashboard;

/// <summary>
/// The dashboard's words (<c>DashboardText.resx</c>: 简体中文, the default; <c>DashboardText.en.resx</c>: English),
/// read in pages as <c>T["Key"]</c> through <c>IStringLocalizer&lt;DashboardText&gt;</c>.
/// </summary>
internal sealed class DashboardText;
