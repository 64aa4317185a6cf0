using Vinculo.Consent;
using Vinculo.Phones;
using Vinculo.Privacy;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class SenderNumbersTests
{
    private static readonly PhoneClassifier Numbers = new(new PhoneOptions { DefaultAreaCode = "11" });

    [Theory]
    [InlineData("5511987654321")]
    [InlineData("551187654321")]
    [InlineData("+55 11 98765-4321")]
    public void Forms_OfAWhatsAppId_AreBothFormsOfTheBrazilianMobile(string fromPhone) =>
        Assert.Equal(["+551187654321", "+5511987654321"], SenderNumbers.Forms(fromPhone, Numbers).Order(StringComparer.Ordinal));

    [Fact]
    public void Forms_OfANationalNumber_AreWhatTheClassifierMakesOfIt_InBothForms() =>
        Assert.Equal(["+551187654321", "+5511987654321"], SenderNumbers.Forms("98765-4321", Numbers).Order(StringComparer.Ordinal));

    [Fact]
    public void Forms_OfALandline_IsItselfAlone() =>
        Assert.Equal(["+551134567890"], SenderNumbers.Forms("551134567890", Numbers));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    public void Forms_OfNothingReadable_IsEmpty(string? fromPhone) =>
        Assert.Empty(SenderNumbers.Forms(fromPhone, Numbers));

    [Fact]
    public void Canonical_IsTheLongestForm_TheCurrentThirteenDigitMobile()
    {
        Assert.Equal("+5511987654321", SenderNumbers.Canonical(["+551187654321", "+5511987654321"]));
        Assert.Equal("+5511987654321", SenderNumbers.Canonical(["+5511987654321", "+551187654321"]));
    }

    [Fact]
    public void Canonical_IsTheOnlyForm_OrNullWithoutOne()
    {
        Assert.Equal("+551134567890", SenderNumbers.Canonical(["+551134567890"]));
        Assert.Null(SenderNumbers.Canonical([]));
    }

    [Fact]
    public void Hashes_AreTheCanonicalFormAndEveryStoredNumber_EachOnce()
    {
        var hashes = SenderNumbers.Hashes(["+551187654321", "+5511987654321"], ["+551187654321", null, "+5511987654321", "+5521912345678"]);

        Assert.Equal(
            new[] { PhoneHash.Of("+5511987654321"), PhoneHash.Of("+551187654321"), PhoneHash.Of("+5521912345678") }.Order(StringComparer.Ordinal),
            hashes);
    }

    [Fact]
    public void Hashes_LeaveOutTheShortForm_WhenNoContactStoresIt()
    {
        var hashes = SenderNumbers.Hashes(["+551187654321", "+5511987654321"], []);

        Assert.Equal([PhoneHash.Of("+5511987654321")], hashes);
    }

    [Fact]
    public void Hashes_WithoutASenderNumber_AreTheStoredNumbersAlone() =>
        Assert.Equal([PhoneHash.Of("+5511987654321")], SenderNumbers.Hashes([], ["+5511987654321", null]));
}
