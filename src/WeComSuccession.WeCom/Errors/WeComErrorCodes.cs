using System.Collections.Frozen;
using System.Globalization;

namespace WeComSuccession.WeCom.Errors;

/// <summary>What a WeCom <c>errcode</c> means for the caller: the one decision every retry and routing rule reads.</summary>
public enum WeComErrorClass
{
    /// <summary>0. Nothing to do.</summary>
    Success,

    /// <summary>
    /// The access token is bad or expired (40014, 42001, 41001; 40082/42009 for third-party suites).
    /// The request was rejected before processing, so even a transfer may be re-sent: drop the cached token
    /// (only if it is still the one that failed) and retry once with a fresh one.
    /// </summary>
    InvalidToken,

    /// <summary>
    /// Rate limited (45009 frequency, 45033 concurrency). Rejected before processing. Pause that API for
    /// the corp (45009 ~60 s: WeCom blocks a minute-limit breach for 60 s; 45033 briefly) and make no call
    /// to it meanwhile; callers wait briefly or get a retry-after so that a durable job reschedules.
    /// </summary>
    Throttled,

    /// <summary>
    /// System busy (-1) or data version conflict (6000). Retry a read a bounded number of times (WeCom says
    /// at most 3) with backoff and jitter. On a transfer or message the outcome is unknown: ask
    /// transfer_result before sending again.
    /// </summary>
    Busy,

    /// <summary>
    /// The item is already being transferred (40129, 40100, 90507). Do not send again; poll transfer_result
    /// or wait for the running inheritance to finish.
    /// </summary>
    InFlight,

    /// <summary>
    /// The successor cannot take this item (40099 at customer limit, 40098 not real-name verified, 40143
    /// banned, 40130 same person). Pick the next successor from the rule chain.
    /// </summary>
    ReRoute,

    /// <summary>The desired state already holds (90504 owner unchanged, 90508 already inherited). Mark done.</summary>
    AlreadyDone,

    /// <summary>
    /// Resigned vs on-job mismatch (40097 member not resigned, 90500 owner not resigned, 90502 owner already
    /// resigned). Use the other API variant, or wait until the member is deleted.
    /// </summary>
    WrongApi,

    /// <summary>
    /// This item can never succeed as asked (e.g. 40096 bad external_userid, 40128 moved twice in 90 days,
    /// 84061 no relation, 40029/42003 bad OAuth code). Record the reason; hand to manual handling.
    /// </summary>
    TerminalForItem,

    /// <summary>
    /// Set-up is wrong (secret, corpid, IP allow-list, permissions, visibility, request shape). Retrying
    /// cannot help: alert an admin and stop the job until it is fixed.
    /// </summary>
    Configuration,

    /// <summary>A code this table does not know (e.g. 45011, a WeChat Official-Account code). Treat as a failure needing a person.</summary>
    Unknown,
}

/// <summary>One row of <see cref="WeComErrorCodes.All"/>.</summary>
/// <param name="Code">The WeCom errcode.</param>
/// <param name="Class">How callers treat it.</param>
/// <param name="Description">Short Chinese / English text for dashboards.</param>
public sealed record WeComErrorInfo(int Code, WeComErrorClass Class, string Description);

