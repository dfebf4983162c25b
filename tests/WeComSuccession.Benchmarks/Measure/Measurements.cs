using System.Globalization;

namespace WeComSuccession.Benchmarks.Measure;

/// <summary>
/// <c>dotnet run -c Release --project tests/WeComSuccession.Benchmarks -- measure &lt;name&gt; [--key value ...]</c>:
/// measurements of the whole system (a fresh database on <c>ConnectionStrings__Postgres</c>, the simulator, the
/// service), each printing its figures. Not tests: nothing here passes or fails; REPORT.md records the figures.
/// </summary>
internal static class Measurements
{
    private static readonly Dictionary<string, (string What, Func<MeasureArgs, Task> Run)> All = new(StringComparer.Ordinal)
    {
        ["departure-calls"] = ("WeCom calls of one 10,000-customer departure, per API, against the minimum", DepartureCallsMeasure.RunAsync),
        ["callback-throughput"] = ("POST /wecom/callback on the built service (Release, own process), 4 connections", CallbackThroughputMeasure.RunAsync),
        ["callback-latency"] = ("delete_user callback → first transfer_customer call, per departure", CallbackLatencyMeasure.RunAsync),
        ["idle-db"] = ("database transactions and statements of idle nodes (--nodes 1 or 2)", IdleDatabaseMeasure.RunAsync),
        ["test-database"] = ("a test's database: empty + migrations, against a copy of the migrated template", TestDatabaseMeasure.RunAsync),
        ["recovery"] = ("SIGKILL of the node running a succession step → the step running again on the other node", RecoveryMeasure.RunAsync),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !All.TryGetValue(args[0], out var measure))
        {
            Console.Error.WriteLine("usage: measure <name> [--key value ...]; names:");
            foreach (var (name, (what, _)) in All)
            {
                Console.Error.WriteLine($"  {name,-20} {what}");
            }

            return 2;
        }

        var options = MeasureArgs.Parse(args[1..]);
        Report.Line($"measure {args[0]}: {measure.What}");
        Report.Line($"started {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC; {Environment.ProcessorCount} cores; load average {Report.LoadAverage()}");
        await measure.Run(options);
        Report.Line($"finished; load average {Report.LoadAverage()}");
        return 0;
    }
}

/// <summary><c>--key value</c> pairs after the measure's name.</summary>
internal sealed class MeasureArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static MeasureArgs Parse(string[] args)
    {
        var parsed = new MeasureArgs();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            parsed._values[args[i].TrimStart('-')] = args[i + 1];
        }

        return parsed;
    }

    public int Int(string key, int fallback) => _values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string key, double fallback) => _values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Figures go to stdout (the service's own logs go to stderr). The build is culture-invariant.</summary>
internal static class Report
{
    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>The machine is shared: every run says how busy it was.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
