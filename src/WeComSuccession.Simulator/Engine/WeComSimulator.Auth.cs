using System.Globalization;
using WeComSuccession.Simulator.Ledger;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

// Access tokens, OAuth2 codes and app messages.
public sealed partial class WeComSimulator
{
    private const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly Dictionary<string, long> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string UserId, long Expires, bool Used)> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _recentMessages = new(StringComparer.Ordinal);
    private long _messageSeq;

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

    internal WeComResponse MessageSend(CgibinMessageSendRequest request, string body)
    {
        if (request.AgentId != Options.AgentId)
        {
            return Error(40056);
        }

        if (request.MsgType is not ("text" or "textcard" or "template_card" or "markdown" or "news"))
        {
            return Error(40008);
        }

        lock (_sync)
        {
            var now = Now;
            if (request.EnableDuplicateCheck == 1)
            {
                var window = Math.Clamp(request.DuplicateCheckInterval ?? 1800, 1, 4 * 3600);
                if (_recentMessages.TryGetValue(body, out var sentAt) && now - sentAt < window)
                {
                    // Not delivered twice; WeCom answers as if it had been.
                    return new CgibinMessageSendResponse { ErrMsg = "ok", MsgId = "dup" };
                }

                _recentMessages[body] = now;
            }

            var invalid = new List<string>();
            var valid = 0;
            if (string.Equals(request.ToUser, "@all", StringComparison.Ordinal))
            {
                valid = _corp.Members.Count;
            }
            else
            {
                foreach (var userId in (request.ToUser ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (_corp.Members.TryGetValue(userId, out var m) && !m.Deleted)
                    {
                        valid++;
                    }
                    else
                    {
                        invalid.Add(userId);
                    }
                }
            }

            if (valid == 0 && string.IsNullOrEmpty(request.ToParty) && string.IsNullOrEmpty(request.ToTag))
            {
                return Error(81013);
            }

            var msgId = string.Create(CultureInfo.InvariantCulture, $"simmsg{++_messageSeq:D8}");
            var invalidUser = string.Join('|', invalid);
            Ledger.RecordMessage(new SentMessage(Ledger.NextSeq(), Clock.GetUtcNow(), request.ToUser, request.ToParty, request.ToTag, request.MsgType, msgId, invalidUser, body));
            return new CgibinMessageSendResponse
            {
                ErrMsg = "ok",
                InvalidUser = invalidUser,
                InvalidParty = "",
                InvalidTag = "",
                UnlicensedUser = "",
                MsgId = msgId,
                ResponseCode = request.MsgType == "template_card" ? RandomString(40) : null,
            };
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