/// <summary>
/// The single classification of every WeCom errcode this service meets (global error page
/// <see href="https://developer.work.weixin.qq.com/document/path/90313"/>). Used for call-level codes and
/// for per-item codes in transfer responses alike.
/// </summary>
public static class WeComErrorCodes
{
    /// <summary>Every known code with its class and description.</summary>
    public static FrozenDictionary<int, WeComErrorInfo> All { get; } = new WeComErrorInfo[]
    {
        new(0, WeComErrorClass.Success, "成功 / ok"),

        new(40014, WeComErrorClass.InvalidToken, "不合法的access_token / invalid access_token"),
        new(42001, WeComErrorClass.InvalidToken, "access_token已过期 / access_token expired"),
        new(41001, WeComErrorClass.InvalidToken, "缺少access_token参数 / access_token missing"),
        new(40082, WeComErrorClass.InvalidToken, "不合法的suite_token / invalid suite_token"),
        new(42009, WeComErrorClass.InvalidToken, "suite_access_token已过期 / suite_access_token expired"),

        new(45009, WeComErrorClass.Throttled, "接口调用超过限制 / API call frequency exceeded"),
        new(45033, WeComErrorClass.Throttled, "接口并发调用超过限制 / API concurrency exceeded"),

        new(-1, WeComErrorClass.Busy, "系统繁忙 / system busy"),
        new(6000, WeComErrorClass.Busy, "数据版本冲突 / data version conflict"),

        new(40129, WeComErrorClass.InFlight, "客户正在转接中 / customer is being transferred"),
        new(40100, WeComErrorClass.InFlight, "用户的外部联系人已经在转移流程中 / contacts already in a transfer flow"),
        new(90507, WeComErrorClass.InFlight, "离职群正在继承处理中 / resigned group is being inherited"),

        new(40099, WeComErrorClass.ReRoute, "外部联系人的数量已达到上限 / successor's customer limit reached"),
        new(40098, WeComErrorClass.ReRoute, "成员尚未实名认证 / successor not real-name verified"),
        new(40143, WeComErrorClass.ReRoute, "转接成员被封禁 / successor is banned"),
        new(40130, WeComErrorClass.ReRoute, "原跟进人与接手人一样 / handover and takeover are the same"),

        new(90504, WeComErrorClass.AlreadyDone, "群主没有变更 / group owner unchanged"),
        new(90508, WeComErrorClass.AlreadyDone, "离职群已经完成继承 / resigned group already inherited"),

        new(40097, WeComErrorClass.WrongApi, "该成员尚未离职 / member has not resigned"),
        new(90500, WeComErrorClass.WrongApi, "群主并未离职 / group owner has not resigned"),
        new(90502, WeComErrorClass.WrongApi, "群主已经离职 / group owner has resigned"),

        new(40096, WeComErrorClass.TerminalForItem, "不合法的外部联系人userid / invalid external_userid"),
        new(40128, WeComErrorClass.TerminalForItem, "客户转接过于频繁(90天内最多2次) / transferred too often (2 per 90 days)"),
        new(40131, WeComErrorClass.TerminalForItem, "handover_userid不是该外部联系人的跟进人 / handover does not follow this customer"),
        new(84061, WeComErrorClass.TerminalForItem, "不存在外部联系人的关系 / no external-contact relation"),
        new(90501, WeComErrorClass.TerminalForItem, "非客户群 / not a customer group chat"),
        new(90509, WeComErrorClass.TerminalForItem, "非企业微信客户群 / not a WeCom customer group"),
        new(90503, WeComErrorClass.TerminalForItem, "群成员已满且微信成员达99人,需客户端确认 / group full, needs client confirmation"),
        new(40003, WeComErrorClass.TerminalForItem, "无效的UserID(离职或删除成员已移出通讯录) / invalid userid"),
        new(60111, WeComErrorClass.TerminalForItem, "UserID不存在 / userid does not exist"),
        new(40029, WeComErrorClass.TerminalForItem, "不合法的oauth_code / invalid OAuth code"),
        new(42003, WeComErrorClass.TerminalForItem, "oauth_code超时 / OAuth code expired"),

        new(40001, WeComErrorClass.Configuration, "不合法的secret参数 / invalid secret"),
        new(40013, WeComErrorClass.Configuration, "不合法的CorpID / invalid corpid"),
        new(40091, WeComErrorClass.Configuration, "secret不合法(非本企业) / secret invalid"),
        new(48002, WeComErrorClass.Configuration, "API接口无权限调用 / API not authorized"),
        new(60020, WeComErrorClass.Configuration, "不安全的访问IP(企业可信IP) / IP not in trusted list"),
        new(60011, WeComErrorClass.Configuration, "指定的成员/部门/标签参数无权限 / not in app visibility"),
        new(84074, WeComErrorClass.Configuration, "没有外部联系人权限 / no external-contact permission"),
        new(41035, WeComErrorClass.Configuration, "缺少外部联系人userid参数 / external_userid missing"),
        new(81017, WeComErrorClass.Configuration, "请求数据过多(请缩小范围) / too many items requested"),
        new(50001, WeComErrorClass.Configuration, "redirect_url未登记可信域名 / redirect_uri not a trusted domain"),
        new(81013, WeComErrorClass.Configuration, "UserID、部门ID、标签ID全部非法或无权限 / all recipients invalid"),
    }.ToFrozenDictionary(e => e.Code);

    /// <summary>The class of <paramref name="errcode"/>; <see cref="WeComErrorClass.Unknown"/> when not in the table.</summary>
    public static WeComErrorClass Classify(int errcode) =>
        All.TryGetValue(errcode, out var info) ? info.Class : WeComErrorClass.Unknown;

    /// <summary>Dashboard text for <paramref name="errcode"/>, e.g. "40099 外部联系人的数量已达到上限 / successor's customer limit reached".</summary>
    public static string Describe(int errcode) =>
        All.TryGetValue(errcode, out var info)
            ? string.Create(CultureInfo.InvariantCulture, $"{errcode} {info.Description}")
            : string.Create(CultureInfo.InvariantCulture, $"{errcode} 未知错误码 / unknown error code");
}
