namespace WeComSuccession.Simulator;

/// <summary>
/// Everything the simulator can be told at start (configuration section <c>Simulator</c>, environment
/// <c>Simulator__...</c>). Most of it can also be changed at run time through the control API.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Simulator";

    /// <summary>The corp id (企业ID); also the callback receive id.</summary>
    public string CorpId { get; set; } = "wwdemo0000000000";

    /// <summary>The self-built app's agent id.</summary>
    public long AgentId { get; set; } = 1000002;

    /// <summary>The app secret that gettoken accepts.</summary>
    public string Secret { get; set; } = "demo-secret";

    /// <summary>Simulated seconds per real second (1 = real time; 3600 = one real second is one simulated hour).</summary>
    public double ClockFactor { get; set; } = 1;

    /// <summary>The simulated time at start; null = the real time at start.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Seed for every random choice (faults, refusals, tokens, codes): same seed, same run.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Corp file to load (relative to the app directory or absolute); ignored when <see cref="Generator"/> has members.</summary>
    public string? SeedFile { get; set; } = "demo-corp.json";

    /// <summary>Deterministic generator for large corps; used when <see cref="CorpGeneratorOptions.Members"/> &gt; 0.</summary>
    public CorpGeneratorOptions Generator { get; set; } = new();

    /// <summary>Lifetime of an access token in simulated time (gettoken's expires_in).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How long a template card's response_code (send-time or click-time) can update the card, simulated time. WeCom's
    /// doc says 72 h (updated 2025-07-24); older copies say 24 h (REFERENCE §7.3, UNCERTAIN).
    /// </summary>
    public TimeSpan ResponseCodeLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Hosts a sign-in redirect_uri may point at (WeCom: the app's 可信域名, else 50001); empty = any host.</summary>
    public List<string> TrustedRedirectHosts { get; init; } = [];

    /// <summary>Simulated delay from a customer transfer call to the automatic takeover (WeCom: 24 h).</summary>
    public TimeSpan TakeoverDelay { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Share of transferred customers who refuse (0..1), chosen deterministically from the seed.</summary>
    public double RefusalRate { get; set; }

    /// <summary>Simulated delay from the transfer call to a refusal (the customer taps 暂不添加).</summary>
    public TimeSpan RefusalDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Simulated delay of a resigned group transfer (status 2 离职继承中 meanwhile; 0 = immediate). WeCom does not document it.</summary>
    public TimeSpan GroupTakeoverDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Customer limit of members that do not set their own.</summary>
    public int DefaultCustomerLimit { get; set; } = 20_000;

    /// <summary>Groups of one old owner that may be assigned per simulated natural day (UTC+8).</summary>
    public int GroupsPerOwnerPerDay { get; set; } = 300;

    /// <summary>The per-group errcode once <see cref="GroupsPerOwnerPerDay"/> is used up (WeCom documents no code).</summary>
    public int GroupDailyLimitErrCode { get; set; } = 45009;

    /// <summary>On-job transfers of one customer (or group) allowed per 90 simulated days.</summary>
    public int OnJobTransfersPer90Days { get; set; } = 2;

    /// <summary>Per-API rate and concurrency limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Injected faults.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Behaviours WeCom's documentation leaves open.</summary>
    public SwitchOptions Switches { get; set; } = new();

    /// <summary>Where and how callbacks are pushed.</summary>
    public CallbackOptions Callback { get; set; } = new();

    /// <summary>Most API calls kept in the ledger (counts are kept beyond it).</summary>
    public int LedgerCapacity { get; set; } = 1_000_000;

    /// <summary>Interval of the background pump that completes due transfers (real time).</summary>
    public TimeSpan PumpInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(CorpId))
        {
            errors.Add("Simulator:CorpId is empty.");
        }

        if (string.IsNullOrEmpty(Secret))
        {
            errors.Add("Simulator:Secret is empty.");
        }

        if (ClockFactor is <= 0 or > 1_000_000)
        {
            errors.Add("Simulator:ClockFactor must be in (0, 1000000].");
        }

        if (ResponseCodeLifetime <= TimeSpan.Zero)
        {
            errors.Add("Simulator:ResponseCodeLifetime must be positive.");
        }

        if (RefusalRate is < 0 or > 1)
        {
            errors.Add("Simulator:RefusalRate must be in [0, 1].");
        }

        if (!WeCom.Callbacks.WeComCallbackCrypto.IsValidEncodingAesKey(Callback.EncodingAESKey))
        {
            errors.Add("Simulator:Callback:EncodingAESKey must be 43 letters or digits.");
        }

        if (string.IsNullOrEmpty(Callback.Token))
        {
            errors.Add("Simulator:Callback:Token is empty.");
        }

        if (Callback.MaxRetries < 0 || Callback.Parallelism < 1)
        {
            errors.Add("Simulator:Callback:MaxRetries must be >= 0 and Parallelism >= 1.");
        }

        if (Generator.Members < 0 || Generator.CustomersPerMember < 0 || Generator.GroupsPerMember < 0)
        {
            errors.Add("Simulator:Generator counts must be >= 0.");
        }

        if (Generator.KeyCustomerRate is < 0 or > 1 || Generator.SourceTagRate is < 0 or > 1 || Generator.DepartmentsPerRegion < 0)
        {
            errors.Add("Simulator:Generator:KeyCustomerRate and SourceTagRate must be in [0, 1], DepartmentsPerRegion >= 0.");
        }

        if (Generator.Members == 0 && string.IsNullOrEmpty(SeedFile))
        {
            errors.Add("Simulator:SeedFile or Simulator:Generator:Members is required.");
        }

        return errors;
    }
}

