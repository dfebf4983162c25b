using WeComSuccession.Simulator.Callbacks;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.Simulator.Ledger;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

/// <summary>Resigned (离职继承) or on-job (在职继承) customer transfer.</summary>
internal enum TransferKind
{
    Resigned,
    OnJob,
}

/// <summary>One started customer transfer; its status is what transfer_result answers.</summary>
internal sealed class TransferRecord(TransferKind kind, string handover, string takeover, string externalUserId, long startTime, long autoTime)
{
    public TransferKind Kind { get; } = kind;
    public string Handover { get; } = handover;
    public string Takeover { get; } = takeover;
    public string ExternalUserId { get; } = externalUserId;
    public long StartTime { get; } = startTime;

    /// <summary>When the automatic takeover happens (start + 24 h).</summary>
    public long AutoTime { get; } = autoTime;

    public bool Refuses { get; init; }

    /// <summary>1 done, 2 waiting, 3 refused, 4 takeover at limit, 5 no record (on-job).</summary>
    public int Status { get; set; } = 2;

    public long TakeoverTime { get; set; } = autoTime;
}

// Succession: get_unassigned_list, resigned/transfer_customer, transfer_customer, both transfer_result,
// and the automatic takeover (or refusal) that the pump runs when it is due.
public sealed partial class WeComSimulator
{
    private const int TransferStatusWaiting = 2;
    internal const string ResignedTransferApi = "resigned/transfer_customer";
    internal const string OnJobTransferApi = "transfer_customer";

    private readonly PriorityQueue<TransferRecord, long> _due = new();
    private readonly Dictionary<string, TransferRecord> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<(TransferKind, string, string), SortedDictionary<string, TransferRecord>> _results = [];
    private readonly Dictionary<string, List<long>> _onJobStarts = new(StringComparer.Ordinal);

