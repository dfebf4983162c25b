using System.ComponentModel;

namespace WeComSuccession.Infrastructure.Options;

/// <summary><c>ConnectionStrings</c>: the one database every node of the cluster shares.</summary>
internal sealed class DatabaseOptions
{
    public const string Section = "ConnectionStrings";

    public string? Postgres { get; set; }
}

/// <summary>
/// <c>WeCom</c>: the self-built app that is on 客户联系 → 可调用接口的应用. The API client's settings (CorpId, Secret,
/// ApiBaseUrl, limits, retries) are the WeCom library's <see cref="WeCom.Api.WeComClientOptions"/>, bound from the same section.
/// </summary>
internal sealed class WeComOptions
{
    public const string Section = "WeCom";

    public string? CorpId { get; set; }

    public string? AgentId { get; set; }

    /// <summary>Host of WeCom's web login (企业微信登录) for the dashboard; a simulator's address in tests and demos.</summary>
    public Uri LoginBaseUrl { get; set; } = new("https://login.work.weixin.qq.com");

    /// <summary>Host of WeCom's OAuth2 authorize page for the workbench opened inside WeCom.</summary>
    public Uri OAuthBaseUrl { get; set; } = new("https://open.weixin.qq.com");

    public CallbackOptions Callback { get; set; } = new();

    internal sealed class CallbackOptions
    {
        public string? Token { get; set; }

        public string? EncodingAESKey { get; set; }

        public int MaxBodyBytes { get; set; } = 64 * 1024;
    }
}

/// <summary>When a plan needs a person's approval before transfers start.</summary>
internal enum ApprovalMode
{
    None,
    Always,
    AboveThreshold,
}

/// <summary>When customers' names and corp tags are read while planning.</summary>
internal enum CustomerDetailsMode
{
    [Description("never: people see external userids; rules on corp tags never hold")]
    Never,

    [Description("when a rule needs corp tags to decide, or a person will decide the plan")]
    WhenNeeded,

    [Description("for every plan")]
    Always,
}

/// <summary>What a disabled (not deleted) member gets.</summary>
internal enum OnDisabledPolicy
{
    [Description("plan and ask now; transfer with the resigned API after deletion")]
    Plan,

    [Description("transfer at once with the on-job API")]
    TransferOnJob,

    Ignore,
}

/// <summary><c>Succession</c>: how departures are planned and transferred.</summary>
internal sealed class SuccessionOptions
{
    public const string Section = "Succession";

    public ApprovalOptions Approval { get; set; } = new();

    public OnDisabledPolicy OnDisabled { get; set; } = OnDisabledPolicy.Plan;

    public string? FallbackSuccessor { get; set; }

    /// <summary>Most customers one successor may hold; candidates at this number are skipped. WeCom's own
    /// per-member limit is not documented (5,000 to 200,000 are quoted), so it is a setting.</summary>
    public int SuccessorCapacity { get; set; } = 20_000;

    /// <summary>How often an item whose successor hit a limit is sent to the next successor before it goes to manual handling.</summary>
    public int MaxReroutes { get; set; } = 1;

    /// <summary>userids that receive the failure digest and approve when a member has no leader.</summary>
    public string[] Admins { get; set; } = [];

    /// <summary>Where people reach this service (links in app messages).</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>groupchat/list with owner_filter = a resigned owner: the current doc requires it, a 2021 answer
    /// says it returns 40003. True: use the filter and fall back on 40003. False: list all resigned groups.</summary>
    public bool FilterResignedGroupsByOwner { get; set; } = true;

    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(15);

    public TransferOptions Transfer { get; set; } = new();

    /// <summary>
    /// The approval rule of the configuration, used while the database holds no rules (the dashboard's 审批规则 page
    /// adds them), and what every approval shares: cards, key customers, customer details.
    /// </summary>
    internal sealed class ApprovalOptions
    {
        public ApprovalMode Mode { get; set; } = ApprovalMode.None;

        /// <summary>With <see cref="ApprovalMode.AboveThreshold"/>: plans with more items than this wait for approval.</summary>
        public int Threshold { get; set; } = 200;

        /// <summary>The configured rule's reminder: a new card to approvers who have not decided after this long (null: none).</summary>
        public TimeSpan? RemindAfter { get; set; }

        /// <summary>The configured rule's escalation to the next leader up after this long, again after as long (null: none).</summary>
        public TimeSpan? EscalateAfter { get; set; }

        /// <summary>The configured rule's expiry: an undecided plan's items go to manual handling and the admins are told (null: never).</summary>
        public TimeSpan? ExpireAfter { get; set; }

        /// <summary>Corp tags (names or ids) that mark a key customer (重要客户) where a person decides.</summary>
        public string[] KeyCustomerTags { get; set; } = ["重要客户"];

        /// <summary>How long a card's response_code may update it (WeCom: 72 hours, doc of 2025-07-24; older copies said 24).
        /// A decision after that is still applied; the card is left alone.</summary>
        public TimeSpan ResponseCodeLifetime { get; set; } = TimeSpan.FromHours(72);

        /// <summary>When customers' names and corp tags are read while planning (externalcontact calls, see the README).</summary>
        public CustomerDetailsMode CustomerDetails { get; set; } = CustomerDetailsMode.WhenNeeded;

        /// <summary>Most externalcontact/get calls one plan may make for details (one per customer once the member is deleted).</summary>
        public int MaxCustomerDetailCalls { get; set; } = 2000;
    }

    internal sealed class TransferOptions
    {
        /// <summary>Customers or chats per transfer call; WeCom accepts at most 100.</summary>
        public int BatchSize { get; set; } = 100;

        /// <summary>Groups of one old owner that may be transferred per day; WeCom allows 300.</summary>
        public int GroupsPerOwnerPerDay { get; set; } = 300;

        /// <summary>The day of the 300-groups limit ends at midnight in this time zone (WeCom's, China time).</summary>
        public string QuotaTimeZone { get; set; } = "Asia/Shanghai";

        /// <summary>First transfer_result check after a transfer call; later checks follow each item's takeover_time.</summary>
        public TimeSpan FirstResultCheck { get; set; } = TimeSpan.FromMinutes(1);

        /// <summary>Whether a group counts as transferred only once groupchat/list shows its new owner. WeCom does not
        /// say whether groupchat/transfer takes effect at once (REFERENCE §2.4); false trusts the call's answer.</summary>
        public bool ConfirmGroupOwner { get; set; } = true;

        /// <summary>How long a transferred group may take to show its new owner before it is failed for a person.</summary>
        public TimeSpan GroupConfirmDeadline { get; set; } = TimeSpan.FromHours(24);

        /// <summary>How often the sweeper looks for successions with due work; bounds the idle database load.</summary>
        public TimeSpan DuePollInterval { get; set; } = TimeSpan.FromSeconds(30);
    }
}