/// <summary>The deterministic corp generator's knobs.</summary>
public sealed class CorpGeneratorOptions
{
    /// <summary>Members to generate; 0 = load <see cref="SimulatorOptions.SeedFile"/> instead.</summary>
    public int Members { get; set; }

    /// <summary>Customers each member follows.</summary>
    public int CustomersPerMember { get; set; } = 100;

    /// <summary>Customer groups each member owns.</summary>
    public int GroupsPerMember { get; set; } = 10;

    /// <summary>Share of customers that a second member follows too (0..1).</summary>
    public double SharedCustomerRate { get; set; } = 0.05;

    /// <summary>Members per department.</summary>
    public int MembersPerDepartment { get; set; } = 50;

    /// <summary>Sales departments per region (大区) between them and the company; 0 = every department directly under the company.</summary>
    public int DepartmentsPerRegion { get; set; } = 5;

    /// <summary>Share of customers tagged 重要客户 (group 客户等级); the others are 普通客户 (0..1).</summary>
    public double KeyCustomerRate { get; set; } = 0.1;

    /// <summary>Share of customers that also carry a 客户来源 tag (线下活动, 转介绍 or 官网咨询) (0..1).</summary>
    public double SourceTagRate { get; set; } = 0.5;

    /// <summary>Generator seed; same seed, same corp.</summary>
    public int Seed { get; set; } = 1;
}

/// <summary>Rate and concurrency limits. Paths are WeCom's, e.g. <c>/cgi-bin/externalcontact/resigned/transfer_customer</c>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Calls per corp per API per minute (WeCom: 10,000) before 45009.</summary>
    public int PerMinute { get; set; } = 10_000;

    /// <summary>Per-API overrides of <see cref="PerMinute"/>.</summary>
    public Dictionary<string, int> PerApi { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Concurrent calls per API before 45033; 0 = unlimited.</summary>
    public int Concurrency { get; set; }

    /// <summary>Per-API overrides of <see cref="Concurrency"/>.</summary>
    public Dictionary<string, int> ConcurrencyPerApi { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>Faults injected into <c>/cgi-bin</c> calls, drawn from the seed.</summary>
public sealed class FaultOptions
{
    /// <summary>Share of calls answered errcode -1 (system busy), not executed.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Share of calls answered HTTP 502, not executed.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Share of calls whose connection is aborted before they are executed.</summary>
    public double DropRate { get; set; }

    /// <summary>Share of calls that are executed and then have their connection aborted (outcome unknown to the caller).</summary>
    public double DropAfterRate { get; set; }

    /// <summary>Latency added to every call, in milliseconds (real time).</summary>
    public int LatencyMs { get; set; }

    /// <summary>Paths the faults apply to; empty = every <c>/cgi-bin</c> path.</summary>
    public List<string> Paths { get; init; } = [];
}

/// <summary>Behaviours the WeCom reference marks UNCERTAIN, chosen here (see README).</summary>
public sealed class SwitchOptions
{
    /// <summary>On-job transfer_customer accepts a disabled (status 2) handover; false → call-level 40003.</summary>
    public bool OnJobAcceptsDisabledHandover { get; set; } = true;

    /// <summary>Resigned APIs treat a disabled member like a deleted one (default: only deleted members have resigned).</summary>
    public bool ResignedAcceptsDisabled { get; set; }

    /// <summary>groupchat/list with owner_filter naming a resigned owner answers 40003 (2021 behaviour) instead of listing.</summary>
    public bool OwnerFilterWithResignedOwnerFails { get; set; }

    /// <summary>resigned/transfer_customer for a handover who has not resigned: 40097 per customer instead of call-level.</summary>
    public bool NotResignedPerItem { get; set; }

    /// <summary>A customer who refuses an on-job transfer stays with the handover (else the relation ends, as for resigned).</summary>
    public bool OnJobRefusalKeepsHandover { get; set; } = true;

    /// <summary>groupchat/list without owner_filter answers 81017 when more members than this exist; 0 = never.</summary>
    public int GroupListWithoutOwnerFilterMaxMembers { get; set; }
}

/// <summary>Callback (回调) settings of the app.</summary>
public sealed class CallbackOptions
{
    /// <summary>The service's callback URL; empty = no callbacks are sent (they are still recorded as dropped).</summary>
    public string? Url { get; set; } = "http://127.0.0.1:5080/wecom/callback";

    /// <summary>Callback token.</summary>
    public string Token { get; set; } = "demotoken";

    /// <summary>Callback EncodingAESKey (43 chars).</summary>
    public string EncodingAESKey { get; set; } = "3QPcD4eGbVnVFEoV5sbdobPQcjE9QZBiY1E56FTQFZw";

    /// <summary>Time WeCom waits for an answer (real time).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt when the answer is not HTTP 200.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Pause between attempts (real time).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Drop every callback on purpose (recorded, not sent), to exercise reconciliation.</summary>
    public bool Drop { get; set; }

    /// <summary>Share of callbacks dropped on purpose, drawn from the seed.</summary>
    public double DropRate { get; set; }

    /// <summary>Send member events as 通讯录同步 after 2022-08-15 does: UserID and Department only, no Status.</summary>
    public bool OmitContactDetails { get; set; }

    /// <summary>Deliveries in parallel.</summary>
    public int Parallelism { get; set; } = 2;
}
