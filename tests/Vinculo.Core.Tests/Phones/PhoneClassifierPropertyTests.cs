using System.Text.RegularExpressions;
using CsCheck;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Phones;

/// <summary>Classify on anything a phone field can hold: it never throws and its results are always well-formed.</summary>
public sealed partial class PhoneClassifierPropertyTests
{
    private const string PhoneChars = "0123456789+-(). /,;:#*xXramlet" + "０１２３４５６７８９＋－（）" + "٠١٢٣٤٥٦٧٨٩";
    private const string Controls = "\0\u0001\u001F\u007F\t\n\r\u0085\u00A0\u2028";
    private const string Invisible = "\u200B\u200C\u200D\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2069\uFEFF\u00AD";
    private const string Odd = "\u2011\u2212\u3000\u0301ãçé😀📱\uD800\uDC00\uDFFF";

    private static readonly string[] Statuses = [PhoneStatuses.Valid, PhoneStatuses.Repaired, PhoneStatuses.Landline, PhoneStatuses.Invalid];

    private static readonly string[] Errors =
    [
        PhoneErrors.Empty, PhoneErrors.NotANumber, PhoneErrors.TooShort, PhoneErrors.TooLong, PhoneErrors.InvalidCountryCode,
        PhoneErrors.MissingAreaCode, PhoneErrors.InvalidAreaCode, PhoneErrors.InvalidNumber,
    ];

    private static readonly string[] Notes = [PhoneNotes.AddedNinthDigit, PhoneNotes.AddedAreaCode, PhoneNotes.AddedAreaCodeAndNinthDigit];

    /// <summary>Pieces of real phone fields, so that random strings often come close to numbers.</summary>
    private static readonly string[] Fragments =
    [
        "+", "+55", "55", "0", "00", "0xx", "0 21 ", "(", ")", "-", " ", ".", "/", "11", "21", "81", "68", "20", "9", "98765",
        "8765", "4321", "3456", "7890", "0800", "4004", "1234", "ramal ", "x", "#", "tel:", "Cel: ", "📱", "\u200E", "\u202C",
        "１", "９", "٣", " ou ", "ext=", "351", "1", "44", "800", "999", "12", "0000",
    ];

    private static readonly PhoneClassifier Default = new(new PhoneOptions());
    private static readonly PhoneClassifier WithAreaCode = new(new PhoneOptions { DefaultAreaCode = "11" });

    [Fact]
    public void Classify_AnyString() =>
        Gen.String.Sample(Holds, iter: 20_000);

    [Fact]
    public void Classify_StringsOfPhoneCharactersControlsAndInvisibleMarks() =>
        Gen.Char[PhoneChars + Controls + Invisible + Odd].Array[0, 40].Select(chars => new string(chars)).Sample(Holds, iter: 30_000);

    [Fact]
    public void Classify_StringsMadeOfPhoneFragments() =>
        Gen.OneOf(Fragments).Array[0, 12].Select(string.Concat).Sample(Holds, iter: 30_000);

    [Fact]
    public void Classify_DigitStringsWithAndWithoutPrefixes() =>
        Gen.Select(Gen.OneOf("", "+", "+55", "0", "00", "55", "0 21 "), Gen.Char["0123456789"].Array[1, 18])
            .Select((prefix, digits) => prefix + new string(digits))
            .Sample(Holds, iter: 20_000);

    [Fact]
    public void Classify_VeryLongStrings() =>
        Gen.Char[PhoneChars + Controls + Invisible + Odd].Array[1_000, 10_000].Select(chars => new string(chars)).Sample(Holds, iter: 300);

    [Fact]
    public void Classify_AnyWayOfWritingAMobile_GivesItsE164AndZone() =>
        Gen.Select(Gen.OneOf(BrazilianDdds.All), Gen.Int[0, 99_999_999], Gen.Int[0, Styles.Length - 1])
            .Sample((ddd, subscriber, style) =>
            {
                var raw = Styles[style](ddd, $"9{subscriber:D8}");
                var result = Default.Classify(raw);
                Assert.True(
                    result.Status == PhoneStatuses.Valid && result.E164 == $"+55{ddd}9{subscriber:D8}" &&
                    result.TimeZone == BrazilAreaCodes.TimeZone(ddd),
                    $"\"{raw}\" gave {result}");
            }, iter: 10_000);

