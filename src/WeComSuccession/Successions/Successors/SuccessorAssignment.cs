using WeComSuccession.Members;

namespace WeComSuccession.Successions.Successors;

/// <summary>What every person-made choice of a successor (re-assign, change successor, register) must respect.</summary>
internal static class SuccessorAssignment
{
    /// <summary>Null when <paramref name="takeover"/> (as the directory has them) may inherit from <paramref name="handover"/>.</summary>
    public static Failure? Check(Member? takeover, string requested, string handover, string field)
    {
        if (takeover is not null && string.Equals(takeover.Userid, handover, StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Invalid(field, "The successor cannot be the departing member.");
        }

        return Eligibility.AsSuccessor(takeover) is { } why ? Failure.Invalid(field, $"'{requested}' {why}.") : null;
    }

    /// <summary>The item given to <paramref name="takeover"/> by a person (rule <c>manual</c>), in <paramref name="state"/>, with its last error cleared.</summary>
    public static SuccessionItem Assign(SuccessionItem item, string takeover, string state) =>
        item with { TakeoverUserid = takeover, Rule = SuccessorRule.Manual, State = state, Reason = null, Errcode = null, NotBefore = null };
}
