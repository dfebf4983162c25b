namespace WeComSuccession.Workbench;

/// <summary>
/// The workbench's words (<c>WorkbenchText.resx</c>: 简体中文, the default; <c>WorkbenchText.en.resx</c>: English), read in
/// pages as <c>T["Key"]</c> through <c>IStringLocalizer&lt;WorkbenchText&gt;</c>.
/// </summary>
internal sealed class WorkbenchText;
