using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
namespace WeComSuccession.Successions.Successors;

/// <summary>
/// Re-routing is a choice of successor: sends an item whose successor could not take it (at capacity, not verified, banned...) to the next one in
/// the chain, at most <see cref="SuccessionOptions.MaxReroutes"/> times; after that, or when no one is left,
/// the item goes to manual handling with the reason.
/// </summary>
internal sealed class Rerouter(SuccessorChain.Builder chains, IOptions<SuccessionOptions> options)
{
    public async Task<List<(SuccessionItem Before, SuccessionItem After)>> RerouteAsync(Succession s, IReadOnlyList<(SuccessionItem SuccessionItem, string Why, int? Errcode)> items, CancellationToken ct)
    {
        var changes = new List<(SuccessionItem, SuccessionItem)>();
        if (items.Count == 0)
        {
            return changes;
        }

        var chain = await chains.BuildAsync(s.HandoverUserid, ct);
        foreach (var (item, why, errcode) in items)
        {
            string[] tried = item.TakeoverUserid is { } previous ? [.. item.TriedTakeovers, previous] : item.TriedTakeovers;
            var choice = item.Reroutes < options.Value.MaxReroutes
                ? await chain.PickAsync(tried, item.Kind == ItemKind.Customer, ct)
                : null;
            changes.Add((item, choice is null
                ? item with { State = ItemState.Manual, TriedTakeovers = tried, Errcode = errcode, Reason = $"{why}; re-routed {item.Reroutes} time(s), no further successor" }
                : item with
                {
                    State = ItemState.Queued, TakeoverUserid = choice.Userid, Rule = choice.Rule, TriedTakeovers = tried,
                    Reroutes = (short)(item.Reroutes + 1), Errcode = errcode, Reason = $"re-routed from {item.TakeoverUserid}: {why}",
                    BatchId = null, NotBefore = null, TakeoverTime = null, NextCheckAt = null,
                }));
        }

        return changes;
    }
}
