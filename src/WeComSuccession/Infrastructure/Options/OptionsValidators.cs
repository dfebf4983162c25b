using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Jobs;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Callbacks;

namespace WeComSuccession.Infrastructure.Options;

/// <summary>
/// Each validator collects every problem of its section, each naming the configuration key, so that one
/// failed start tells the operator everything to fix (the host aggregates the sections).
/// </summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        string.IsNullOrWhiteSpace(options.Postgres)
            ? ValidateOptionsResult.Fail("ConnectionStrings:Postgres is missing (environment: ConnectionStrings__Postgres).")
            : ValidateOptionsResult.Success;
}

internal sealed class WeComOptionsValidator : IValidateOptions<WeComOptions>
{
    public ValidateOptionsResult Validate(string? name, WeComOptions o)
    {
        var failures = new List<string>();
        // CorpId, Secret, ApiBaseUrl and the limits are the client's: WeComClientOptionsValidator checks them.
        Require(failures, o.Callback.Token, "WeCom:Callback:Token");
        if (!long.TryParse(o.AgentId, out _))
        {
            failures.Add("WeCom:AgentId must be the app's numeric AgentId.");
        }

        if (o.Callback.Token is { Length: > 32 } || (o.Callback.Token is { } token && !token.All(char.IsAsciiLetterOrDigit)))
        {
            failures.Add("WeCom:Callback:Token must be at most 32 letters and digits.");
        }

        if (!WeComCallbackCrypto.IsValidEncodingAesKey(o.Callback.EncodingAESKey))
        {
            failures.Add($"WeCom:Callback:EncodingAESKey must be 43 characters of [A-Za-z0-9] (got {o.Callback.EncodingAESKey?.Length ?? 0}).");
        }

        foreach (var (url, key) in new[] { (o.LoginBaseUrl, "WeCom:LoginBaseUrl"), (o.OAuthBaseUrl, "WeCom:OAuthBaseUrl") })
        {
            if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{key} must be an absolute http(s) URL.");
            }
        }

        if (o.Callback.MaxBodyBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add("WeCom:Callback:MaxBodyBytes must be between 1024 and 1048576.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is missing.");
        }
    }
}

/// <summary>
/// The WeCom library's own checks of its client settings (bound from <c>WeCom</c>), plus two bounds WeCom's
/// documentation sets for a corp: at most 10,000 calls per API per minute, and at most 3 retries of -1.
/// </summary>
internal sealed class WeComClientOptionsValidator : IValidateOptions<WeComClientOptions>
{
    public ValidateOptionsResult Validate(string? name, WeComClientOptions o)
    {
        var failures = o.Validate().ToList();
        if (o.PermitsPerMinute > 10_000)
        {
            failures.Add("WeCom:PermitsPerMinute must be at most 10000 (WeCom's limit per API per minute).");
        }

        if (o.BusyRetryCount > 3)
        {
            failures.Add("WeCom:BusyRetryCount must be at most 3 (WeCom asks for at most 3 retries of -1).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class SuccessionOptionsValidator : IValidateOptions<SuccessionOptions>
{
    public ValidateOptionsResult Validate(string? name, SuccessionOptions o)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(o.Approval.Mode))
        {
            failures.Add("Succession:Approval:Mode must be None, Always or AboveThreshold.");
        }

        if (o.Approval.Threshold < 0)
        {
            failures.Add("Succession:Approval:Threshold must not be negative.");
        }

        foreach (var (value, key) in new[] { (o.Approval.RemindAfter, "RemindAfter"), (o.Approval.EscalateAfter, "EscalateAfter"), (o.Approval.ExpireAfter, "ExpireAfter") })
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                failures.Add($"Succession:Approval:{key} must be a positive duration, or empty for none.");
            }
        }

        if (o.Approval.ResponseCodeLifetime < TimeSpan.FromMinutes(1) || o.Approval.ResponseCodeLifetime > TimeSpan.FromDays(7))
        {
            failures.Add("Succession:Approval:ResponseCodeLifetime must be between 00:01:00 and 7.00:00:00 (WeCom documents 72 hours).");
        }

        if (!Enum.IsDefined(o.Approval.CustomerDetails))
        {
            failures.Add("Succession:Approval:CustomerDetails must be Never, WhenNeeded or Always.");
        }

        if (o.Approval.MaxCustomerDetailCalls < 0)
        {
            failures.Add("Succession:Approval:MaxCustomerDetailCalls must not be negative.");
        }

        if (!Enum.IsDefined(o.OnDisabled))
        {
            failures.Add("Succession:OnDisabled must be Plan, TransferOnJob or Ignore.");
        }

        if (o.ReconcileInterval < TimeSpan.FromSeconds(5) || o.ReconcileInterval > TimeSpan.FromDays(1))
        {
            failures.Add("Succession:ReconcileInterval must be between 00:00:05 and 1.00:00:00.");
        }
        else if (!Schedules.Fits(o.ReconcileInterval))
        {
            failures.Add($"Succession:ReconcileInterval must be a schedule: {Schedules.Allowed}.");
        }

        if (o.Transfer.BatchSize is < 1 or > 100)
        {
            failures.Add($"Succession:Transfer:BatchSize must be between 1 and 100 (WeCom's limit per call; got {o.Transfer.BatchSize}).");
        }

        if (o.Transfer.GroupsPerOwnerPerDay is < 1 or > 300)
        {
            failures.Add($"Succession:Transfer:GroupsPerOwnerPerDay must be between 1 and 300 (WeCom's limit; got {o.Transfer.GroupsPerOwnerPerDay}).");
        }

        if (o.SuccessorCapacity < 1)
        {
            failures.Add("Succession:SuccessorCapacity must be positive.");
        }

        if (o.MaxReroutes is < 0 or > 5)
        {
            failures.Add("Succession:MaxReroutes must be between 0 and 5.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(o.Transfer.QuotaTimeZone, out _))
        {
            failures.Add($"Succession:Transfer:QuotaTimeZone '{o.Transfer.QuotaTimeZone}' is not a known time zone.");
        }

        if (o.Transfer.FirstResultCheck <= TimeSpan.Zero || o.Transfer.DuePollInterval <= TimeSpan.Zero)
        {
            failures.Add("Succession:Transfer:FirstResultCheck and Succession:Transfer:DuePollInterval must be positive durations.");
        }
        else if (!Schedules.Fits(o.Transfer.DuePollInterval))
        {
            failures.Add($"Succession:Transfer:DuePollInterval must be a schedule: {Schedules.Allowed}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
