using WeComSuccession.Successions;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Transfers;

/// <summary>What one item's answer in a transfer call means; decided by <see cref="TransferOutcomes.Of"/>.</summary>
internal enum TransferOutcome
{
    /// <summary>WeCom answered the call without this item: it cannot have started; ask the result before resending.</summary>
    NotInAnswer,

    /// <summary>A customer's 24 h takeover started, or one was already under way: ask transfer_result later.</summary>
    AwaitTakeover,

    /// <summary>A group was handed over (or is being inherited): confirmed once groupchat/list shows its new owner.</summary>
    AwaitNewOwner,

    /// <summary>Done: a group WeCom reports moved (when the call's answer is trusted), or an item already transferred.</summary>
    Transferred,

    /// <summary>The successor cannot take it (capacity, permission, verification): the next one in the chain.</summary>
    ReRoute,

    /// <summary>WeCom says the member has not resigned yet (40097 / 90500): hold it until the deletion arrives.</summary>
    AwaitDeletion,

    /// <summary>Anything else: failed, with the reason from the errcode table, for a person to look at.</summary>
    Failed,
}

/// <summary>
/// The pure mapping from a per-item errcode of a transfer call to the item's next state, through the one errcode
/// table (<see cref="WeComErrorCodes"/>). No database, no clock: the runner applies what this decides.
/// </summary>
internal static class TransferOutcomes
{
    /// <param name="kind">customer or group.</param>
    /// <param name="api">The succession's transfer API (resigned or on-job).</param>
    /// <param name="code">The item's errcode, or null when the answer did not mention it.</param>
    /// <param name="confirmGroupOwner">Succession:Transfer:ConfirmGroupOwner: whether a group's success is checked.</param>
    public static TransferOutcome Of(string kind, string api, int? code, bool confirmGroupOwner)
    {
        if (code is not { } errcode)
        {
            return TransferOutcome.NotInAnswer;
        }

        var group = kind == ItemKind.Group;
        return WeComErrorCodes.Classify(errcode) switch
        {
            WeComErrorClass.Success when group => confirmGroupOwner ? TransferOutcome.AwaitNewOwner : TransferOutcome.Transferred,
            WeComErrorClass.AlreadyDone => TransferOutcome.Transferred,
            WeComErrorClass.InFlight when group => TransferOutcome.AwaitNewOwner,
            WeComErrorClass.Success or WeComErrorClass.InFlight => TransferOutcome.AwaitTakeover,
            WeComErrorClass.ReRoute => TransferOutcome.ReRoute,
            WeComErrorClass.WrongApi when api == TransferApi.Resigned && errcode is 40097 or 90500 => TransferOutcome.AwaitDeletion,
            _ => TransferOutcome.Failed,
        };
    }

    /// <summary>
    /// The item after <paramref name="outcome"/>; null for <see cref="TransferOutcome.ReRoute"/> and
    /// <see cref="TransferOutcome.AwaitDeletion"/>, which need the successor chain or the succession.
    /// </summary>
    public static SuccessionItem? Next(SuccessionItem item, TransferOutcome outcome, int? code, DateTime firstCheck, DateTime groupDeadline) => outcome switch
    {
        TransferOutcome.NotInAnswer => item with { State = ItemState.Waiting, NextCheckAt = firstCheck, Errcode = null, Reason = "not in WeCom's answer" },
        TransferOutcome.AwaitTakeover => item with { State = ItemState.Waiting, NextCheckAt = firstCheck, Errcode = code == 0 ? null : code, Reason = null },
        TransferOutcome.AwaitNewOwner => item with { State = ItemState.Waiting, NextCheckAt = firstCheck, TakeoverTime = groupDeadline, Errcode = code == 0 ? null : code, Reason = null },
        TransferOutcome.Transferred => item with { State = ItemState.Transferred, Errcode = code == 0 ? null : code, Reason = null },
        TransferOutcome.Failed => item with { State = ItemState.Failed, Errcode = code, Reason = WeComErrorCodes.Describe(code!.Value) },
        _ => null,
    };
}
