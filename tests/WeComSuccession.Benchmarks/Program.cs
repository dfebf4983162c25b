using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using WeComSuccession.Benchmarks.Measure;

namespace WeComSuccession.Benchmarks;

// Not top-level statements: those would declare a second global `Program` beside the service's, which the
// `measure` modes start through WebApplicationFactory<Program>.
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["simulator-measure", ..])
        {
            await SimulatorMeasure.RunAsync();
            return 0;
        }

        if (args is ["measure", ..])
        {
            // WebApplicationFactory finds the service's content root through MvcTestingAppManifest.json in the
            // current directory, as a test runner's would be: the output directory.
            System.IO.Directory.SetCurrentDirectory(AppContext.BaseDirectory);
            return await Measurements.RunAsync(args[1..]);
        }

        // BenchmarkDotNet 0.14 cannot generate a .NET 10 project of its own, so benchmarks run in-process.
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkSwitcher.FromAssembly(typeof(SimulatorMeasure).Assembly).Run(args, config);
        return 0;
    }
}
