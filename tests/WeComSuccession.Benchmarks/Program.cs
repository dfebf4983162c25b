using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args is ["simulator-measure", ..])
{
    await WeComSuccession.Benchmarks.SimulatorMeasure.RunAsync();
    return;
}

// BenchmarkDotNet 0.14 cannot generate a .NET 10 project of its own, so benchmarks run in-process.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(WeComSuccession.Benchmarks.SimulatorMeasure).Assembly).Run(args, config);
