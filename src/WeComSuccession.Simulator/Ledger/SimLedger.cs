namespace WeComSuccession.Simulator.Ledger;

/// <summary>One <c>/cgi-bin</c> call as the simulator answered it.</summary>
/// <param name="Seq">Order of arrival.</param>
/// <param name="Time">Simulated time of the call.</param>
/// <param name="Path">The API path.</param>
/// <param name="ErrCode">The errcode answered; null when no JSON was answered (HTTP 5xx, dropped).</param>
/// <param name="HttpStatus">HTTP status; 0 when the connection was dropped before an answer.</param>
/// <param name="Fault">The injected fault, if any: <c>errcode</c>, <c>http5xx</c>, <c>drop</c>, <c>drop-after</c>, <c>script</c>.</param>
public sealed record ApiCallRecord(long Seq, DateTimeOffset Time, string Path, int? ErrCode, int HttpStatus, string? Fault);

/// <summary>One customer of one transfer call, with the transfer's state now.</summary>
/// <param name="Seq">Order of the call item.</param>
/// <param name="Time">Simulated time of the call.</param>
/// <param name="Api"><c>resigned/transfer_customer</c> or <c>transfer_customer</c>.</param>
/// <param name="Handover">handover_userid.</param>
/// <param name="Takeover">takeover_userid.</param>
/// <param name="ExternalUserId">The customer.</param>
/// <param name="ErrCode">The per-customer (or call-level) errcode answered; 0 = takeover started.</param>
/// <param name="Status">For started transfers, transfer_result's status now (1 done, 2 waiting, 3 refused, 4 limit, 5 no record); 0 otherwise.</param>
/// <param name="TakeoverTime">transfer_result's takeover_time now.</param>
public sealed record CustomerTransferEntry(long Seq, DateTimeOffset Time, string Api, string Handover, string Takeover, string ExternalUserId, int ErrCode, int Status, long TakeoverTime);

/// <summary>One group of one group-transfer call.</summary>
/// <param name="Seq">Order of the call item.</param>
/// <param name="Time">Simulated time of the call.</param>
/// <param name="Api"><c>groupchat/transfer</c> or <c>groupchat/onjob_transfer</c>.</param>
/// <param name="ChatId">The group.</param>
/// <param name="OldOwner">The owner at the time of the call (empty for an unknown chat).</param>
/// <param name="NewOwner">new_owner.</param>
/// <param name="ErrCode">The per-group errcode (0 = accepted; failed_chat_list otherwise).</param>
/// <param name="Status">The group's status now (0 normal, 1 owner resigned, 2 inheriting, 3 inherited).</param>
public sealed record GroupTransferEntry(long Seq, DateTimeOffset Time, string Api, string ChatId, string OldOwner, string NewOwner, int ErrCode, int Status);

/// <summary>An app message received by <c>message/send</c>.</summary>
/// <param name="Seq">Order of arrival.</param>
/// <param name="Time">Simulated time.</param>
/// <param name="ToUser">touser as sent.</param>
/// <param name="ToParty">toparty as sent.</param>
/// <param name="ToTag">totag as sent.</param>
/// <param name="MsgType">msgtype.</param>
/// <param name="MsgId">The msgid answered.</param>
/// <param name="InvalidUser">invaliduser answered.</param>
/// <param name="Body">The request body as received (JSON).</param>
public sealed record SentMessage(long Seq, DateTimeOffset Time, string? ToUser, string? ToParty, string? ToTag, string MsgType, string MsgId, string? InvalidUser, string Body);

/// <summary>Calls per path and errcode.</summary>
/// <param name="Path">The API path.</param>
/// <param name="ErrCode">errcode, or null for HTTP 5xx and dropped calls.</param>
/// <param name="Count">How many.</param>
public sealed record ApiCallCount(string Path, int? ErrCode, long Count);

/// <summary>
/// Everything that happened, for tests to assert on ("transferred exactly once"): API calls (capped at
/// <see cref="SimulatorOptions.LedgerCapacity"/>, counts beyond), transfer items and group items (all).
/// </summary>
internal sealed class SimLedger(int capacity)
{
    private readonly Lock _sync = new();
    private readonly List<ApiCallRecord> _calls = [];
    private readonly Dictionary<(string, int?), long> _counts = [];
    private readonly List<TransferItem> _transfers = [];
    private readonly List<GroupTransferEntry> _groups = [];
    private readonly List<SentMessage> _messages = [];
    private long _seq;

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public void RecordCall(DateTimeOffset time, string path, int? errcode, int httpStatus, string? fault)
    {
        lock (_sync)
        {
            var key = (path, errcode);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            if (_calls.Count < capacity)
            {
                _calls.Add(new ApiCallRecord(NextSeq(), time, path, errcode, httpStatus, fault));
            }
        }
    }

    public void RecordTransfer(TransferItem item)
    {
        lock (_sync)
        {
            _transfers.Add(item);
        }
    }

    public void RecordGroup(GroupTransferEntry entry)
    {
        lock (_sync)
        {
            _groups.Add(entry);
        }
    }

    public void RecordMessage(SentMessage message)
    {
        lock (_sync)
        {
            _messages.Add(message);
        }
    }

    public IReadOnlyList<ApiCallRecord> Calls(string? path = null)
    {
        lock (_sync)
        {
            return path is null ? [.. _calls] : [.. _calls.Where(c => string.Equals(c.Path, path, StringComparison.Ordinal))];
        }
    }

    public IReadOnlyList<ApiCallCount> Counts()
    {
        lock (_sync)
        {
            return [.. _counts.Select(kv => new ApiCallCount(kv.Key.Item1, kv.Key.Item2, kv.Value)).OrderBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.ErrCode)];
        }
    }

    /// <summary>Transfer items; the caller turns them into entries under the corp lock (their status is live).</summary>
    public IReadOnlyList<TransferItem> TransferItems()
    {
        lock (_sync)
        {
            return [.. _transfers];
        }
    }

    public IReadOnlyList<GroupTransferEntry> Groups()
    {
        lock (_sync)
        {
            return [.. _groups];
        }
    }

    public IReadOnlyList<SentMessage> Messages()
    {
        lock (_sync)
        {
            return [.. _messages];
        }
    }
}

/// <summary>A transfer call item; <see cref="Record"/> is the started transfer (null when the item was refused with an errcode).</summary>
internal sealed record TransferItem(long Seq, DateTimeOffset Time, string Api, string Handover, string Takeover, string ExternalUserId, int ErrCode, Engine.TransferRecord? Record);