    [Fact]
    public void Classify_EveryOldMobile_GetsItsNinthDigit() =>
        Gen.Select(Gen.OneOf(BrazilianDdds.All), Gen.Int[6, 9], Gen.Int[0, 9_999_999])
            .Sample((ddd, first, rest) =>
            {
                var result = Default.Classify($"({ddd}) {first}{rest / 10_000:D3}-{rest % 10_000:D4}");
                var repaired = result.Status == PhoneStatuses.Repaired && result.E164 == $"+55{ddd}9{first}{rest:D7}" && result.Note == PhoneNotes.AddedNinthDigit;
                var alreadyValid = result.Status == PhoneStatuses.Valid && result.E164 == $"+55{ddd}{first}{rest:D7}";
                Assert.True(repaired || alreadyValid, $"({ddd}) {first}{rest:D7} gave {result}");
            }, iter: 5_000);

    [Fact]
    public void Classify_EveryFixedLine_IsALandline() =>
        Gen.Select(Gen.OneOf(BrazilianDdds.All), Gen.Int[2, 5], Gen.Int[0, 9_999_999])
            .Sample((ddd, first, rest) =>
            {
                var result = WithAreaCode.Classify($"{ddd} {first}{rest:D7}");
                Assert.True(
                    result.Status == PhoneStatuses.Landline && result.E164 == $"+55{ddd}{first}{rest:D7}" && result.Type == "fixed_line",
                    $"{ddd} {first}{rest:D7} gave {result}");
            }, iter: 5_000);

    private static readonly Func<int, string, string>[] Styles =
    [
        (ddd, n) => $"({ddd}) {n[..5]}-{n[5..]}",
        (ddd, n) => $"{ddd}{n}",
        (ddd, n) => $"+55 {ddd} {n[..5]}-{n[5..]}",
        (ddd, n) => $"55{ddd}{n}",
        (ddd, n) => $"0{ddd} {n[..5]} {n[5..]}",
        (ddd, n) => $"0 21 {ddd} {n[..5]}-{n[5..]}",
        (ddd, n) => $"0xx{ddd} {n}",
        (ddd, n) => $"00 55 {ddd} {n}",
        (ddd, n) => $"tel:+55-{ddd}-{n}",
        (ddd, n) => $"Cel.: ({ddd}) {n[0]} {n[1..5]}.{n[5..]} (whats)",
        (ddd, n) => $"{ddd} {n} ramal 12",
        (ddd, n) => FullWidth($"({ddd}) {n[..5]}-{n[5..]}"),
        (ddd, n) => $"\u202A+55 {ddd} {n[..5]}-{n[5..]}\u202C",
    ];

    private static string FullWidth(string text) =>
        string.Concat(text.Select(c => char.IsAsciiDigit(c) ? (char)(c - '0' + '０') : c));

    private static void Holds(string raw)
    {
        Holds(Default, raw);
        Holds(WithAreaCode, raw);
    }

    private static void Holds(PhoneClassifier classifier, string raw)
    {
        var result = classifier.Classify(raw);
        var hasNumber = result.Status is PhoneStatuses.Valid or PhoneStatuses.Repaired or PhoneStatuses.Landline;
        var invalid = result.Status == PhoneStatuses.Invalid;

        Assert.Contains(result.Status, Statuses);
        Assert.True((result.E164 is not null) == hasNumber, $"E164 {result}");
        Assert.True((result.Type is not null) == hasNumber, $"Type {result}");
        Assert.True((result.Region is not null) == hasNumber, $"Region {result}");
        Assert.True(result.TimeZone is null || hasNumber, $"TimeZone {result}");
        Assert.True((result.Error is not null) == invalid && (result.Error is null || Errors.Contains(result.Error)), $"Error {result}");
        Assert.True((result.Note is not null) == (result.Status == PhoneStatuses.Repaired) && (result.Note is null || Notes.Contains(result.Note)), $"Note {result}");
        if (!hasNumber)
        {
            return;
        }

        Assert.Matches(E164(), result.E164!);
        var again = classifier.Classify(result.E164);
        Assert.True(
            again.Status is PhoneStatuses.Valid or PhoneStatuses.Landline && again.E164 == result.E164 && again.Type == result.Type && again.TimeZone == result.TimeZone,
            $"{result} classified again gave {again}");
    }

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164();
}
