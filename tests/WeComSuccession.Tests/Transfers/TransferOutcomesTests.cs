using WeComSuccession.Successions;
using WeComSuccession.Transfers;

namespace WeComSuccession.Tests.Transfers;

/// <summary>The pure mapping of a per-item errcode of a transfer call to the item's next state, as a table.</summary>
public sealed class TransferOutcomesTests
{
    private static readonly DateTime FirstCheck = new(2026, 11, 29, 8, 1, 0, DateTimeKind.Utc);
    private static readonly DateTime GroupDeadline = new(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, string, int?, bool, string> Table => new()
    {
        // kind, api, errcode (null: not in the answer), confirm group owner → outcome
        { "customer", "resigned", 0, true, nameof(TransferOutcome.AwaitTakeover) },
        { "customer", "on_job", 0, true, nameof(TransferOutcome.AwaitTakeover) },
        { "customer", "resigned", null, true, nameof(TransferOutcome.NotInAnswer) },
        { "customer", "resigned", 40129, true, nameof(TransferOutcome.AwaitTakeover) },  // being transferred from another follower
        { "customer", "resigned", 40100, true, nameof(TransferOutcome.AwaitTakeover) },  // a transfer from this handover is waiting
        { "customer", "resigned", 40099, true, nameof(TransferOutcome.ReRoute) },        // successor at its customer limit
        { "customer", "resigned", 40098, true, nameof(TransferOutcome.ReRoute) },        // successor not real-name verified
        { "customer", "resigned", 40097, true, nameof(TransferOutcome.AwaitDeletion) },  // the member has not resigned yet
        { "customer", "on_job", 40097, true, nameof(TransferOutcome.Failed) },           // on-job: not a reason to wait for a deletion
        { "customer", "resigned", 40096, true, nameof(TransferOutcome.Failed) },         // unknown customer
        { "customer", "resigned", 84061, true, nameof(TransferOutcome.Failed) },         // the relation has ended
        { "customer", "on_job", 40128, true, nameof(TransferOutcome.Failed) },           // 2 on-job transfers in 90 days
        { "group", "resigned", 0, true, nameof(TransferOutcome.AwaitNewOwner) },
        { "group", "resigned", 0, false, nameof(TransferOutcome.Transferred) },
        { "group", "resigned", 90507, true, nameof(TransferOutcome.AwaitNewOwner) },     // being inherited
        { "group", "resigned", 90507, false, nameof(TransferOutcome.AwaitNewOwner) },
        { "group", "resigned", 90508, true, nameof(TransferOutcome.Transferred) },       // already inherited
        { "group", "resigned", 90500, true, nameof(TransferOutcome.AwaitDeletion) },     // owner not resigned
        { "group", "resigned", 40050, true, nameof(TransferOutcome.Failed) },            // unknown chat
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Of_Errcode_GivesTheOutcome(string kind, string api, int? code, bool confirmGroupOwner, string expected) =>
        Assert.Equal(expected, TransferOutcomes.Of(kind, api, code, confirmGroupOwner).ToString());

    [Theory]
    [InlineData(nameof(TransferOutcome.NotInAnswer), null, "waiting", null)]
    [InlineData(nameof(TransferOutcome.AwaitTakeover), 0, "waiting", null)]
    [InlineData(nameof(TransferOutcome.AwaitTakeover), 40129, "waiting", 40129)]
    [InlineData(nameof(TransferOutcome.AwaitNewOwner), 0, "waiting", null)]
    [InlineData(nameof(TransferOutcome.Transferred), 90508, "transferred", 90508)]
    [InlineData(nameof(TransferOutcome.Failed), 40096, "failed", 40096)]
    public void Next_Outcome_SetsStateErrcodeAndCheckTime(string name, int? code, string state, int? errcode)
    {
        var outcome = Enum.Parse<TransferOutcome>(name);
        var item = new SuccessionItem { Id = 7, Kind = ItemKind.Customer, TargetId = "wm1", State = ItemState.Submitting, TakeoverUserid = "lisi", Errcode = 45009, Reason = "earlier" };

        var next = TransferOutcomes.Next(item, outcome, code, FirstCheck, GroupDeadline)!;

        Assert.Equal((state, errcode), (next.State, next.Errcode));
        Assert.Equal(state == ItemState.Waiting ? FirstCheck : null, next.NextCheckAt);
        Assert.Equal(outcome == TransferOutcome.AwaitNewOwner ? GroupDeadline : null, next.TakeoverTime);
        Assert.Equal("lisi", next.TakeoverUserid);
        if (outcome == TransferOutcome.Failed)
        {
            Assert.False(string.IsNullOrEmpty(next.Reason));
        }
        else if (outcome != TransferOutcome.NotInAnswer)
        {
            Assert.Null(next.Reason);
        }
    }

    [Theory]
    [InlineData(nameof(TransferOutcome.ReRoute))]
    [InlineData(nameof(TransferOutcome.AwaitDeletion))]
    public void Next_OutcomesThatNeedTheChainOrTheSuccession_AreLeftToTheRunner(string name) =>
        Assert.Null(TransferOutcomes.Next(new SuccessionItem { State = ItemState.Submitting }, Enum.Parse<TransferOutcome>(name), 40099, FirstCheck, GroupDeadline));
}
