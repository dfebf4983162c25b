using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Members;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Successions.Planning;

/// <summary>
/// Reads, once while planning, what a person deciding a plan needs to see: each customer's name and corp tags, each
/// group's name and size; and what rules on key customers (重要客户) ask. It costs WeCom calls beyond the transfer's own,
/// so it is read only where needed (Succession:Approval:CustomerDetails) and as cheaply as WeCom allows:
/// <list type="bullet">
/// <item>a member who can still be read (disabled, not deleted): <c>batch/get_by_user</c>, 100 customers per call, plus
/// one <c>externalcontact/get</c> per distinct corp tag to learn its name (that API gives tag ids only);</item>
/// <item>a deleted member: one <c>externalcontact/get</c> per customer (at most Succession:Approval:MaxCustomerDetailCalls),
/// whose remaining followers' corp tags are all WeCom still shows (a deleted member's own tags are gone with them);</item>
/// <item>groups: one <c>groupchat/get</c> each.</item>
/// </list>
/// A failure here never fails the plan: an item without details is shown by its id.
/// </summary>
internal sealed partial class ItemDetails(SuccessionStore store, WeComClient wecom, IOptions<SuccessionOptions> options, ILogger<ItemDetails> logger)
{
    private const int Parallelism = 4;

    public async Task ReadCustomersAsync(long successionId, Member? handover, CancellationToken ct)
    {
        var items = (await store.ItemsAsync(successionId, [ItemState.Planned, ItemState.Manual], ct)).Where(i => i.Kind == ItemKind.Customer && i.DetailsAt is null).ToList();
        if (items.Count == 0)
        {
            return;
        }

        var read = handover is { DepartedAt: null } ? await ReadWhileMemberExistsAsync(handover.Userid, items, ct) : [];
        var rest = items.Where(i => !read.ContainsKey(i.Id)).ToList();
        var cap = options.Value.Approval.MaxCustomerDetailCalls;
        if (rest.Count > cap)
        {
            LogCapped(logger, successionId, rest.Count, cap);
        }

        await store.SetDetailsAsync(read.Values, ct);
        var detailed = new System.Collections.Concurrent.ConcurrentBag<ItemDetail>();
        await Parallel.ForEachAsync(rest.Take(cap), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (item, token) =>
        {
            if (await ReadOneAsync(item, handover?.Userid, token) is { } detail)
            {
                detailed.Add(detail);
            }
        });
        await store.SetDetailsAsync(detailed, ct);
    }

    public async Task ReadGroupsAsync(long successionId, CancellationToken ct)
    {
        var groups = (await store.ItemsAsync(successionId, [ItemState.Planned, ItemState.Manual], ct)).Where(i => i.Kind == ItemKind.Group && i.DetailsAt is null).ToList();
        var detailed = new System.Collections.Concurrent.ConcurrentBag<ItemDetail>();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (item, token) =>
        {
            try
            {
                var chat = (await wecom.ExecuteExternalContactGroupChatGetAsync(new ExternalContactGroupChatGetRequest { ChatId = item.TargetId }, token)).GroupChat;
                detailed.Add(new ItemDetail(item.Id, chat?.Name, null, chat?.MemberList.Count));
            }
            catch (WeComApiException)
            {
                detailed.Add(new ItemDetail(item.Id, null, null, null)); // WeCom answered: asking again would not help
            }
            catch (WeComException e)
            {
                LogUnread(logger, item.SuccessionId, e.GetType().Name);
            }
        });
        await store.SetDetailsAsync(detailed, ct);
    }

    /// <summary>batch/get_by_user for the member's own relations; tag ids are named with one externalcontact/get per distinct tag.</summary>
    private async Task<Dictionary<long, ItemDetail>> ReadWhileMemberExistsAsync(string handover, List<SuccessionItem> items, CancellationToken ct)
    {
        var byTarget = items.ToDictionary(i => i.TargetId, StringComparer.Ordinal);
        var rows = new List<(SuccessionItem Item, string? Name, IReadOnlyList<string> TagIds)>();
        var carrier = new Dictionary<string, string>(StringComparer.Ordinal); // tag id → a customer carrying it
        try
        {
            await foreach (var row in wecom.StreamExternalContactBatchGetByUserAsync(new ExternalContactBatchGetByUserRequest { UserIdList = [handover], Limit = 100 }, ct))
            {
                if (row.ExternalContact is { } contact && byTarget.TryGetValue(contact.ExternalUserId, out var item))
                {
                    var tagIds = row.FollowInfo.TagId ?? [];
                    rows.Add((item, contact.Name, tagIds));
                    foreach (var id in tagIds)
                    {
                        carrier.TryAdd(id, contact.ExternalUserId);
                    }
                }
            }
        }
        catch (WeComException e)
        {
            // E.g. 40003 once the member is deleted: per customer below.
            LogUnread(logger, items[0].SuccessionId, e.GetType().Name);
            return [];
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tagId, customer) in carrier)
        {
            if (names.ContainsKey(tagId))
            {
                continue;
            }

            try
            {
                var contact = await wecom.ExecuteExternalContactGetAsync(new ExternalContactGetRequest { ExternalUserId = customer }, ct);
                foreach (var tag in contact.FollowUser.SelectMany(f => f.Tags ?? []))
                {
                    if (tag is { TagId: { } id, TagName: { } name })
                    {
                        names.TryAdd(id, name);
                    }
                }
            }
            catch (WeComException e)
            {
                LogUnread(logger, items[0].SuccessionId, e.GetType().Name);
            }
        }

        return rows.ToDictionary(r => r.Item.Id, r => new ItemDetail(r.Item.Id, r.Name, [.. r.TagIds.Select(id => names.GetValueOrDefault(id, id)).Distinct()], null));
    }

    /// <summary>One externalcontact/get: the name, and the corp tags its followers still in the address book gave it.</summary>
    private async Task<ItemDetail?> ReadOneAsync(SuccessionItem item, string? handover, CancellationToken ct)
    {
        try
        {
            var contact = await wecom.ExecuteExternalContactGetAsync(new ExternalContactGetRequest { ExternalUserId = item.TargetId }, ct);
            var mine = contact.FollowUser.Where(f => f.UserId == handover).ToList();
            var tags = (mine.Count > 0 ? mine : contact.FollowUser).SelectMany(f => f.Tags ?? []).Where(t => t.Type is 0 or 1).Select(t => t.TagName ?? t.TagId)
                .OfType<string>().Distinct().ToList();
            return new ItemDetail(item.Id, contact.ExternalContact?.Name, tags, null);
        }
        catch (WeComApiException)
        {
            // 84061 (nobody in the address book follows the customer any more), 40096 (unknown): WeCom has nothing to show.
            return new ItemDetail(item.Id, null, null, null);
        }
        catch (WeComException e)
        {
            LogUnread(logger, item.SuccessionId, e.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Succession {SuccessionId}: details of {Customers} customers would cost one call each; reading {Cap} (Succession:Approval:MaxCustomerDetailCalls)")]
    private static partial void LogCapped(ILogger logger, long successionId, int customers, int cap);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Succession {SuccessionId}: details not read ({Error}); people see ids")]
    private static partial void LogUnread(ILogger logger, long successionId, string error);
}
