using Microsoft.Extensions.Options;
using WeComSuccession.Audit;
using WeComSuccession.Members;
using WeComSuccession.Successions.Approvals;
using WeComSuccession.Successions.Successors;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Successions.Planning;

/// <summary>
/// Turns a new succession into a plan: lists the member's customers and groups (streaming WeCom's pages),
/// stores one item each, picks a successor per item, and decides what happens next: wait for an approver,
/// wait for the member's deletion, or start transferring. Safe to run again after a crash: items are added
/// once, successors are picked only for items without one, and the state change is guarded.
/// </summary>
internal sealed partial class Planner(
    SuccessionStore store, MemberDirectory directory, SuccessorChain.Builder chains, ApprovalPolicy approval, ItemDetails details, WeComClient wecom,
    ServiceClock clock, IOptions<SuccessionOptions> options, ILogger<Planner> logger) : ISuccessionStep
{
    public int Order => StepOrder.Plan;

    public bool AppliesTo(string state) => state == SuccessionState.Planning;

    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        var handover = await directory.GetAsync(s.HandoverUserid, ct);
        var departed = handover?.DepartedAt is not null;
        var listed = departed ? null : await ListedCustomersAsync(s.HandoverUserid, ct);
        if (!departed && listed is null)
        {
            // Deleted since the directory last heard of them (the deletion's callback is late or lost, and the sweep
            // has not run): WeCom is right, so the member is departed and their customers wait in the unassigned list.
            LogGoneWhilePlanning(logger, s.Id, s.HandoverUserid);
            await directory.MarkDepartedAsync(s.HandoverUserid, ct);
            handover = await directory.GetAsync(s.HandoverUserid, ct);
            departed = true;
        }

        var customers = listed ?? await UnassignedCustomersAsync(s.HandoverUserid, ct);
        var groups = await GroupsAsync(s.HandoverUserid, departed, ct);
        await store.AddItemsAsync(s.Id, ItemKind.Customer, [.. customers], ct);
        await store.AddItemsAsync(s.Id, ItemKind.Group, groups, ct);

        var planned = await store.ItemsAsync(s.Id, [ItemState.Planned], ct);
        var chain = await chains.BuildAsync(s.HandoverUserid, ct);
        var changes = new List<(SuccessionItem, SuccessionItem)>();
        foreach (var item in planned.Where(i => i.TakeoverUserid is null))
        {
            var choice = await chain.PickAsync(item.TriedTakeovers, item.Kind == ItemKind.Customer, ct);
            changes.Add((item, choice is null
                ? item with { State = ItemState.Manual, Reason = "no eligible successor: " + string.Join("; ", chain.Skipped) }
                : item with { TakeoverUserid = choice.Userid, Rule = choice.Rule }));
        }

        await store.UpdateAsync(changes, ct);
        var routed = await RouteAsync(s, handover, ct);
        await DecideAsync(s, routed, departed, planned.Count, ct);
    }

    /// <summary>
    /// The approval rules decide whether the plan waits for people and for whom. Customers' corp tags are read only when
    /// a rule asks about them, the rest of the details only when a person will look (Succession:Approval:CustomerDetails).
    /// </summary>
    private async Task<RoutedPlan> RouteAsync(Succession s, Member? handover, CancellationToken ct)
    {
        var mode = options.Value.Approval.CustomerDetails;
        var items = await store.ItemsAsync(s.Id, [ItemState.Planned, ItemState.Manual], ct);
        var facts = new PlanFacts(handover, ApprovalPolicy.TriggerOf(s, handover), items.Count(i => i.Kind == ItemKind.Customer), items.Count(i => i.Kind == ItemKind.Group),
            async token =>
            {
                if (mode != CustomerDetailsMode.Never)
                {
                    await details.ReadCustomersAsync(s.Id, handover, token);
                }

                return (await store.ItemsAsync(s.Id, [ItemState.Planned, ItemState.Manual], token)).SelectMany(i => i.Tags ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
            });
        var routed = await approval.RouteAsync(facts, ct);
        if (mode == CustomerDetailsMode.Always || (mode == CustomerDetailsMode.WhenNeeded && routed.NeedsApproval))
        {
            await details.ReadCustomersAsync(s.Id, handover, ct);
            await details.ReadGroupsAsync(s.Id, ct);
        }

        return routed;
    }

    private async Task DecideAsync(Succession s, RoutedPlan routed, bool departed, int itemCount, CancellationToken ct)
    {
        var rule = routed.Rule;

        // A deleted member's customers and groups move only by the resigned API, whatever the plan was opened for.
        var api = departed ? TransferApi.Resigned : s.Api;
        if (routed.NeedsApproval)
        {
            var now = AuditFormat.ToStoredTime(clock.GetUtcNow());
            await store.TransitionAsync(s.Id, [SuccessionState.Planning], before => before with
            {
                State = SuccessionState.AwaitingApproval, Api = api, Reason = "plan needs approval", Approvers = routed.Approvers, ApprovalRule = rule.Name, ApprovalRoute = rule.Route,
                ApprovalsNeeded = rule.ApprovalsNeeded, ApprovalRound = 1, ApprovalRequestedAt = now,
                RemindAt = now + rule.RemindAfter, EscalateAt = now + rule.EscalateAfter, EscalateEvery = rule.EscalateAfter, ExpireAt = now + rule.ExpireAfter,
            }, ct);
            LogPlanned(logger, s.Id, s.HandoverUserid, itemCount, SuccessionState.AwaitingApproval);
            return;
        }

        // Released: every item with a successor may be sent.
        var ready = await store.ItemsAsync(s.Id, [ItemState.Planned], ct);
        await store.UpdateAsync([.. ready.Where(i => i.TakeoverUserid is not null).Select(i => (i, i with { State = ItemState.Queued }))], ct);
        var next = departed || api == TransferApi.OnJob ? SuccessionState.Transferring : SuccessionState.AwaitingDeletion;
        await store.TransitionAsync(s.Id, [SuccessionState.Planning], before => before with
        {
            State = next, Api = api, Reason = next == SuccessionState.AwaitingDeletion ? "member is disabled, not deleted" : null, ApprovalRule = rule.Name, ApprovalRoute = rule.Route,
        }, ct);
        if (next == SuccessionState.AwaitingDeletion && (await directory.GetAsync(s.HandoverUserid, ct))?.DepartedAt is not null
            && await store.TransitionAsync(s.Id, [SuccessionState.AwaitingDeletion], SuccessionState.Transferring, null, ct))
        {
            // The deletion arrived while this plan was being made: its trigger saw 'planning' and released
            // nothing, so the plan releases itself (read after the transition, so one of the two always sees the other).
            next = SuccessionState.Transferring;
        }

        LogPlanned(logger, s.Id, s.HandoverUserid, itemCount, next);
    }

    /// <summary>A member's customers while WeCom still knows the member (externalcontact/list); null once it does not (40003, 60111).</summary>
    private async Task<IReadOnlyList<string>?> ListedCustomersAsync(string handover, CancellationToken ct)
    {
        try
        {
            return (await wecom.ExecuteExternalContactListAsync(new ExternalContactListRequest { UserId = handover }, ct)).ExternalUserId;
        }
        catch (WeComApiException e) when (MemberReader.IsGone(e))
        {
            return null;
        }
    }

    /// <summary>A departed member's customers: get_unassigned_list has no member filter, so its pages are read and filtered.</summary>
    private async Task<List<string>> UnassignedCustomersAsync(string handover, CancellationToken ct)
    {
        var customers = new List<string>();
        await foreach (var row in wecom.StreamExternalContactGetUnassignedListAsync(new ExternalContactGetUnassignedListRequest { PageSize = 1000 }, ct))
        {
            if (row.HandoverUserId == handover)
            {
                customers.Add(row.ExternalUserId);
            }
        }

        return customers;
    }

    private async Task<List<string>> GroupsAsync(string owner, bool departed, CancellationToken ct)
    {
        var status = departed ? ExternalContactGroupChatStatusFilter.OwnerResigned : ExternalContactGroupChatStatusFilter.All;
        if (!departed || options.Value.FilterResignedGroupsByOwner)
        {
            try
            {
                return await ListGroupsAsync(status, new ExternalContactGroupChatListOwnerFilter { UserIdList = [owner] }, ct);
            }
            catch (WeComApiException e) when (departed && e.ErrCode == 40003)
            {
                // Some corps answer 40003 for a resigned owner in owner_filter (REFERENCE §2.5): list without it.
            }
        }

        var mine = new List<string>();
        foreach (var chatId in await ListGroupsAsync(status, null, ct))
        {
            var chat = await wecom.ExecuteExternalContactGroupChatGetAsync(new ExternalContactGroupChatGetRequest { ChatId = chatId }, ct);
            if (chat.GroupChat?.Owner == owner)
            {
                mine.Add(chatId);
            }
        }

        return mine;
    }

    private async Task<List<string>> ListGroupsAsync(ExternalContactGroupChatStatusFilter status, ExternalContactGroupChatListOwnerFilter? owners, CancellationToken ct)
    {
        var chats = new List<string>();
        await foreach (var chat in wecom.StreamExternalContactGroupChatListAsync(new ExternalContactGroupChatListRequest { StatusFilter = status, OwnerFilter = owners, Limit = 1000 }, ct))
        {
            chats.Add(chat.ChatId);
        }

        return chats;
    }

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Succession {SuccessionId}: WeCom no longer knows {Handover}; planned as a deleted member")]
    private static partial void LogGoneWhilePlanning(ILogger logger, long successionId, string handover);

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Succession {SuccessionId} of {Handover} planned: {Items} items, now {State}")]
    private static partial void LogPlanned(ILogger logger, long successionId, string handover, int items, string state);
}
