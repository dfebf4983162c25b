using System.Text.Json;
using Microsoft.Extensions.Localization;
using WeComSuccession.Successions;

namespace WeComSuccession.Dashboard;

/// <summary>概览: what is open, what waits and for how long, what needs a person, and how the last 30 days went.</summary>
internal sealed class OverviewModel(DepartureStatistics statistics, ServiceClock clock, PeopleRights people, IStringLocalizer<DashboardText> text)
    : DashboardPage(people, text)
{
    private static readonly string[] TrendStates = [ItemState.Transferred, ItemState.Refused, ItemState.Failed];

    /// <summary>One colour per item state in both charts, the state badges' (admin.css): green done, red failed, ...</summary>
    private static string ColourOf(string state) => state switch
    {
        ItemState.Transferred => "#0b8a4f",
        ItemState.Refused => "#f0a040",
        ItemState.Failed => "#cf2a20",
        ItemState.Manual => "#6240d8",
        ItemState.Waiting => "#0082ef",
        _ => "#8a94a6",
    };
    private static readonly string[] Ring = ["48%", "70%"];
    private static readonly string[] RingCentre = ["50%", "42%"];

    public Overview Figures { get; private set; } = null!;

    public DateTimeOffset Now { get; private set; }

    public string TrendChart { get; private set; } = "{}";

    public string StatesChart { get; private set; } = "{}";

    public bool IsEmpty => Figures.OpenDepartures == 0 && Figures.CompletedLast30Days == 0 && Figures.NeedingAction == 0 && Figures.FinalItemsPerDay.Count == 0;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Figures = await statistics.OverviewAsync(Scope, ct);
        TrendChart = Trend();
        StatesChart = States();
    }

    private string Trend()
    {
        var today = ChinaDate(Now);
        var days = Enumerable.Range(0, 14).Select(i => today.AddDays(i - 13)).ToList();
        long Count(DateOnly day, string state) => Figures.FinalItemsPerDay.Where(d => d.Day == day && d.State == state).Sum(d => d.Count);
        return JsonSerializer.Serialize(new
        {
            animation = false,
            color = TrendStates.Select(ColourOf),
            grid = new { left = 8, right = 16, top = 36, bottom = 4, containLabel = true },
            legend = new { top = 0, left = 0 },
            tooltip = new { trigger = "axis" },
            xAxis = new { type = "category", data = days.Select(d => d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture)) },
            yAxis = new { type = "value", minInterval = 1 },
            series = TrendStates.Select(s => new { name = (string)T["State." + s], type = "bar", stack = "r", barMaxWidth = 22, data = days.Select(d => Count(d, s)) }),
        });
    }

    private string States()
    {
        var total = Figures.OpenItemStates.Sum(s => s.Count);
        return JsonSerializer.Serialize(new
        {
            animation = false,
            tooltip = new { trigger = "item" },
            title = new { text = total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), left = "center", top = "36%", textStyle = new { fontSize = 22, fontWeight = 600 } },
            legend = new { bottom = 0, icon = "circle", itemGap = 12 },
            series = new[]
            {
                new
                {
                    type = "pie", radius = Ring, center = RingCentre, label = new { show = false },
                    itemStyle = new { borderColor = "#fff", borderWidth = 2 },
                    data = Figures.OpenItemStates.Select(s => new { name = (string)T["State." + s.State], value = s.Count, itemStyle = new { color = ColourOf(s.State) } }),
                },
            },
        });
    }
}
