using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.WeCom.Tests.Errors;

public sealed class WeComErrorCodesTests
{
    // Every errcode named in REFERENCE.md §0, §1, §2.7, §6 and §7.
    public static TheoryData<int> ReferenceCodes =>
    [
        0, 40014, 42001, 41001, 40082, 42009, 40001, 40013, 40091, 48002, 60020,
        40003, 40096, 40097, 40098, 40099, 40100, 40128, 40129, 40130, 40131, 40143, 41035, 84061, 84074,
        60011, 60111, 90500, 90501, 90502, 90503, 90504, 90507, 90508, 90509, 81017,
        45009, 45033, -1, 6000,
        40029, 42003, 50001, 81013,
    ];

    [Theory]
    [MemberData(nameof(ReferenceCodes))]
    public void Classify_EveryReferenceCode_IsKnown(int code)
    {
        Assert.NotEqual(WeComErrorClass.Unknown, WeComErrorCodes.Classify(code));
        Assert.StartsWith(code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ", WeComErrorCodes.Describe(code), StringComparison.Ordinal);
        Assert.DoesNotContain("unknown", WeComErrorCodes.Describe(code), StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_45011_IsUnknown()
    {
        Assert.Equal(WeComErrorClass.Unknown, WeComErrorCodes.Classify(45011));
        Assert.Contains("unknown", WeComErrorCodes.Describe(45011), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, WeComErrorClass.Success)]
    [InlineData(42001, WeComErrorClass.InvalidToken)]
    [InlineData(45009, WeComErrorClass.Throttled)]
    [InlineData(45033, WeComErrorClass.Throttled)]
    [InlineData(-1, WeComErrorClass.Busy)]
    [InlineData(6000, WeComErrorClass.Busy)]
    [InlineData(40129, WeComErrorClass.InFlight)]
    [InlineData(40099, WeComErrorClass.ReRoute)]
    [InlineData(40130, WeComErrorClass.ReRoute)]
    [InlineData(90508, WeComErrorClass.AlreadyDone)]
    [InlineData(40097, WeComErrorClass.WrongApi)]
    [InlineData(90502, WeComErrorClass.WrongApi)]
    [InlineData(40128, WeComErrorClass.TerminalForItem)]
    [InlineData(42003, WeComErrorClass.TerminalForItem)]
    [InlineData(60020, WeComErrorClass.Configuration)]
    [InlineData(81013, WeComErrorClass.Configuration)]
    public void Classify_RepresentativeCodes_MatchGuidance(int code, WeComErrorClass expected) =>
        Assert.Equal(expected, WeComErrorCodes.Classify(code));

    [Fact]
    public void All_EveryClassButUnknown_HasACode() =>
        Assert.Equal(
            Enum.GetValues<WeComErrorClass>().Where(c => c != WeComErrorClass.Unknown).Order(),
            WeComErrorCodes.All.Values.Select(i => i.Class).Distinct().Order());
}
