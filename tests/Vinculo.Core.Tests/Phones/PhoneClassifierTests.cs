using PhoneNumbers;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Phones;

public sealed class PhoneClassifierTests
{
    private const string Valid = PhoneStatuses.Valid;
    private const string Repaired = PhoneStatuses.Repaired;
    private const string Landline = PhoneStatuses.Landline;
    private const string Invalid = PhoneStatuses.Invalid;
    private const string SaoPaulo = "America/Sao_Paulo";

    private static readonly PhoneClassifier Default = new(new PhoneOptions());

    [Theory]
    // Trunk prefix and carrier selection codes (0xx15 Vivo, 0xx21 Claro, 0xx41 TIM, …).
    [InlineData("0xx15 11 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("0 15 11 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("021 21 2555-1234", Landline, "+552125551234", "fixed_line", null, SaoPaulo)]
    [InlineData("041 41 99876-5432", Valid, "+5541998765432", "mobile", null, SaoPaulo)]
    [InlineData("0xx21 81 99988-7766", Valid, "+5581999887766", "mobile", null, "America/Recife")]
    [InlineData("(0xx11) 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("0 99 11 8765-4321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedNinthDigit, SaoPaulo)]
    [InlineData("0 (11) 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("011 98765-43210", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("+55 0 21 11 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("+55 (011) 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    // "00" as the international prefix people use abroad, and Brazil's own 00 + carrier code.
    [InlineData("00 55 11 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("0055 (21) 2555-1234", Landline, "+552125551234", "fixed_line", null, SaoPaulo)]
    [InlineData("00 55 11 8765-4321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedNinthDigit, SaoPaulo)]
    [InlineData("00 351 912 345 678", Valid, "+351912345678", "mobile", null, "Europe/Lisbon")]
    [InlineData("0021 1 650 253 0000", Valid, "+16502530000", "fixed_line_or_mobile", null, "America/Los_Angeles")]
    [InlineData("00 11 98765 4321", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("00 55 34 90060-9138", Valid, "+5534900609138", "mobile", null, SaoPaulo)]
    [InlineData("00 55 1 650 253 0000", Valid, "+16502530000", "fixed_line_or_mobile", null, "America/Los_Angeles")]
    // Country code without '+'.
    [InlineData("55 (11) 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("551187654321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedNinthDigit, SaoPaulo)]
    [InlineData("(55) 99876-5432", Valid, "+5555998765432", "mobile", null, SaoPaulo)]
    // Other scripts, invisible marks and odd spaces.
    [InlineData("（１１）９８７６５－４３２１", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("٠١١ ٩٨٧٦٥ ٤٣٢١", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("\u200E+55 11 98765\u20114321\u202C", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("\uFEFF11987654321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("11\u00A098765\u00A04321\r\n", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    // Extensions are dropped: WhatsApp cannot dial them.
    [InlineData("(11) 3456-7890 ramal 22", Landline, "+551134567890", "fixed_line", null, SaoPaulo)]
    [InlineData("(11) 3456-7890 r. 2201", Landline, "+551134567890", "fixed_line", null, SaoPaulo)]
    [InlineData("11 3456-7890 ext. 15", Landline, "+551134567890", "fixed_line", null, SaoPaulo)]
    [InlineData("+55 11 3456-7890 #301", Landline, "+551134567890", "fixed_line", null, SaoPaulo)]
    [InlineData("tel:+55-11-3456-7890;ext=12", Landline, "+551134567890", "fixed_line", null, SaoPaulo)]
    [InlineData("(11) 3456-7890 ramal 1234567", Invalid, null, null, PhoneErrors.TooLong, null)]
    // Labels around the number.
    [InlineData("Tel: (11) 98765-4321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("cel 11 98765-4321 (whatsapp)", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("'11987654321", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    [InlineData("📱 (11) 98765-4321 ✅", Valid, "+5511987654321", "mobile", null, SaoPaulo)]
    // More than one number in the field: never pick one.
    [InlineData("11 98765-4321 / 11 3456-7890", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("(11) 98765-4321 ou (11) 3456-7890", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("98765-4321 / 3456-7890", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("11 98765 ou 4321", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("11 9876S-4321", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("(11) 98765-4321 5", Invalid, null, null, PhoneErrors.TooLong, null)]
    // The UTC-4 and UTC-5 area codes, and states with their own UTC-3 zone.
    [InlineData("(65) 99988-7766", Valid, "+5565999887766", "mobile", null, "America/Cuiaba")]
    [InlineData("(66) 99988-7766", Valid, "+5566999887766", "mobile", null, "America/Cuiaba")]
    [InlineData("(67) 99988-7766", Valid, "+5567999887766", "mobile", null, "America/Campo_Grande")]
    [InlineData("(69) 99988-7766", Valid, "+5569999887766", "mobile", null, "America/Porto_Velho")]
    [InlineData("(92) 99988-7766", Valid, "+5592999887766", "mobile", null, "America/Manaus")]
    [InlineData("(97) 99988-7766", Valid, "+5597999887766", "mobile", null, "America/Manaus")]
    [InlineData("(95) 99988-7766", Valid, "+5595999887766", "mobile", null, "America/Boa_Vista")]
    [InlineData("(68) 99988-7766", Valid, "+5568999887766", "mobile", null, "America/Rio_Branco")]
    [InlineData("(81) 3456-7890", Landline, "+558134567890", "fixed_line", null, "America/Recife")]
    [InlineData("(71) 99988-7766", Valid, "+5571999887766", "mobile", null, "America/Bahia")]
    [InlineData("(85) 99988-7766", Valid, "+5585999887766", "mobile", null, "America/Fortaleza")]
    [InlineData("(63) 99988-7766", Valid, "+5563999887766", "mobile", null, "America/Araguaina")]
    [InlineData("(93) 99988-7766", Valid, "+5593999887766", "mobile", null, "America/Santarem")]
    // Pre-2016 mobiles, and what only looks like one.
    [InlineData("(85) 8877-6655", Repaired, "+5585988776655", "mobile", PhoneNotes.AddedNinthDigit, "America/Fortaleza")]
    [InlineData("+55 11 8765-4321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedNinthDigit, SaoPaulo)]
    [InlineData("1187654321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedNinthDigit, SaoPaulo)]
    [InlineData("(11) 98765-432", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("11 9 8765-432", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("11 98765-432l", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("(11) 2765-4321", Landline, "+551127654321", "fixed_line", null, SaoPaulo)]
    // Service and capital numbers: valid, not for WhatsApp, no single place.
    [InlineData("0300 789 1234", Landline, "+553007891234", "shared_cost", null, null)]
    [InlineData("0500 123 4567", Landline, "+555001234567", "premium_rate", null, null)]
    [InlineData("0900 123 4567", Landline, "+559001234567", "premium_rate", null, null)]
    [InlineData("4004-0001", Landline, "+5540040001", "shared_cost", null, null)]
    [InlineData("3003 1234", Landline, "+5530031234", "shared_cost", null, null)]
    [InlineData("(11) 4004-1234", Landline, "+551140041234", "fixed_line", null, SaoPaulo)]
    [InlineData("0800 123 45678", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    // DDD 30 does not exist, but these are also the digits of 0303 456-7890, a valid telemarketing number.
    [InlineData("(30) 3456-7890", Landline, "+553034567890", "shared_cost", null, null)]
    // Abroad.
    [InlineData("+1 (305) 555-0142", Valid, "+13055550142", "fixed_line_or_mobile", null, "America/New_York")]
    [InlineData("+54 9 11 2345-6789", Valid, "+5491123456789", "mobile", null, "America/Buenos_Aires")]
    [InlineData("+34 612 34 56 78", Valid, "+34612345678", "mobile", null, "Europe/Madrid")]
    [InlineData("+44 7400 123456", Valid, "+447400123456", "mobile", null, "Europe/London")]
    [InlineData("+595 961 456789", Valid, "+595961456789", "mobile", null, "America/Asuncion")]
    [InlineData("+61 4 1234 5678", Valid, "+61412345678", "mobile", null, null)]
    [InlineData("+7 912 345 67 89", Valid, "+79123456789", "mobile", null, null)]
    [InlineData("+800 1234 5678", Landline, "+80012345678", "toll_free", null, null)]
    [InlineData("+1 253 0000", Invalid, null, null, PhoneErrors.MissingAreaCode, null)]
    [InlineData("+0 11 98765 4321", Invalid, null, null, PhoneErrors.InvalidCountryCode, null)]
    [InlineData("+351 91 234", Invalid, null, null, PhoneErrors.TooShort, null)]
    [InlineData("+1 5", Invalid, null, null, PhoneErrors.TooShort, null)]
    [InlineData("+1 2345 6789 0123 4567 890", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("+351 912 345 678 999", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("1 650 253 0000", Invalid, null, null, PhoneErrors.InvalidNumber, null)]
    [InlineData("+49 3765 5514588547", Invalid, null, null, PhoneErrors.TooLong, null)]
    [InlineData("+49 1685", Invalid, null, null, PhoneErrors.TooShort, null)]
    // Garbage.
    [InlineData(null, Invalid, null, null, PhoneErrors.Empty, null)]
    [InlineData(" \t ", Invalid, null, null, PhoneErrors.Empty, null)]
    [InlineData("\u200E\u200F\u0000", Invalid, null, null, PhoneErrors.Empty, null)]
    [InlineData("sem telefone", Invalid, null, null, PhoneErrors.NotANumber, null)]
    [InlineData("(  )  -", Invalid, null, null, PhoneErrors.NotANumber, null)]
    [InlineData("tel:", Invalid, null, null, PhoneErrors.NotANumber, null)]
    [InlineData("+", Invalid, null, null, PhoneErrors.NotANumber, null)]
    [InlineData("0", Invalid, null, null, PhoneErrors.TooShort, null)]
    [InlineData("190", Invalid, null, null, PhoneErrors.TooShort, null)]
    [InlineData("11 345678", Invalid, null, null, PhoneErrors.TooShort, null)]
    [InlineData("1234567890123456789012345678901234567890", Invalid, null, null, PhoneErrors.TooLong, null)]
    public void Classify_RealWorldInput(string? raw, string status, string? e164, string? type, string? reason, string? timeZone)
    {
        var result = Default.Classify(raw);

        Assert.Equal(
            (status, e164, type, reason, timeZone),
            (result.Status, result.E164, result.Type, result.Note ?? result.Error, result.TimeZone));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(23)]
    [InlineData(25)]
    [InlineData(26)]
    [InlineData(29)]
    [InlineData(30)]
    [InlineData(36)]
    [InlineData(39)]
    [InlineData(40)]
    [InlineData(50)]
    [InlineData(52)]
    [InlineData(56)]
    [InlineData(57)]
    [InlineData(58)]
    [InlineData(59)]
    [InlineData(60)]
    [InlineData(70)]
    [InlineData(72)]
    [InlineData(76)]
    [InlineData(78)]
    [InlineData(80)]
    [InlineData(90)]
    public void Classify_RejectsAreaCodesThatDoNotExist(int ddd)
    {
        foreach (var raw in new[] { $"({ddd}) 98765-4321", $"({ddd}) 2456-7890", $"({ddd}) 8765-4321", $"+55 {ddd} 98765-4321" })
        {
            var result = Default.Classify(raw);
            Assert.True(result.Status == PhoneStatuses.Invalid && result.Error == PhoneErrors.InvalidAreaCode, $"\"{raw}\" gave {result}");
        }
    }

    [Theory]
    [InlineData("98765-4321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedAreaCode)]
    [InlineData("8765-4321", Repaired, "+5511987654321", "mobile", PhoneNotes.AddedAreaCodeAndNinthDigit)]
    [InlineData("9876 5432", Repaired, "+5511998765432", "mobile", PhoneNotes.AddedAreaCodeAndNinthDigit)]
    [InlineData("3456-7890", Landline, "+551134567890", "fixed_line", null)]
    [InlineData("4004-1234", Landline, "+5540041234", "shared_cost", null)]
    [InlineData("(21) 98765-4321", Valid, "+5521987654321", "mobile", null)]
    [InlineData("(21) 8765-4321", Repaired, "+5521987654321", "mobile", PhoneNotes.AddedNinthDigit)]
    [InlineData("+351 912 345 678", Valid, "+351912345678", "mobile", null)]
    [InlineData("98765-432", Invalid, null, null, PhoneErrors.InvalidNumber)]
    [InlineData("(10) 98765-4321", Invalid, null, null, PhoneErrors.InvalidAreaCode)]
    [InlineData("1234-5678", Invalid, null, null, PhoneErrors.TooShort)]
    public void Classify_CompletesNumbersWithoutAreaCode_WhenDefaultAreaCodeIsSet(string raw, string status, string? e164, string? type, string? reason)
    {
        var classifier = new PhoneClassifier(new PhoneOptions { DefaultAreaCode = "11" });

        var result = classifier.Classify(raw);

        Assert.Equal((status, e164, type, reason), (result.Status, result.E164, result.Type, result.Note ?? result.Error));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_TreatsBlankDefaultAreaCodeAsUnset(string blank)
    {
        var classifier = new PhoneClassifier(new PhoneOptions { DefaultAreaCode = blank });

        Assert.Equal(PhoneErrors.MissingAreaCode, classifier.Classify("98765-4321").Error);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("")]
    [InlineData("BRA")]
    [InlineData("001")]
    public void Constructor_RejectsUnknownRegion_NamingTheOption(string region)
    {
        var error = Assert.Throws<ArgumentException>(() => new PhoneClassifier(new PhoneOptions { DefaultRegion = region }));

        Assert.Contains("DefaultRegion", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("20")]
    [InlineData("1")]
    [InlineData("011")]
    [InlineData("ab")]
    [InlineData("(11)")]
    public void Constructor_RejectsAreaCodeThatIsNotADdd_NamingTheOption(string areaCode)
    {
        var error = Assert.Throws<ArgumentException>(() => new PhoneClassifier(new PhoneOptions { DefaultAreaCode = areaCode }));

        Assert.Contains("DefaultAreaCode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsAreaCodeOutsideBrazil()
    {
        var error = Assert.Throws<ArgumentException>(() => new PhoneClassifier(new PhoneOptions { DefaultRegion = "PT", DefaultAreaCode = "11" }));

        Assert.Contains("DefaultAreaCode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BR", null, new PhoneOptionsProblem[0])]
    [InlineData(" br ", "21", new PhoneOptionsProblem[0])]
    [InlineData("PT", "  ", new PhoneOptionsProblem[0])]
    [InlineData("XX", null, new[] { PhoneOptionsProblem.UnknownRegion })]
    [InlineData("XX", "11", new[] { PhoneOptionsProblem.UnknownRegion, PhoneOptionsProblem.AreaCodeOutsideBrazil })]
    [InlineData("PT", "11", new[] { PhoneOptionsProblem.AreaCodeOutsideBrazil })]
    [InlineData("BR", "20", new[] { PhoneOptionsProblem.NotAnAreaCode })]
    [InlineData("BR", "(11)", new[] { PhoneOptionsProblem.NotAnAreaCode })]
    public void Check_SaysWhatMakesTheOptionsUnusable_WithoutBuildingAClassifier(string region, string? areaCode, PhoneOptionsProblem[] expected)
    {
        var options = new PhoneOptions { DefaultRegion = region, DefaultAreaCode = areaCode };

        Assert.Equal(expected, PhoneClassifier.Check(options));
        if (expected.Length > 0)
        {
            Assert.Throws<ArgumentException>(() => new PhoneClassifier(options));
        }
    }

    [Fact]
    public void Constructor_RejectsNullOptions() =>
        Assert.Throws<ArgumentNullException>(() => new PhoneClassifier(null!));

    [Fact]
    public void Constructor_AcceptsRegionInAnyCase() =>
        Assert.Equal("+5511987654321", new PhoneClassifier(new PhoneOptions { DefaultRegion = " br " }).Classify("(11) 98765-4321").E164);

    [Theory]
    [InlineData("PT", "912 345 678", Valid, "+351912345678")]
    [InlineData("PT", "00 55 11 98765-4321", Valid, "+5511987654321")]
    [InlineData("PT", "+55 11 8765-4321", Repaired, "+5511987654321")]
    [InlineData("US", "(650) 253-0000", Valid, "+16502530000")]
    [InlineData("US", "011 55 11 98765 4321", Valid, "+5511987654321")]
    [InlineData("US", "253-0000", Invalid, null)]
    public void Classify_ReadsNationalNumbersOfTheDefaultRegion(string region, string raw, string status, string? e164)
    {
        var result = new PhoneClassifier(new PhoneOptions { DefaultRegion = region }).Classify(raw);

        Assert.Equal((status, e164), (result.Status, result.E164));
    }

    [Fact]
    public void Classify_AcceptsExactlyTheCarrierCodesLibphonenumberAccepts()
    {
        var util = PhoneNumberUtil.GetInstance();
        for (var carrier = 10; carrier <= 99; carrier++)
        {
            var raw = $"0 {carrier} 11 98765-4321";
            var library = util.Parse(raw, "BR");
            var libraryReads = util.IsValidNumber(library) && util.Format(library, PhoneNumberFormat.E164) == "+5511987654321";

            Assert.True(libraryReads == (Default.Classify(raw).E164 == "+5511987654321"), $"carrier code {carrier}: libphonenumber reads it: {libraryReads}");
        }
    }

    [Fact]
    public void Classify_KeepsEveryExampleNumberOfLibphonenumber_WithAZoneThisMachineKnows()
    {
        var util = PhoneNumberUtil.GetInstance();
        var examples = util.GetSupportedRegions()
            .SelectMany(region => Enum.GetValues<PhoneNumberType>().Select(type => util.GetExampleNumberForType(region, type)))
            .Concat(util.GetSupportedGlobalNetworkCallingCodes().Select(util.GetExampleNumberForNonGeoEntity))
            .Where(number => number is not null)
            .Select(number => util.Format(number, PhoneNumberFormat.E164))
            .Where(e164 => e164.Length >= 8)
            .Distinct()
            .ToList();
        var problems = new List<string>();
        foreach (var e164 in examples)
        {
            var result = Default.Classify(e164);
            if (result.E164 != e164 || result.Status == PhoneStatuses.Repaired)
            {
                problems.Add($"{e164} gave {result}");
            }
            else if (result.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(result.TimeZone, out _))
            {
                problems.Add($"{e164} is placed in {result.TimeZone}, unknown here");
            }
        }

        Assert.True(examples.Count > 1_000, $"only {examples.Count} examples");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void LibraryVersion_IsTheLibphonenumberAssemblyVersion()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", PhoneClassifier.LibraryVersion);
        Assert.Equal(typeof(PhoneNumberUtil).Assembly.GetName().Version!.ToString(3), PhoneClassifier.LibraryVersion);
    }

    [Fact]
    public void Classify_GivesTheSameAnswersFromManyThreads()
    {
        var inputs = Enumerable.Range(0, 4_000)
            .Select(i => (i % 5) switch
            {
                0 => $"({BrazilianDdds.All[i % BrazilianDdds.All.Length]}) 9{i:D4}-{i * 7 % 10_000:D4}",
                1 => $"({BrazilianDdds.All[i % BrazilianDdds.All.Length]}) 8{i % 1000:D3}-{i:D4}",
                2 => $"+{i % 100 + 1} {i:D5} {i * 13 % 100_000:D5}",
                3 => $"00 55 {i % 100:D2} {i:D4}-{i % 1000:D4}",
                _ => $"lixo {i}",
            })
            .ToArray();
        var expected = inputs.Select(Default.Classify).ToArray();
        var actual = new PhoneClassification[inputs.Length];

        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Default.Classify(inputs[i]));

        Assert.Equal(expected, actual);
    }
}
