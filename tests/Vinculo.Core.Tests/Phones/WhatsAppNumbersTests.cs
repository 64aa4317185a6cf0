using CsCheck;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Phones;

public sealed class WhatsAppNumbersTests
{
    [Theory]
    [InlineData("5511987654321", new[] { "+5511987654321", "+551187654321" })]
    [InlineData("+5511987654321", new[] { "+5511987654321", "+551187654321" })]
    [InlineData("+55 11 98765-4321", new[] { "+5511987654321", "+551187654321" })]
    [InlineData("551187654321", new[] { "+551187654321", "+5511987654321" })]
    [InlineData("+556899123456", new[] { "+556899123456", "+5568999123456" })]
    public void MatchingE164_GivesBothFormsOfABrazilianMobile(string waId, string[] expected) =>
        Assert.Equal(expected, WhatsAppNumbers.MatchingE164(waId));

    [Fact]
    public void MatchingE164_GivesBothFormsOfAnEightDigitNumberThatIsAlsoValidAsItIs() =>
        // 7xxx-xxxx numbers (once radio trunking) are valid with 8 digits, and 9 7xxx-xxxx is a mobile too.
        Assert.Equal(["+554370123456", "+5543970123456"], WhatsAppNumbers.MatchingE164("554370123456"));

    [Theory]
    [InlineData("551134567890", "+551134567890")]
    [InlineData("5511934567890", "+5511934567890")]
    [InlineData("5511953456789", "+5511953456789")]
    [InlineData("558001234567", "+558001234567")]
    [InlineData("16502530000", "+16502530000")]
    [InlineData("+351 912 345 678", "+351912345678")]
    [InlineData("447400123456", "+447400123456")]
    public void MatchingE164_GivesOnlyItself_ForLandlinesNewMobilesAndOtherCountries(string waId, string itself) =>
        // 9 3456-7890 never was 3456-7890: that is someone's landline.
        Assert.Equal([itself], WhatsAppNumbers.MatchingE164(waId));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("+")]
    [InlineData("5511")]
    [InlineData("5510987654321")]
    [InlineData("552087654321")]
    [InlineData("55119876543210")]
    [InlineData("5511987654321 ramal 2")]
    [InlineData("5511987654321/551134567890")]
    [InlineData("1234567890123456")]
    [InlineData("+999 1234 5678")]
    public void MatchingE164_IsEmptyForGarbage(string? waId) =>
        Assert.Empty(WhatsAppNumbers.MatchingE164(waId));

    [Fact]
    public void MatchingE164_MatchesWhatTheClassifierStores_ForEitherForm() =>
        Gen.Select(Gen.OneOf(BrazilianDdds.All), Gen.Int[6, 9], Gen.Int[0, 9_999_999])
            .Sample((ddd, first, rest) =>
            {
                var classifier = new PhoneClassifier(new PhoneOptions());
                var stored = classifier.Classify($"({ddd}) 9{first}{rest:D7}").E164!;
                var oldWaId = $"55{ddd}{first}{rest:D7}";
                var newWaId = $"55{ddd}9{first}{rest:D7}";

                Assert.Contains(stored, WhatsAppNumbers.MatchingE164(oldWaId));
                Assert.Contains(stored, WhatsAppNumbers.MatchingE164(newWaId));
                Assert.Contains(classifier.Classify(oldWaId).E164!, WhatsAppNumbers.MatchingE164(newWaId));
            }, iter: 2_000);
}
