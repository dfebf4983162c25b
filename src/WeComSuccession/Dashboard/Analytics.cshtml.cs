using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WeComSuccession.Dashboard.Exports;
using WeComSuccession.Successions;

namespace WeComSuccession.Dashboard;

/// <summary>
/// 数据分析 (seed 002's efficiency board): over the last N calendar months, how many left, how long their
/// handovers took (median, 90th percentile), how many customers and groups reached their successor, why the others
/// did not (by the leaver's department) and how much each successor received. Each table downloads as CSV
/// (<c>?export=months|reasons|successors</c>). A scoped admin's figures cover their departments only.
/// </summary>
internal sealed class AnalyticsModel(DepartureStatistics statistics, ServiceClock clock, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    /// <summary>The periods a reader can choose, in months.</summary>
    public static readonly int[] Periods = [3, 6, 12, 24];

    public const int DefaultMonths = 12;

    /// <summary>Successors shown on the page; the download holds more.</summary>
    public const int SuccessorsShown = 20;

    private const int SuccessorsExported = 1_000;

    private static readonly string[] Colours = ["#0082ef", "#0b8a4f", "#f0a040", "#cf2a20"];

    // The downloads' columns (resource keys Analytics.Csv.*).
    private static readonly string[] MonthKeys = ["Month", "Started", "Completed", "MedianHours", "P90Hours", "SuccessRate", "Transferred", "FinalItems"];
    private static readonly string[] ReasonKeys = ["DepartmentId", "Department", "State", "Errcode", "Reason", "Items"];
    private static readonly string[] SuccessorKeys = ["Userid", "Name", "Transferred", "InFlight", "Customers"];

    [BindProperty(SupportsGet = true)]
    public int Months { get; set; } = DefaultMonths;

    [BindProperty(SupportsGet = true)]
    public string? Export { get; set; }

    public PeriodSummary Summary { get; private set; } = new(0, 0, null, null, 0, 0);

    public IReadOnlyList<MonthRow> MonthRows { get; private set; } = [];

    public IReadOnlyList<ReasonRow> Reasons { get; private set; } = [];

    public IReadOnlyList<SuccessorLoadRow> Successors { get; private set; } = [];

    public DateTimeOffset Since { get; private set; }

    public string MonthsChart { get; private set; } = "{}";

    public bool IsEmpty => Summary.Started == 0 && Summary.Completed == 0 && Reasons.Count == 0 && Successors.Count == 0;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Periods.Contains(Months))
        {
            Months = DefaultMonths;
        }

        Since = statistics.PeriodStart(Months);
        switch (Export)
        {
            case null:
                break;
            case "months":
                return Csv("months", [.. MonthColumns()], (await statistics.MonthsAsync(Scope, Months, ct)).Select(MonthCells));
            case "reasons":
                return Csv("reasons", [.. ReasonColumns()], (await statistics.ReasonsByDepartmentAsync(Scope, Since, ct)).Select(ReasonCells));
            case "successors":
                return Csv("successors", [.. SuccessorColumns()], (await statistics.SuccessorLoadsAsync(Scope, Since, SuccessorsExported, ct)).Select(SuccessorCells));
            default:
                return NotFound();
        }

        Summary = await statistics.SummaryAsync(Scope, Since, ct);
        MonthRows = await statistics.MonthsAsync(Scope, Months, ct);
        Reasons = await statistics.ReasonsByDepartmentAsync(Scope, Since, ct);
        Successors = await statistics.SuccessorLoadsAsync(Scope, Since, SuccessorsShown, ct);
        MonthsChart = Chart();
        return Page();
    }

    public static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    public string Hours(double? hours) => hours is { } h ? Duration(TimeSpan.FromHours(h)) : "—";

    /// <summary>The department as people know it: its name, its id when the directory has no name, or "unknown".</summary>
    public string Department(ReasonRow row) =>
        row.DepartmentId is null && row.DepartmentName is null ? T["Analytics.NoDepartment"] : DepartmentName(row.DepartmentId, row.DepartmentName);

    /// <summary>Why the items did not reach a successor: WeCom's errcode in words, or the state when there is none.</summary>
    public string Reason(ReasonRow row) => ItemWords.Reason(T, row.State, row.Errcode, null) is { Length: > 0 } words ? words : T["Analytics.Reason." + row.State];

    private ExportResult Csv(string table, string[] header, IEnumerable<string?[]> rows)
    {
        var name = T["Analytics.File." + table, ChinaDate(clock.GetUtcNow()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Months];
        return new ExportResult(ExportFormat.Csv, name, $"analytics-{table}-{Months}m", name, null, async (writer, ct) =>
        {
            await writer.WriteRowAsync(header, ct);
            foreach (var row in rows)
            {
                await writer.WriteRowAsync(row, ct);
            }
        });
    }

    // Downloads carry plain numbers (hours with one decimal, rates in per cent) so that a spreadsheet can compute with them.
    private static string Decimal(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "";

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private IEnumerable<string> MonthColumns() => Header(MonthKeys);

    private string?[] MonthCells(MonthRow m) =>
        [Month(m.Month), Integer(m.Started), Integer(m.Completed), Decimal(m.MedianHours), Decimal(m.P90Hours), Decimal(m.SuccessRate * 100), Integer(m.Transferred), Integer(m.FinalItems)];

    private IEnumerable<string> ReasonColumns() => Header(ReasonKeys);

    private string?[] ReasonCells(ReasonRow r) =>
        [r.DepartmentId?.ToString(CultureInfo.InvariantCulture), Department(r), DashboardWords.ItemState(T, r.State), r.Errcode?.ToString(CultureInfo.InvariantCulture), Reason(r), Integer(r.Count)];

    private IEnumerable<string> SuccessorColumns() => Header(SuccessorKeys);

    private IEnumerable<string> Header(string[] keys) => keys.Select(c => (string)T["Analytics.Csv." + c]);

    private static string?[] SuccessorCells(SuccessorLoadRow s) =>
        [s.Takeover, s.Name, Integer(s.Transferred), Integer(s.InFlight), s.CustomerCount?.ToString(CultureInfo.InvariantCulture)];

    /// <summary>Departures begun and completed per month (bars, left axis); median and p90 time to complete in hours (lines, right axis).</summary>
    private string Chart() => JsonSerializer.Serialize(new
    {
        animation = false,
        color = Colours,
        grid = new { left = 8, right = 8, top = 40, bottom = 4, containLabel = true },
        legend = new { top = 0, left = 0 },
        tooltip = new { trigger = "axis" },
        xAxis = new { type = "category", data = MonthRows.Select(m => Month(m.Month)) },
        yAxis = new object[]
        {
            new { type = "value", minInterval = 1 },
            new { type = "value", splitLine = new { show = false }, axisLabel = new { formatter = (string)T["Analytics.Axis.Hours"] } },
        },
        series = new object[]
        {
            new { name = (string)T["Analytics.Started"], type = "bar", barMaxWidth = 18, data = MonthRows.Select(m => m.Started) },
            new { name = (string)T["Analytics.Completed"], type = "bar", barMaxWidth = 18, data = MonthRows.Select(m => m.Completed) },
            new { name = (string)T["Analytics.Median"], type = "line", yAxisIndex = 1, connectNulls = true, data = MonthRows.Select(m => Round(m.MedianHours)) },
            new { name = (string)T["Analytics.P90"], type = "line", yAxisIndex = 1, connectNulls = true, lineStyle = new { type = "dashed" }, data = MonthRows.Select(m => Round(m.P90Hours)) },
        },
    });

    private static double? Round(double? hours) => hours is { } h ? Math.Round(h, 1) : null;
}
