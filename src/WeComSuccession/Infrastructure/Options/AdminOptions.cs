using Microsoft.Extensions.Options;

namespace WeComSuccession.Infrastructure.Options;

/// <summary><c>Admin</c>: who administers the service — machines with API keys, and the first super admins.</summary>
internal sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Userids that are 超级管理员 from the start (more roles are granted in the dashboard by a super admin).</summary>
    public string[] SuperAdmins { get; set; } = [];

    /// <summary>No keys: the API answers 401 to everyone.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    internal sealed class ApiKeyOptions
    {
        /// <summary>Shown in the audit log as <c>api-key:&lt;name&gt;</c>.</summary>
        public string? Name { get; set; }

        /// <summary>The secret sent in <c>X-Api-Key</c>; from the environment, never from a committed file.</summary>
        public string? Key { get; set; }
    }
}

/// <summary>Collects every bad key, naming its configuration path but never its value.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public const int MinKeyLength = 24;

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var apiKey = options.ApiKeys[i];
            var path = $"Admin:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(apiKey.Name) || !apiKey.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                failures.Add($"{path}:Name is missing or has characters other than letters, digits, '-', '_' and '.'.");
            }
            else if (!names.Add(apiKey.Name))
            {
                failures.Add($"{path}:Name '{apiKey.Name}' is used twice.");
            }

            if (apiKey.Key is not { Length: >= MinKeyLength } key || string.IsNullOrWhiteSpace(key))
            {
                failures.Add($"{path}:Key must be at least {MinKeyLength} characters (got {apiKey.Key?.Length ?? 0}).");
            }
            else if (!keys.Add(key))
            {
                failures.Add($"{path}:Key is the same as another key's.");
            }
        }

        for (var i = 0; i < options.SuperAdmins.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.SuperAdmins[i]) || options.SuperAdmins[i].Length > 64)
            {
                failures.Add($"Admin:SuperAdmins:{i} must be a member's userid (1 to 64 characters).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