    internal WeComResponse GetUnassignedList(ExternalContactGetUnassignedListRequest request)
    {
        var pageSize = request.PageSize is null or <= 0 ? 1000 : Math.Min(request.PageSize.Value, 1000);
        lock (_sync)
        {
            var after = DecodeCursor(request.Cursor)?.Split('\n');
            var skip = after is null && request.PageId is > 0 ? request.PageId.Value * pageSize : 0;
            var rows = new List<ExternalContactGetUnassignedListItem>(Math.Min(pageSize, 1024));
            IEnumerable<string> resigned = Options.Switches.ResignedAcceptsDisabled
                ? _corp.MemberIds.Where(id => IsResigned(_corp.Members[id]))
                : _corp.DeletedMemberIds;
            if (after is not null)
            {
                resigned = resigned.Where(id => string.CompareOrdinal(id, after[0]) >= 0);
            }

            foreach (var handover in resigned)
            {
                var m = _corp.Members[handover];
                var view = after is not null && string.Equals(handover, after[0], StringComparison.Ordinal) ? TailFrom(m.Customers, after[1]) : m.Customers;
                foreach (var externalUserId in view)
                {
                    if (after is not null && string.Equals(handover, after[0], StringComparison.Ordinal) && string.Equals(externalUserId, after[1], StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // Assigned customers (a transfer is waiting) are no longer "unassigned".
                    if (_inFlight.TryGetValue(externalUserId, out var r) && string.Equals(r.Handover, handover, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (skip > 0)
                    {
                        skip--;
                        continue;
                    }

                    if (rows.Count == pageSize)
                    {
                        var last = rows[^1];
                        return new ExternalContactGetUnassignedListResponse
                        {
                            ErrMsg = "ok",
                            Info = rows,
                            IsLast = false,
                            NextCursor = request.PageId is > 0 && request.Cursor is null ? null : EncodeCursor($"{last.HandoverUserId}\n{last.ExternalUserId}"),
                        };
                    }

                    rows.Add(new ExternalContactGetUnassignedListItem { HandoverUserId = handover, ExternalUserId = externalUserId, DimissionTime = m.DimissionTime });
                }
            }

            return new ExternalContactGetUnassignedListResponse { ErrMsg = "ok", Info = rows, IsLast = true, NextCursor = "" };
        }
    }

    internal WeComResponse ResignedTransferCustomer(ExternalContactResignedTransferCustomerRequest request) =>
        TransferCustomers(TransferKind.Resigned, request.HandoverUserId, request.TakeoverUserId, request.ExternalUserId, out var items) is { } error
            ? error
            : new ExternalContactResignedTransferCustomerResponse { ErrMsg = "ok", Customer = items };

    internal WeComResponse OnJobTransferCustomer(ExternalContactTransferCustomerRequest request) =>
        TransferCustomers(TransferKind.OnJob, request.HandoverUserId, request.TakeoverUserId, request.ExternalUserId, out var items) is { } error
            ? error
            : new ExternalContactTransferCustomerResponse { ErrMsg = "ok", Customer = items };

    internal WeComResponse TransferResult(TransferKind kind, string handover, string takeover, string? cursor)
    {
        if (string.IsNullOrEmpty(handover) || string.IsNullOrEmpty(takeover))
        {
            return Error(41009, "handover_userid and takeover_userid are required");
        }

        lock (_sync)
        {
            var rows = new List<ExternalContactTransferResultItem>();
            var next = "";
            if (_results.TryGetValue((kind, handover, takeover), out var records))
            {
                var after = DecodeCursor(cursor);
                foreach (var (externalUserId, record) in records)
                {
                    if (after is not null && string.CompareOrdinal(externalUserId, after) <= 0)
                    {
                        continue;
                    }

                    if (rows.Count == 1000)
                    {
                        next = EncodeCursor(rows[^1].ExternalUserId);
                        break;
                    }

                    rows.Add(new ExternalContactTransferResultItem
                    {
                        ExternalUserId = externalUserId,
                        Status = (ExternalContactTransferStatus)record.Status,
                        TakeoverTime = record.TakeoverTime,
                    });
                }
            }

            return kind == TransferKind.Resigned
                ? new ExternalContactResignedTransferResultResponse { ErrMsg = "ok", Customer = rows, NextCursor = next }
                : new ExternalContactTransferResultResponse { ErrMsg = "ok", Customer = rows, NextCursor = next };
        }
    }

    private WeComErrorResponse? TransferCustomers(TransferKind kind, string handoverId, string takeoverId, IReadOnlyList<string> externalUserIds, out List<ExternalContactTransferCustomerItem> items)
    {
        items = [];
        var api = kind == TransferKind.Resigned ? ResignedTransferApi : OnJobTransferApi;
        if (externalUserIds.Count == 0)
        {
            return Error(41035);
        }

        if (externalUserIds.Count > 100)
        {
            return Error(40058, "external_userid holds more than 100 ids");
        }

        if (string.IsNullOrEmpty(handoverId))
        {
            return Error(41009, "handover_userid");
        }

        lock (_sync)
        {
            var now = Now;
            PumpLocked(now);
            var time = Clock.GetUtcNow();
            var callError = 0;
            var perItemError = 0;
            if (!_corp.Members.TryGetValue(handoverId, out var handover))
            {
                callError = 40003;
            }
            else if (kind == TransferKind.Resigned && !IsResigned(handover))
            {
                // 该成员尚未离职: the resigned API needs a handover who has left.
                if (Options.Switches.NotResignedPerItem)
                {
                    perItemError = 40097;
                }
                else
                {
                    callError = 40097;
                }
            }
            else if (kind == TransferKind.OnJob && (handover.Deleted || handover.Status switch
            {
                1 => false,
                2 => !Options.Switches.OnJobAcceptsDisabledHandover,
                _ => true,
            }))
            {
                callError = 40003;
            }

            if (callError == 0 && string.Equals(handoverId, takeoverId, StringComparison.Ordinal))
            {
                // 原跟进人与接手人一样: answered per customer, before the takeover is looked at.
                perItemError = perItemError == 0 ? 40130 : perItemError;
            }
            else if (callError == 0)
            {
                callError = TakeoverProblem(takeoverId, out _);
            }

            if (callError != 0)
            {
                foreach (var id in externalUserIds)
                {
                    Ledger.RecordTransfer(new TransferItem(Ledger.NextSeq(), time, api, handoverId, takeoverId ?? "", id, callError, null));
                }

                return Error(callError, callError == 40097 ? handoverId : takeoverId);
            }

            var takeover = _corp.Members.GetValueOrDefault(takeoverId) ?? handover!;
            foreach (var externalUserId in externalUserIds)
            {
                var code = perItemError != 0 ? perItemError : CheckCustomer(kind, handover!, takeover, externalUserId, now);
                TransferRecord? record = null;
                if (code == 0)
                {
                    record = Start(kind, handover!, takeover, externalUserId, now);
                }

                Ledger.RecordTransfer(new TransferItem(Ledger.NextSeq(), time, api, handoverId, takeoverId, externalUserId, code, record));
                items.Add(new ExternalContactTransferCustomerItem { ExternalUserId = externalUserId, ErrCode = code });
            }

            return null;
        }
    }

    private int CheckCustomer(TransferKind kind, Member handover, Member takeover, string externalUserId, long now)
    {
        if (!_corp.Customers.TryGetValue(externalUserId, out var customer))
        {
            return 40096;
        }

        if (string.Equals(handover.UserId, takeover.UserId, StringComparison.Ordinal))
        {
            return 40130;
        }

        if (customer.CurrentFollow(handover.UserId) is null)
        {
            // An ended relation (deleted by either side) is "no relation"; never following is 40131.
            return customer.EndedFollow(handover.UserId) is not null ? 84061 : 40131;
        }

        if (_inFlight.TryGetValue(externalUserId, out var waiting))
        {
            return string.Equals(waiting.Handover, handover.UserId, StringComparison.Ordinal) ? 40100 : 40129;
        }

        if (kind == TransferKind.OnJob && _onJobStarts.TryGetValue(externalUserId, out var starts)
            && starts.Count(t => t > now - (90 * Day)) >= Options.OnJobTransfersPer90Days)
        {
            return 40128;
        }

        return takeover.Customers.Count >= CustomerLimit(takeover) ? 40099 : 0;
    }

    private TransferRecord Start(TransferKind kind, Member handover, Member takeover, string externalUserId, long now)
    {
        var customer = _corp.Customers[externalUserId];
        var refuses = customer.Refuses ?? (Options.RefusalRate > 0 && _random.NextDouble() < Options.RefusalRate);
        var auto = now + (long)Options.TakeoverDelay.TotalSeconds;
        var record = new TransferRecord(kind, handover.UserId, takeover.UserId, externalUserId, now, auto) { Refuses = refuses };
        var resolveAt = refuses ? Math.Min(auto, now + (long)Options.RefusalDelay.TotalSeconds) : auto;
        _due.Enqueue(record, resolveAt);
        _inFlight[externalUserId] = record;
        if (!_results.TryGetValue((kind, handover.UserId, takeover.UserId), out var byCustomer))
        {
            _results[(kind, handover.UserId, takeover.UserId)] = byCustomer = new SortedDictionary<string, TransferRecord>(StringComparer.Ordinal);
        }

        byCustomer[externalUserId] = record;
        if (kind == TransferKind.OnJob)
        {
            if (!_onJobStarts.TryGetValue(externalUserId, out var starts))
            {
                _onJobStarts[externalUserId] = starts = [];
            }

            starts.Add(now);
        }

        return record;
    }

    /// <summary>The takeover (or refusal) of one waiting transfer, at <paramref name="at"/>.</summary>
    private void Resolve(TransferRecord record, long at)
    {
        if (_inFlight.TryGetValue(record.ExternalUserId, out var current) && ReferenceEquals(current, record))
        {
            _inFlight.Remove(record.ExternalUserId);
        }

        var customer = _corp.Customers[record.ExternalUserId];
        var handover = _corp.Members[record.Handover];
        var takeover = _corp.Members[record.Takeover];
        var follow = customer.CurrentFollow(handover.UserId);
        if (follow is null)
        {
            // The relation ended while waiting: nothing left to hand over.
            record.Status = record.Kind == TransferKind.OnJob ? 5 : 3;
            record.TakeoverTime = 0;
            return;
        }

        if (record.Refuses)
        {
            record.Status = 3;
            record.TakeoverTime = 0;
            if (record.Kind == TransferKind.Resigned || !Options.Switches.OnJobRefusalKeepsHandover)
            {
                _corp.EndFollow(customer, handover);
            }

            PushTransferFail(takeover.UserId, customer.ExternalUserId, "customer_refused", at);
            return;
        }

        if (customer.CurrentFollow(takeover.UserId) is null && takeover.Customers.Count >= CustomerLimit(takeover))
        {
            record.Status = 4;
            record.TakeoverTime = at;
            PushTransferFail(takeover.UserId, customer.ExternalUserId, "customer_limit_exceed", at);
            return;
        }

        _corp.RemoveFollow(customer, handover);
        var inherited = _corp.AddFollow(customer, takeover, at, addWay: 202, remark: follow.Remark);
        // Assumption (WeCom does not say): corp tags travel with the relation, as the remark does; a takeover who
        // already followed the customer keeps their own tags and gains the handover's.
        inherited.TagIds = inherited.TagIds.Length == 0 ? follow.TagIds : [.. inherited.TagIds.Union(follow.TagIds, StringComparer.Ordinal)];
        record.Status = 1;
        record.TakeoverTime = at;
    }

    private void PushTransferFail(string takeover, string externalUserId, string reason, long at)
    {
        var xml = CallbackXml.TransferFail(Options.CorpId, at, takeover, externalUserId, reason);
        Callbacks.Enqueue("change_external_contact", "transfer_fail", takeover, externalUserId, at, xml);
    }

    /// <summary>Every transfer item with its live status (for the ledger API).</summary>
    public IReadOnlyList<CustomerTransferEntry> CustomerTransfers(string? externalUserId = null)
    {
        var items = Ledger.TransferItems();
        lock (_sync)
        {
            return [.. items
                .Where(i => externalUserId is null || string.Equals(i.ExternalUserId, externalUserId, StringComparison.Ordinal))
                .Select(i => new CustomerTransferEntry(i.Seq, i.Time, i.Api, i.Handover, i.Takeover, i.ExternalUserId, i.ErrCode, i.Record?.Status ?? 0, i.Record?.TakeoverTime ?? 0))];
        }
    }

    /// <summary>Transfers still waiting for their takeover.</summary>
    public int WaitingTransfers
    {
        get
        {
            lock (_sync)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>Makes a customer refuse every transfer (true), accept every transfer (false) or follow the refusal rate (null).</summary>
    public bool SetRefusal(string externalUserId, bool? refuses)
    {
        lock (_sync)
        {
            if (!_corp.Customers.TryGetValue(externalUserId, out var c))
            {
                return false;
            }

            c.Refuses = refuses;
            return true;
        }
    }

    /// <summary>Ends the relation member ↔ customer (one side deleted the other): transfers answer 84061 from then on.</summary>
    public bool EndRelation(string externalUserId, string userId)
    {
        lock (_sync)
        {
            return _corp.Customers.TryGetValue(externalUserId, out var c) && _corp.Members.TryGetValue(userId, out var m) && _corp.EndFollow(c, m);
        }
    }
}
