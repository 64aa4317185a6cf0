using System.Globalization;
using System.Text;
using CsCheck;
using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class InboundTextTests
{
    [Theory]
    [InlineData("  SAIR!!! 🙏", "sair")]
    [InlineData("Não quero mais.", "nao quero mais")]
    [InlineData("NÃO   QUERO\nMAIS", "nao quero mais")]
    [InlineData("*Pare*, por favor!!", "pare por favor")]
    [InlineData("Ação, pêssego, pão, órfã, Çà", "acao pessego pao orfa ca")]
    [InlineData("ＳＡＩＲ", "sair")]
    [InlineData("𝐒𝐀𝐈𝐑", "sair")]
    [InlineData("sa\u00ADir", "sair")]
    [InlineData("s\u200Eair\u200F", "sair")]
    [InlineData("sa\u0301ir", "sair")]
    [InlineData("quero,sair", "quero sair")]
    [InlineData("d'água", "d agua")]
    [InlineData("1ª vez", "1a vez")]
    [InlineData("👨‍👩‍👧 ❤️ 👍🏽", "")]
    [InlineData("?!...", "")]
    [InlineData("\uD800sair\uDC00", "sair")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Normalize_LowerCasesAndStripsAccentsPunctuationAndEmoji(string? text, string expected) =>
        Assert.Equal(expected, InboundText.Normalize(text));

    [Fact]
    public void Normalize_IsIdempotent_OnAnyString() =>
        Gen.String.Sample(IsIdempotent, iter: 20_000);

    [Fact]
    public void Normalize_IsIdempotent_OnLettersMarksAndSymbols() =>
        Gen.Char["aAsSiIrRçÇãÃéÉ \u0301\u0303\u0327\u200E\u00AD\uFE0F!?.,ﬁªº½ẞßİıǅＳ\uD835\uDC12\uD800\uDFFF😀"].Array[0, 40]
            .Select(chars => new string(chars))
            .Sample(IsIdempotent, iter: 20_000);

    [Fact]
    public void Normalize_IsIdempotent_OnEveryUnicodeScalarValue()
    {
        var failures = new List<string>();
        for (var value = 0; value <= 0x10FFFF; value++)
        {
            if (Rune.IsValid(value))
            {
                var text = new Rune(value).ToString();
                var once = InboundText.Normalize(text);
                if (InboundText.Normalize(once) != once)
                {
                    failures.Add($"U+{value:X4}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"not idempotent on {string.Join(", ", failures.Take(50))}");
    }

    [Fact]
    public void Normalize_GivesOnlyLowerCaseLettersAndDigitsSeparatedBySingleSpaces() =>
        Gen.String.Sample(text =>
        {
            var normalized = InboundText.Normalize(text);
            var wellFormed = !normalized.StartsWith(' ') && !normalized.EndsWith(' ') && !normalized.Contains("  ", StringComparison.Ordinal) &&
                normalized.EnumerateRunes().All(rune => rune.Value == ' ' || (IsLetterOrNumber(rune) && Rune.ToLowerInvariant(rune) == rune));
            Assert.True(wellFormed, $"\"{text}\" gave \"{normalized}\"");
        }, iter: 10_000);

    private static bool IsLetterOrNumber(Rune rune) =>
        Rune.IsLetter(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    private static void IsIdempotent(string text)
    {
        var once = InboundText.Normalize(text);
        Assert.Equal(once, InboundText.Normalize(once));
    }
}
