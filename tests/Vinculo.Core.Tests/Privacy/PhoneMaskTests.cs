using Vinculo.Privacy;
using Xunit;

namespace Vinculo.Core.Tests.Privacy;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+5511987654321", "+55 11 9****-4321")]
    [InlineData("5511987654321", "+55 11 9****-4321")]
    [InlineData("+55 (11) 98765-4321", "+55 11 9****-4321")]
    [InlineData("+551134567890", "+55 11 3***-7890")]
    [InlineData("+14155552671", "+14 *****-2671")]
    public void Mask_KeepsOnlyCountryAreaAndLastDigits(string phone, string expected) =>
        Assert.Equal(expected, PhoneMask.Mask(phone));

    [Theory]
    [InlineData(null, "(vazio)")]
    [InlineData("  ", "(vazio)")]
    [InlineData("12345", "*****")]
    [InlineData("abc", "")]
    public void Mask_HandlesShortAndEmptyInput(string? phone, string expected) =>
        Assert.Equal(expected, PhoneMask.Mask(phone));

    [Fact]
    public void Mask_NeverShowsTheMiddleDigits()
    {
        var masked = PhoneMask.Mask("+5511987654321");
        Assert.DoesNotContain("8765", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_RefusesAbsurdlyLongInputWithoutThrowing() =>
        Assert.Equal("(inválido)", PhoneMask.Mask(new string('9', 40)));
}
