using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace WeComSuccession.Simulator.Gate;

/// <summary>A fault chosen for one call.</summary>
internal enum FaultKind
{
    None,
    ErrCode,
    Http5xx,
    Drop,
    DropAfter,
}

/// <summary>A scripted answer for the next calls of one path (control API: <c>/_sim/faults/script</c>).</summary>
/// <param name="Path">The API path.</param>
/// <param name="Count">How many of the next calls get it.</param>
/// <param name="ErrCode">Answer this errcode without executing (e.g. 45009, -1, 40014).</param>
/// <param name="HttpStatus">Answer this HTTP status (e.g. 502) without executing.</param>
/// <param name="Drop">Abort the connection without executing.</param>
/// <param name="DropAfter">Execute, then abort the connection (the caller cannot know the outcome).</param>
public sealed record ScriptedFault(string Path, int Count = 1, int? ErrCode = null, int? HttpStatus = null, bool Drop = false, bool DropAfter = false);

/// <summary>
/// Per-corp, per-API limits and injected faults. Rate windows are real minutes (a window opens with its
/// first call and lasts 60 s); the concurrency cap counts calls in progress, latency included.
/// </summary>
internal sealed class ApiGate(SimulatorOptions options, TimeProvider real)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (long Start, int Count)> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<int>> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<ScriptedFault>> _scripts = new(StringComparer.Ordinal);
    private readonly Random _random = new(options.Seed ^ 0x0FA17);

    /// <summary>True when this call is within the per-minute limit (and counts it).</summary>
    public bool TryCountCall(string path)
    {
        var limit = options.RateLimits.PerApi.TryGetValue(path, out var l) ? l : options.RateLimits.PerMinute;
        var now = real.GetTimestamp();
        lock (_sync)
        {
            if (!_windows.TryGetValue(path, out var w) || real.GetElapsedTime(w.Start, now) >= TimeSpan.FromMinutes(1))
            {
                w = (now, 0);
            }

            if (w.Count >= limit)
            {
                _windows[path] = w;
                return false;
            }

            _windows[path] = (w.Start, w.Count + 1);
            return true;
        }
    }

    /// <summary>Forgets every rate window (control API).</summary>
    public void ResetRateWindows()
    {
        lock (_sync)
        {
            _windows.Clear();
        }
    }

    /// <summary>Enters the concurrency cap; false = 45033. Call <see cref="Leave"/> after a true.</summary>
    public bool TryEnter(string path)
    {
        var cap = options.RateLimits.ConcurrencyPerApi.TryGetValue(path, out var c) ? c : options.RateLimits.Concurrency;
        var counter = _inFlight.GetOrAdd(path, _ => new StrongBox<int>());
        var now = Interlocked.Increment(ref counter.Value);
        if (cap > 0 && now > cap)
        {
            Interlocked.Decrement(ref counter.Value);
            return false;
        }

        return true;
    }

    public void Leave(string path) => Interlocked.Decrement(ref _inFlight[path].Value);

    public void AddScript(ScriptedFault fault)
    {
        lock (_sync)
        {
            if (!_scripts.TryGetValue(fault.Path, out var queue))
            {
                _scripts[fault.Path] = queue = new Queue<ScriptedFault>();
            }

            queue.Enqueue(fault);
        }
    }

    public void ClearScripts()
    {
        lock (_sync)
        {
            _scripts.Clear();
        }
    }

    /// <summary>The scripted fault for this call, if one is queued for its path.</summary>
    public ScriptedFault? TakeScript(string path)
    {
        lock (_sync)
        {
            if (!_scripts.TryGetValue(path, out var queue) || queue.Count == 0)
            {
                return null;
            }

            var head = queue.Peek();
            if (head.Count <= 1)
            {
                queue.Dequeue();
            }
            else
            {
                queue.Dequeue();
                var rest = new Queue<ScriptedFault>([head with { Count = head.Count - 1 }, .. queue]);
                _scripts[path] = rest;
            }

            return head;
        }
    }

    /// <summary>The random fault for this call, drawn from the seed.</summary>
    public FaultKind DrawFault(string path)
    {
        var f = options.Faults;
        if (f.ErrorRate <= 0 && f.ServerErrorRate <= 0 && f.DropRate <= 0 && f.DropAfterRate <= 0)
        {
            return FaultKind.None;
        }

        if (f.Paths.Count > 0 && !f.Paths.Contains(path, StringComparer.Ordinal))
        {
            return FaultKind.None;
        }

        double roll;
        lock (_sync)
        {
            roll = _random.NextDouble();
        }

        if ((roll -= f.DropRate) < 0)
        {
            return FaultKind.Drop;
        }

        if ((roll -= f.ServerErrorRate) < 0)
        {
            return FaultKind.Http5xx;
        }

        if ((roll -= f.ErrorRate) < 0)
        {
            return FaultKind.ErrCode;
        }

        return roll - f.DropAfterRate < 0 ? FaultKind.DropAfter : FaultKind.None;
    }

    public TimeSpan Latency(string path) =>
        options.Faults.LatencyMs > 0 && (options.Faults.Paths.Count == 0 || options.Faults.Paths.Contains(path, StringComparer.Ordinal))
            ? TimeSpan.FromMilliseconds(options.Faults.LatencyMs)
            : TimeSpan.Zero;
}
