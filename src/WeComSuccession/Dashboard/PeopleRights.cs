using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using WeComSuccession.Audit;
using WeComSuccession.Infrastructure.Web;
using WeComSuccession.Members;

namespace WeComSuccession.Dashboard;

/// <summary>
/// Adds to a signed-in person's identity the role they hold now (a <see cref="ClaimTypes.Role"/> claim), read
/// from <see cref="AdminRoles"/> and kept for a few seconds, so that policies can ask for a role and a revoked
/// role stops working within moments. The cookie itself carries only the userid and name.
/// </summary>
internal sealed class PeopleRights(AdminRoles roles, IMemoryCache cache) : IClaimsTransformation
{
    /// <summary>How long a resolved role is reused on this node (a grant or revoke elsewhere shows within this).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true, AuthenticationType: PeopleAuthentication.Scheme } identity
            || identity.HasClaim(c => c.Type == ClaimTypes.Role) || UseridOf(principal) is not { } userid)
        {
            return principal;
        }

        if (await RightsOfAsync(userid, CancellationToken.None) is { } rights)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, rights.Role));
        }

        return principal;
    }

    /// <summary>The member's admin rights now (cached briefly), or null when they hold no role.</summary>
    public async Task<AdminRights?> RightsOfAsync(string userid, CancellationToken ct) =>
        await cache.GetOrCreateAsync("rights:" + userid.ToLowerInvariant(), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return await roles.RightsOfAsync(userid, ct);
        });

    /// <summary>Forgets what was cached for <paramref name="userid"/> (after a grant or revoke on this node).</summary>
    public void Forget(string userid) => cache.Remove("rights:" + userid.ToLowerInvariant());

    /// <summary>The actor for a signed-in person acting through <paramref name="door"/>, with the rights they hold now.</summary>
    public async Task<Actor> ActorAsync(ClaimsPrincipal user, string door, CancellationToken ct)
    {
        var userid = UseridOf(user) ?? throw new InvalidOperationException("Not signed in.");
        return new Actor(userid, door, await RightsOfAsync(userid, ct));
    }

    public static string? UseridOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);
}
