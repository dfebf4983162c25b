using Microsoft.Extensions.Options;
using WeComSuccession.Members;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Successions.Successors;

/// <summary>Who inherits, and by which rule.</summary>
internal sealed record SuccessorChoice(string Userid, string Rule);

internal static class SuccessorRule
{
    public const string Registered = "registered";
    public const string DirectLeader = "direct_leader";
    public const string DepartmentLeader = "department_leader";
    public const string Pool = "pool";
    public const string Fallback = "fallback";
    public const string Manual = "manual";
}

/// <summary>
/// Picks a successor per item: the successor registered in advance → the direct leader → a department
/// leader → the department pool, round-robin → the configured fallback; skipping anyone who is not active,
/// lacks 客户联系 permission, already failed for this item, or holds as many customers as allowed.
/// One chain is built per plan and remembers what it assigned, so capacity counts the plan itself.
/// </summary>
internal sealed class SuccessorChain
{
    private readonly List<(Member Member, string Rule)> _ordered;
    private readonly List<Member> _pool;
    private readonly List<(Member Member, string Rule)> _fallback;
    private readonly Func<string, CancellationToken, Task<int>> _readLoad;
    private readonly Dictionary<string, int> _load = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly List<string> _skipped;
    private int _nextPool;

    private SuccessorChain(List<(Member, string)> ordered, List<Member> pool, List<(Member, string)> fallback, Func<string, CancellationToken, Task<int>> readLoad, int capacity, List<string> skipped)
    {
        _ordered = ordered;
        _pool = pool;
        _fallback = fallback;
        _readLoad = readLoad;
        _capacity = capacity;
        _skipped = skipped;
    }

    /// <summary>Why the chain has no one (or fewer than hoped): e.g. "direct_leader lisi: disabled".</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>The next eligible successor for one item, or null (then the item goes to manual handling).</summary>
    /// <param name="excluded">Successors this item already failed with.</param>
    /// <param name="countsAgainstCapacity">Customers count against a successor's capacity; groups do not.</param>
    /// <param name="ct">Cancels the capacity look-up.</param>
    public async Task<SuccessorChoice?> PickAsync(IReadOnlyCollection<string> excluded, bool countsAgainstCapacity, CancellationToken ct)
    {
        foreach (var (member, rule) in _ordered)
        {
            if (!excluded.Contains(member.Userid) && await HasRoomAsync(member, countsAgainstCapacity, ct))
            {
                return Assign(member, rule, countsAgainstCapacity);
            }
        }

        for (var i = 0; i < _pool.Count; i++)
        {
            var member = _pool[(_nextPool + i) % _pool.Count];
            if (!excluded.Contains(member.Userid) && await HasRoomAsync(member, countsAgainstCapacity, ct))
            {
                _nextPool = (_nextPool + i + 1) % _pool.Count;
                return Assign(member, SuccessorRule.Pool, countsAgainstCapacity);
            }
        }

        foreach (var (member, rule) in _fallback)
        {
            if (!excluded.Contains(member.Userid) && await HasRoomAsync(member, countsAgainstCapacity, ct))
            {
                return Assign(member, rule, countsAgainstCapacity);
            }
        }

        return null;
    }

    /// <summary>A candidate's current customers are read from WeCom the first time capacity matters for them,
    /// so a plan whose first candidate has room costs one call, not one per pool member.</summary>
    private async Task<bool> HasRoomAsync(Member member, bool countsAgainstCapacity, CancellationToken ct)
    {
        if (!countsAgainstCapacity)
        {
            return true;
        }

        if (!_load.TryGetValue(member.Userid, out var load))
        {
            load = _load[member.Userid] = await _readLoad(member.Userid, ct);
        }

        if (load < _capacity)
        {
            return true;
        }

        if (!_skipped.Contains(member.Userid + ": at capacity"))
        {
            _skipped.Add(member.Userid + ": at capacity");
        }

        return false;
    }

    private SuccessorChoice Assign(Member member, string rule, bool countsAgainstCapacity)
    {
        if (countsAgainstCapacity)
        {
            _load[member.Userid] = _load.GetValueOrDefault(member.Userid) + 1;
        }

        return new(member.Userid, rule);
    }

    /// <summary>Builds the chain for one departed member.</summary>
    internal sealed class Builder(MemberDirectory directory, RegisteredSuccessors registered, WeComClient wecom, IOptions<SuccessionOptions> options)
    {
        public async Task<SuccessorChain> BuildAsync(string handover, CancellationToken ct)
        {
            var o = options.Value;
            var me = await directory.GetAsync(handover, ct);
            var skipped = new List<string>();
            var ordered = new List<(Member, string)>();
            var seen = new HashSet<string>(StringComparer.Ordinal) { handover };

            void Consider(Member? m, string rule, string userid)
            {
                if (!seen.Add(userid))
                {
                    return;
                }

                if (Eligibility.AsSuccessor(m) is { } why)
                {
                    skipped.Add($"{rule} {userid}: {why}");
                }
                else
                {
                    ordered.Add((m!, rule));
                }
            }

            if (await registered.GetAsync(handover, ct) is { } named)
            {
                Consider(await directory.GetAsync(named.SuccessorUserid, ct), SuccessorRule.Registered, named.SuccessorUserid);
            }

            if (me is null)
            {
                skipped.Add($"handover {handover}: not in the directory, so no leaders or department are known");
            }
            else
            {
                var leaders = await directory.GetManyAsync(me.DirectLeaders, ct);
                foreach (var userid in me.DirectLeaders)
                {
                    Consider(leaders.FirstOrDefault(l => l.Userid == userid), SuccessorRule.DirectLeader, userid);
                }

                foreach (var leader in await directory.LeadersOfAsync(me.Departments, ct))
                {
                    Consider(leader, SuccessorRule.DepartmentLeader, leader.Userid);
                }
            }

            var pool = new List<Member>();
            var department = me?.MainDepartment ?? me?.Departments.FirstOrDefault();
            if (department is > 0)
            {
                pool.AddRange((await directory.InDepartmentAsync(department.Value, ct)).Where(m => m.IsEligibleSuccessor && !seen.Contains(m.Userid)));
            }

            if (pool.Count == 0)
            {
                skipped.Add("pool: no eligible member in the department");
            }

            // The fallback comes after the pool, so it is collected apart from the ordered candidates.
            var fallback = new List<(Member, string)>();
            if (string.IsNullOrEmpty(o.FallbackSuccessor))
            {
                skipped.Add("fallback: none configured");
            }
            else if (await directory.GetAsync(o.FallbackSuccessor, ct) is var f && Eligibility.AsSuccessor(f) is { } why)
            {
                skipped.Add($"fallback {o.FallbackSuccessor}: {why}");
            }
            else
            {
                fallback.Add((f!, SuccessorRule.Fallback));
            }

            return new SuccessorChain(ordered, pool, fallback, CurrentLoadAsync, o.SuccessorCapacity, skipped);
        }

        /// <summary>Customers a candidate holds now (externalcontact/list).</summary>
        private async Task<int> CurrentLoadAsync(string userid, CancellationToken ct) =>
            (await wecom.ExecuteExternalContactListAsync(new ExternalContactListRequest { UserId = userid }, ct)).ExternalUserId.Count;
    }
}
