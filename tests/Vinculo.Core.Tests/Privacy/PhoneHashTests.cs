using System.Globalization;
using CsCheck;
using Vinculo.Core.Tests.Phones;
using Vinculo.Phones;
using Vinculo.Privacy;
using Xunit;

namespace Vinculo.Core.Tests.Privacy;

public sealed class PhoneHashTests
{
    private const string Mobile = "+5511987654321";
    private const string MobileWithoutNinthDigit = "+551187654321";

    [Fact]
    public void Of_IsTheLowerCaseHexSha256OfTheText()
    {
        // sha256sum of the UTF-8 text, computed outside .NET.
        Assert.Equal("38225ec3dccec4189659c110ddc4f3dc9c27539850cb6a9ddae31ae03a5cf441", PhoneHash.Of(Mobile));
        Assert.Equal("87f921ad42ea99e741ce4d07a7f1d11f1f04120c4a2750dd0c8a301db77f7451", PhoneHash.Of(MobileWithoutNinthDigit));
    }

    /// <summary>Each thread hashes with a hasher of its own: numbers hashed at once on many threads get their own hashes.</summary>
    [Fact]
    public void Of_HashesEachNumberAlone_OnManyThreadsAtOnce()
    {
        var numbers = Enumerable.Range(0, 20_000).Select(i => "+5511" + (900000000 + (i * 7919)).ToString(CultureInfo.InvariantCulture)).ToArray();
        var hashes = new string[numbers.Length];
        Parallel.For(0, numbers.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => hashes[i] = PhoneHash.Of(numbers[i]));

        Assert.Equal(
            numbers.Select(n => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(n)))),
            hashes);
    }

    [Fact]
    public void OfEveryForm_GivesBothFormsOfABrazilianMobile_ItselfFirst()
    {
        Assert.Equal([PhoneHash.Of(Mobile), PhoneHash.Of(MobileWithoutNinthDigit)], PhoneHash.OfEveryForm(Mobile));
        Assert.Equal([PhoneHash.Of(MobileWithoutNinthDigit), PhoneHash.Of(Mobile)], PhoneHash.OfEveryForm(MobileWithoutNinthDigit));
    }

    [Fact]
    public void OfEveryForm_MatchesASuppressionWrittenInTheOtherForm()
    {
        var suppressedAsOldWaId = PhoneHash.Of(MobileWithoutNinthDigit);
        Assert.Contains(suppressedAsOldWaId, PhoneHash.OfEveryForm(Mobile));
        Assert.Contains(PhoneHash.Of(Mobile), PhoneHash.OfEveryForm(MobileWithoutNinthDigit));
    }

    [Theory]
    [InlineData("5511987654321")]
    [InlineData("+55 11 98765-4321")]
    [InlineData("+55 (11) 98765-4321")]
    public void OfEveryForm_HashesTheTextAsWritten_AndEveryE164Form(string text) =>
        Assert.Equal([PhoneHash.Of(text), PhoneHash.Of(Mobile), PhoneHash.Of(MobileWithoutNinthDigit)], PhoneHash.OfEveryForm(text));

    [Theory]
    [InlineData("+551134567890")]
    [InlineData("+5511934567890")]
    [InlineData("+14155552671")]
    [InlineData("+351912345678")]
    public void OfEveryForm_IsTheOneHash_OfANumberWithASingleForm(string e164) =>
        Assert.Equal([PhoneHash.Of(e164)], PhoneHash.OfEveryForm(e164));

    [Theory]
    [InlineData("abc")]
    [InlineData("5511")]
    public void OfEveryForm_StillHashesTextThatIsNoNumber(string text) =>
        Assert.Equal([PhoneHash.Of(text)], PhoneHash.OfEveryForm(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void OfEveryForm_IsEmpty_ForNoNumber(string? e164) =>
        Assert.Empty(PhoneHash.OfEveryForm(e164));

    /// <summary>On any Brazilian or foreign number, written in any usual way: the text's hash first, then each form's, none twice.</summary>
    [Fact]
    public void OfEveryForm_IsTheTextAndEveryMatchingForm_WithoutDuplicates()
    {
        var twoForms = 0;
        Gen.Select(Gen.OneOf(BrazilianDdds.All), Gen.Int[0, 99_999_999], Gen.Bool, Gen.OneOf("+55{0}{1}", "55{0}{1}", "+55 ({0}) {1}", "+1{0}{1}"))
            .Sample((ddd, subscriber, ninthDigit, format) =>
            {
                var number = (ninthDigit ? "9" : string.Empty) + subscriber.ToString("D8", CultureInfo.InvariantCulture);
                var text = string.Format(CultureInfo.InvariantCulture, format, ddd, number);
                var hashes = PhoneHash.OfEveryForm(text);
                var forms = WhatsAppNumbers.MatchingE164(text);
                if (forms.Count == 2)
                {
                    Interlocked.Increment(ref twoForms);
                }

                Assert.Equal(PhoneHash.Of(text), hashes[0]);
                Assert.Equal(hashes.Count, hashes.Distinct().Count());
                Assert.Equal(forms.Select(PhoneHash.Of).Prepend(PhoneHash.Of(text)).Distinct(), hashes);
                Assert.All(hashes, hash => Assert.Matches("^[0-9a-f]{64}$", hash));
            }, iter: 5_000);

        Assert.True(twoForms > 500, $"only {twoForms} numbers had two forms");
    }
}
