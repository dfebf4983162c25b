using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WeComSuccession.Simulator.Callbacks;
using WeComSuccession.Simulator.Clock;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Gate;
using WeComSuccession.Simulator.Ledger;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Simulator.Engine;

/// <summary>
/// The simulated corp and every WeCom rule the simulator reproduces. The HTTP layer (<c>/cgi-bin</c>,
/// OAuth, <c>/_sim</c>) calls into it; tests may call its control methods directly. One lock guards the
/// corp: every API call is short, so one lock per corp is fast enough and keeps the rules simple.
/// </summary>
public sealed partial class WeComSimulator : IAsyncDisposable
{
    private const long Day = 86_400;

    private readonly Lock _sync = new();
    private readonly CorpState _corp;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    /// <summary>Builds the corp from the options (corp file or generator) and starts the background pump.</summary>
    public WeComSimulator(SimulatorOptions options, TimeProvider? realTime = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid simulator options: " + string.Join(" ", errors), nameof(options));
        }

        Options = options;
        RealTime = realTime ?? TimeProvider.System;
        Clock = new SimClock(RealTime, options.StartTime ?? RealTime.GetUtcNow(), options.ClockFactor);
        _random = new Random(options.Seed);
        var now = Clock.UnixSeconds;
        _corp = options.Generator.Members > 0
            ? CorpBuilder.Generate(options.Generator, now)
            : CorpBuilder.FromSeed(CorpSeed.Load(ResolveSeedFile(options.SeedFile!)), now);
        Ledger = new SimLedger(options.LedgerCapacity);
        Gate = new ApiGate(options, RealTime);
        Callbacks = new CallbackDispatcher(options, Clock, RealTime, logger ?? NullLogger.Instance);
        Clock.Advanced += (_, _) => Pump();
        _pump = Task.Run(PumpLoopAsync);
    }

    /// <summary>The options in force; the control API changes some of them at run time.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>Simulated time.</summary>
    public SimClock Clock { get; }

    /// <summary>Real time (rate windows, latency, callback timeouts).</summary>
    public TimeProvider RealTime { get; }

    internal SimLedger Ledger { get; }

    internal ApiGate Gate { get; }

    internal CallbackDispatcher Callbacks { get; }

    /// <summary>Simulated now, unix seconds.</summary>
    public long Now => Clock.UnixSeconds;

    /// <summary>Moves simulated time forward and runs whatever became due (takeovers, refusals, group inheritance).</summary>
    public DateTimeOffset AdvanceClock(TimeSpan by) => Clock.Advance(by);

    /// <summary>Completes when every queued callback has been delivered, has failed or was dropped.</summary>
    public Task WaitForCallbacksAsync(CancellationToken cancellationToken = default) => Callbacks.WaitIdleAsync(cancellationToken);

    /// <summary>Every callback and its attempts.</summary>
    public IReadOnlyList<CallbackDelivery> CallbackDeliveries() => Callbacks.Deliveries();

    /// <summary>Runs WeCom's URL verification against the configured callback URL.</summary>
    public Task<UrlVerificationResult> VerifyCallbackUrlAsync(CancellationToken cancellationToken = default) => Callbacks.VerifyUrlAsync(cancellationToken);

    /// <summary>Every API call recorded (up to the ledger capacity).</summary>
    public IReadOnlyList<ApiCallRecord> ApiCalls(string? path = null) => Ledger.Calls(path);

    /// <summary>Calls per path and errcode (never capped).</summary>
    public IReadOnlyList<ApiCallCount> ApiCallCounts() => Ledger.Counts();

    /// <summary>Every app message received.</summary>
    public IReadOnlyList<SentMessage> Messages() => Ledger.Messages();

    /// <summary>Queues a scripted answer for the next calls of one path.</summary>
    public void ScriptFault(ScriptedFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Gate.AddScript(fault);
    }

    /// <summary>Forgets every scripted fault.</summary>
    public void ClearScriptedFaults() => Gate.ClearScripts();

    /// <summary>Forgets the per-minute windows, so that a changed limit applies from a clean slate.</summary>
    public void ResetRateWindows() => Gate.ResetRateWindows();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        await Callbacks.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Completes everything that is due by simulated now.</summary>
    public void Pump()
    {
        lock (_sync)
        {
            PumpLocked(Now);
        }
    }

    internal static WeComErrorResponse Error(int code, string? detail = null) => new() { ErrCode = code, ErrMsg = ErrMsg(code, detail) };

    internal static string ErrMsg(int code, string? detail = null)
    {
        if (code == 0)
        {
            return "ok";
        }

        var text = WeComErrorCodes.All.TryGetValue(code, out var info) ? info.Description : code switch
        {
            40050 => "chatid不存在 / chatid does not exist",
            40058 => "不合法的参数 / invalid parameter",
            41009 => "缺少userid参数 / userid missing",
            41008 => "缺少auth code参数 / code missing",
            41002 => "缺少corpid参数 / corpid missing",
            41004 => "缺少secret参数 / secret missing",
            40056 => "不合法的agentid / invalid agentid",
            40008 => "不合法的消息类型 / invalid msgtype",
            47001 => "数据格式错误 / data format error",
            60123 => "无效的部门id / invalid department id",
            _ => "error",
        };
        var english = text.Contains(" / ", StringComparison.Ordinal) ? text[(text.IndexOf(" / ", StringComparison.Ordinal) + 3)..] : text;
        var hint = detail is null ? "" : ": " + detail;
        return string.Create(CultureInfo.InvariantCulture, $"{english}{hint}, hint: [sim], more info at https://open.work.weixin.qq.com/devtool/query?e={code}");
    }

    internal static string EncodeCursor(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    internal static string? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string ResolveSeedFile(string path) =>
        Path.IsPathRooted(path) || File.Exists(path) ? path : Path.Combine(AppContext.BaseDirectory, path);

    private bool IsResigned(Member m) => m.Deleted || (Options.Switches.ResignedAcceptsDisabled && m.Status is 2 or 5);

    private int CustomerLimit(Member m) => m.CustomerLimit ?? Options.DefaultCustomerLimit;

    /// <summary>Natural day in China time (UTC+8), as WeCom counts "per day".</summary>
    private static long ChinaDay(long unix) => (unix + (8 * 3600)) / Day;

    /// <summary>Why a member cannot take customers or groups over (0 = can): 40003 unknown or deleted, 60111 not active, 84074 no 客户联系, 40098 not real-name verified.</summary>
    private int TakeoverProblem(string? userId, out Member? member)
    {
        member = null;
        if (string.IsNullOrEmpty(userId))
        {
            return 41009;
        }

        if (!_corp.Members.TryGetValue(userId, out member) || member.Deleted)
        {
            return 40003;
        }

        if (member.Status != 1)
        {
            return 60111;
        }

        if (!member.CustomerContact)
        {
            return 84074;
        }

        return member.RealNameVerified ? 0 : 40098;
    }

    private async Task PumpLoopAsync()
    {
        using var timer = new PeriodicTimer(Options.PumpInterval, RealTime);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            Pump();
        }
    }

    private void PumpLocked(long now)
    {
        while (_due.TryPeek(out var record, out var at) && at <= now)
        {
            _due.Dequeue();
            if (record.Status == TransferStatusWaiting)
            {
                Resolve(record, at);
            }
        }

        while (_groupDue.TryPeek(out var group, out var at) && at <= now)
        {
            _groupDue.Dequeue();
            CompleteGroupInheritance(group);
        }
    }
}
