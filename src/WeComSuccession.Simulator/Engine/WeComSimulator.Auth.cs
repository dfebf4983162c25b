using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

// Access tokens and OAuth2 codes.
public sealed partial class WeComSimulator
{
    private const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly Dictionary<string, long> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string UserId, long Expires, bool Used)> _codes = new(StringComparer.Ordinal);

    internal WeComResponse GetToken(string? corpId, string? secret)
    {
        if (string.IsNullOrEmpty(corpId))
        {
            return Error(41002);
        }

        if (!string.Equals(corpId, Options.CorpId, StringComparison.Ordinal))
        {
            return Error(40013);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return Error(41004);
        }

        if (!string.Equals(secret, Options.Secret, StringComparison.Ordinal))
        {
            return Error(40001);
        }

        lock (_sync)
        {
            var token = RandomString(64);
            var lifetime = (int)Options.TokenLifetime.TotalSeconds;
            _tokens[token] = Now + lifetime;
            return new CgibinGetTokenResponse { ErrMsg = "ok", AccessToken = token, ExpiresIn = lifetime };
        }
    }

    /// <summary>0 when the token is good; 41001 missing, 40014 unknown or invalidated, 42001 expired.</summary>
    internal int CheckToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 41001;
        }

        lock (_sync)
        {
            if (!_tokens.TryGetValue(token, out var expires))
            {
                return 40014;
            }

            return Now >= expires ? 42001 : 0;
        }
    }

    /// <summary>Makes every issued token expired (42001 from now on).</summary>
    public void ExpireTokens()
    {
        lock (_sync)
        {
            var now = Now;
            foreach (var token in _tokens.Keys.ToList())
            {
                _tokens[token] = now;
            }
        }
    }

    /// <summary>Forgets every issued token, as WeCom may before expiry (40014 from now on).</summary>
    public void InvalidateTokens()
    {
        lock (_sync)
        {
            _tokens.Clear();
        }
    }

    /// <summary>Issues a single-use OAuth2 code for a member (what the authorize page does when one is picked).</summary>
    public string IssueOAuthCode(string userId)
    {
        lock (_sync)
        {
            var code = RandomString(32);
            _codes[code] = (userId, Now + 300, false);
            return code;
        }
    }

    internal WeComResponse GetUserInfo(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return Error(41008);
        }

        lock (_sync)
        {
            if (!_codes.TryGetValue(code, out var entry) || entry.Used)
            {
                return Error(40029);
            }

            _codes[code] = entry with { Used = true };
            return Now >= entry.Expires ? Error(42003) : new CgibinAuthGetUserInfoResponse { ErrMsg = "ok", UserId = entry.UserId };
        }
    }

    private string RandomString(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = TokenAlphabet[_random.Next(TokenAlphabet.Length)];
        }

        return new string(chars);
    }
}
