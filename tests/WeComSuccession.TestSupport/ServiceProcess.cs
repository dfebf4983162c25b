using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace WeComSuccession.TestSupport;

/// <summary>
/// The service as its own OS process (<c>dotnet WeComSuccession.dll</c>), so that a test can kill it the hard
/// way (<see cref="KillAsync"/> sends SIGKILL, so no finally block, no graceful Hangfire shutdown, no flushed
/// anything) and a measurement does not share its process with the load. By default it runs the
/// <c>WeComSuccession.dll</c> that the build puts, with its runtimeconfig and deps, beside an assembly that
/// references the service, with an empty directory as content root, so that no appsettings file of another
/// project (the simulator's sits in the same output folder) is read. Given <c>serviceDirectory</c> (the service's
/// own build output), it runs the dll there with that directory as content root, its appsettings.json included.
/// Configuration goes in as environment variables.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 400;

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _dll;
    private readonly string _contentRoot;
    private readonly string? _temporaryContentRoot;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly StreamWriter? _log;
    private readonly Lock _logLock = new();
    private bool _logClosed;
    private Process? _process;
    private int _runs;

    /// <param name="settings">Configuration keys in <c>Section:Key</c> form.</param>
    /// <param name="port">The loopback port to listen on.</param>
    /// <param name="serviceDirectory">A build output of the service to run, as its own content root; null: the dll beside this assembly.</param>
    /// <param name="logFile">A file that gets every line the service writes (all runs), besides the last lines kept for <see cref="Tail"/>.</param>
    public ServiceProcess(IReadOnlyDictionary<string, string?> settings, int port, string? serviceDirectory = null, string? logFile = null)
    {
        _settings = settings;
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        if (serviceDirectory is null)
        {
            _dll = ServiceDll;
            _contentRoot = _temporaryContentRoot = System.IO.Directory.CreateTempSubdirectory("wcs-service-").FullName;
        }
        else
        {
            _dll = Path.Combine(serviceDirectory, "WeComSuccession.dll");
            _contentRoot = serviceDirectory;
        }

        _log = logFile is null ? null : new StreamWriter(logFile);
    }

    /// <summary>The service beside this assembly.</summary>
    public static string ServiceDll { get; } = Path.Combine(AppContext.BaseDirectory, "WeComSuccession.dll");

    public Uri BaseUrl { get; }

    /// <summary>Starts so far, including the running one.</summary>
    public int Runs => _runs;

    /// <summary>Starts the process and waits until <c>/healthz</c> answers 200.</summary>
    /// <returns>How long the start took.</returns>
    public async Task<TimeSpan> StartAsync(TimeSpan healthyWithin, CancellationToken ct)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("The service is already running.");
        }

        if (!File.Exists(_dll) || !File.Exists(Path.ChangeExtension(_dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{_dll} (with its runtimeconfig.json) is not there; a project that runs the service beside itself must reference it.");
        }

        var run = ++_runs;
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _contentRoot,
        };
        foreach (var arg in (string[])[_dll, "--urls", BaseUrl.ToString().TrimEnd('/'), "--contentRoot", _contentRoot])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in _settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var watch = Stopwatch.StartNew();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(run, e.Data);
        process.ErrorDataReceived += (_, e) => Record(run, e.Data);
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {process.ExitCode} while starting:\n{Tail(40)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode)
                {
                    return watch.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // the 2 s client timeout: still starting
            }

            if (watch.Elapsed > healthyWithin)
            {
                throw new TimeoutException($"The service was not healthy within {healthyWithin.TotalSeconds:F0} s:\n{Tail(40)}");
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>SIGKILL (on Linux <see cref="Process.Kill(bool)"/> sends it), then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it had exited already
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(wait.Token);
        process.Dispose();
    }

    /// <summary>The last lines the service wrote (every run, each line tagged with its run).</summary>
    public string Tail(int lines) => string.Join('\n', _output.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        lock (_logLock)
        {
            _logClosed = true;
            _log?.Dispose();
        }

        if (_temporaryContentRoot is null)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(_temporaryContentRoot, recursive: true);
        }
        catch (IOException)
        {
            // a temp directory left behind is harmless
        }
    }

    private void Record(int run, string? line)
    {
        if (line is null)
        {
            return;
        }

        var tagged = $"[run {run.ToString(CultureInfo.InvariantCulture)}] {line}";
        if (_log is not null)
        {
            lock (_logLock)
            {
                if (!_logClosed)
                {
                    _log.WriteLine(tagged);
                }
            }
        }

        _output.Enqueue(tagged);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>The <c>dotnet</c> that runs these tests (the SDK sets DOTNET_HOST_PATH), else the one beside the runtime.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var beside = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(beside) ? beside : "dotnet";
    }
}
