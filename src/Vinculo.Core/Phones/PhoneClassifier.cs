using System.Globalization;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Vinculo.Phones;

/// <summary>
/// Classifies what a business typed into a phone field (SPEC section 3). Deterministic, never throws, and safe to
/// call from several threads: it holds only immutable settings and libphonenumber's thread-safe singletons.
/// </summary>
/// <remarks>
/// Rules beyond libphonenumber's, all chosen so that no number is ever guessed:
/// <list type="bullet">
/// <item>Only the cleanups of <see cref="PhoneText"/> are made. A field with more than one number in it ("11 98765-4321 /
/// 11 3456-7890") is <c>too_long</c>, or <c>invalid_number</c> when words split it; the classifier does not pick one.</item>
/// <item>Brazilian national input is read here, not by libphonenumber (which, for one, takes "(90) …" for the collect-call
/// prefix): a leading 0 is the trunk prefix, followed by a carrier code when 12 or 13 digits remain ("0 21 11 98765-4321",
/// "021 11 …"); 12 or 13 digits starting with 55 carry the country code without '+'.</item>
/// <item>"00" is read as an international prefix ("00 55 11 …", "00 351 …") as well as the region's own one (Brazil's is 00
/// plus a carrier code: "0021 1 650 …"). When both readings give a number, one in the home country wins (many DDDs are
/// country codes too); two different foreign numbers make the field <c>invalid_number</c>.</item>
/// <item>E.164 is "+" and 7 to 15 digits: outside that, a number is <c>too_short</c> or <c>too_long</c> even where
/// libphonenumber accepts it (a few German pagers and 16-digit numbers).</item>
/// <item>The ninth digit is added only to a DDD + 8-digit number starting with 6–9 that is not valid as it is, whose
/// subscriber part was written as 8 digits or 4-4 ("8765-4321", "87654321"): "(11) 98765-432" is a 9-digit mobile missing
/// a digit, not an old one, and stays invalid.</item>
/// <item>A number completed with <c>DefaultAreaCode</c> that turns out to be a landline is <c>landline</c>, without note.</item>
/// </list>
/// </remarks>
public sealed class PhoneClassifier
{
    private const int BrazilCountryCode = 55;
    private const string Brazil = "BR";
    private const int MinE164Length = 8;
    private const int MaxE164Length = 16;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper ZoneMapper = PhoneNumberToTimeZonesMapper.GetInstance();

    private readonly string region;
    private readonly bool brazil;
    private readonly int defaultAreaCode;
    private readonly Regex? internationalPrefix;
    private readonly string homePrefix;

    /// <exception cref="ArgumentException">The options are not usable (see <see cref="Check"/>).</exception>
    public PhoneClassifier(PhoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Check(options) is [var problem, ..])
        {
            throw new ArgumentException(problem switch
            {
                PhoneOptionsProblem.UnknownRegion =>
                    $"DefaultRegion: '{options.DefaultRegion}' is not a region libphonenumber supports (use an ISO 3166 code such as BR).",
                PhoneOptionsProblem.AreaCodeOutsideBrazil =>
                    $"DefaultAreaCode: '{options.DefaultAreaCode}' is a Brazilian DDD and applies only when DefaultRegion is BR, not '{options.DefaultRegion}'.",
                _ => $"DefaultAreaCode: '{options.DefaultAreaCode}' is not a Brazilian area code (DDD); use two digits such as 11.",
            }, nameof(options));
        }

        region = RegionOf(options);
        brazil = region == Brazil;
        if (!string.IsNullOrWhiteSpace(options.DefaultAreaCode))
        {
            defaultAreaCode = Number(options.DefaultAreaCode.Trim());
        }

        homePrefix = "+" + Util.GetCountryCodeForRegion(region).ToString(CultureInfo.InvariantCulture);
        var metadata = Util.GetMetadataForRegion(region);
        if (metadata.HasInternationalPrefix)
        {
            // Compiled: it is tried on every national number, a million times a night on a large base.
            internationalPrefix = new Regex("^(?:" + metadata.InternationalPrefix + ")", RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The libphonenumber-csharp version ("9.0.43"): its metadata decides validity, so it is stored with each check.</summary>
    public static string LibraryVersion { get; } = typeof(PhoneNumberUtil).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>
    /// What makes <paramref name="options"/> unusable, empty when nothing does: a region libphonenumber does not know,
    /// a default area code outside Brazil (an unknown region counts as outside), or one that is not a Brazilian DDD.
    /// Blanks around the region are ignored, and a blank area code means none.
    /// </summary>
    public static IReadOnlyList<PhoneOptionsProblem> Check(PhoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<PhoneOptionsProblem>();
        var region = RegionOf(options);
        if (!Util.GetSupportedRegions().Contains(region))
        {
            problems.Add(PhoneOptionsProblem.UnknownRegion);
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultAreaCode))
        {
            var code = options.DefaultAreaCode.Trim();
            if (region != Brazil)
            {
                problems.Add(PhoneOptionsProblem.AreaCodeOutsideBrazil);
            }
            else if (code.Length != 2 || !char.IsAsciiDigit(code[0]) || !char.IsAsciiDigit(code[1]) || !BrazilAreaCodes.IsValid(Number(code)))
            {
                problems.Add(PhoneOptionsProblem.NotAnAreaCode);
            }
        }

        return problems;
    }

    public PhoneClassification Classify(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return PhoneClassification.Invalid(PhoneErrors.Empty);
        }

        Span<char> buffer = stackalloc char[PhoneText.MaxDigits];
        var text = PhoneText.Scan(raw, buffer);
        if (!text.HasContent)
        {
            return PhoneClassification.Invalid(PhoneErrors.Empty);
        }

        if (text.DigitCount == 0)
        {
            return PhoneClassification.Invalid(PhoneErrors.NotANumber);
        }

        if (text.DigitCount > PhoneText.MaxDigits)
        {
            return PhoneClassification.Invalid(PhoneErrors.TooLong);
        }

        var digits = buffer[..text.DigitCount];
        var result = text.HasPlus ? International(digits, text) : National(digits, text);
        return text.Interrupted && result.Error != PhoneErrors.TooLong ? PhoneClassification.Invalid(PhoneErrors.InvalidNumber) : result;
    }

    private PhoneClassification National(ReadOnlySpan<char> digits, in PhoneText text)
    {
        var afterRegionPrefix = InternationalPrefixLength(digits);
        var afterDoubleZero = digits.StartsWith("00") ? 2 : 0;
        if (afterRegionPrefix > 0 || afterDoubleZero > 0)
        {
            return WithInternationalPrefix(digits, afterRegionPrefix, afterDoubleZero, text);
        }

        if (brazil)
        {
            var national = digits;
            if (national.Length is 12 or 13 && national.StartsWith("55"))
            {
                national = national[2..];
            }

            return Brazilian(WithoutTrunkPrefix(national), text);
        }

        return Judge(digits.ToString(), region);
    }

    /// <summary>Digits after '+' (or after an international prefix): a country code, then a national number.</summary>
    private PhoneClassification International(ReadOnlySpan<char> digits, in PhoneText text)
    {
        var countryCodeLength = CountryCodeLength(digits);
        if (countryCodeLength == 0)
        {
            return PhoneClassification.Invalid(PhoneErrors.InvalidCountryCode);
        }

        if (countryCodeLength == 2 && Number(digits[..2]) == BrazilCountryCode)
        {
            return Brazilian(WithoutTrunkPrefix(digits[2..]), text);
        }

        return Judge(string.Concat("+", digits), "ZZ");
    }

    private PhoneClassification WithInternationalPrefix(ReadOnlySpan<char> digits, int afterRegionPrefix, int afterDoubleZero, in PhoneText text)
    {
        if (afterRegionPrefix == 0 || afterDoubleZero == 0 || afterRegionPrefix == afterDoubleZero)
        {
            return International(digits[Math.Max(afterRegionPrefix, afterDoubleZero)..], text);
        }

        var carrier = International(digits[afterRegionPrefix..], text);
        var plain = International(digits[afterDoubleZero..], text);

        // Many DDDs are also country codes: "00 55 34 9…" is Uberlândia, not carrier 55 dialling Spain.
        if (plain.HasNumber && plain.E164!.StartsWith(homePrefix, StringComparison.Ordinal))
        {
            return plain;
        }

        if (carrier.HasNumber && plain.HasNumber)
        {
            return carrier.E164 == plain.E164 ? plain : PhoneClassification.Invalid(PhoneErrors.InvalidNumber);
        }

        return carrier.HasNumber ? carrier : plain;
    }

    private int InternationalPrefixLength(ReadOnlySpan<char> digits)
    {
        if (internationalPrefix is null)
        {
            return 0;
        }

        foreach (var match in internationalPrefix.EnumerateMatches(digits))
        {
            return match.Length;
        }

        return 0;
    }

    /// <summary>A Brazilian national significant number, as written, after country code and trunk prefix.</summary>
    private PhoneClassification Brazilian(ReadOnlySpan<char> national, in PhoneText text)
    {
        if (national.Length > 11)
        {
            return PhoneClassification.Invalid(PhoneErrors.TooLong);
        }

        if (national.Length < 8)
        {
            return PhoneClassification.Invalid(PhoneErrors.TooShort);
        }

        var value = Value(national);
        var number = BrazilianNumber(value);
        if (TypeIfValid(number) is { } type)
        {
            return Found(number, type, note: null);
        }

        var writtenAsOldMobile = national[^8] is >= '6' and <= '9' && WrittenAsEightDigits(text);
        if (national.Length >= 10)
        {
            if (national[0] is '3' or '5' or '8' or '9' && national[1..].StartsWith("00"))
            {
                // Written as 0300, 0500, 0800 or 0900: a service number, not a DDD.
                return PhoneClassification.Invalid(PhoneErrors.InvalidNumber);
            }

            var ddd = Number(national[..2]);
            if (!BrazilAreaCodes.IsValid(ddd))
            {
                return PhoneClassification.Invalid(PhoneErrors.InvalidAreaCode);
            }

            return national.Length == 10 && writtenAsOldMobile
                ? Mobile(WithNinthDigit(ddd, value % 100_000_000), PhoneNotes.AddedNinthDigit)
                : PhoneClassification.Invalid(PhoneErrors.InvalidNumber);
        }

        var subscriber = national.Length == 8 ? national[0] >= '2' : national[0] == '9';
        if (!subscriber)
        {
            // "11 345678": a DDD followed by too few digits, rather than a number without DDD.
            return PhoneClassification.Invalid(BrazilAreaCodes.IsValid(Number(national[..2])) ? PhoneErrors.TooShort : PhoneErrors.InvalidNumber);
        }

        if (defaultAreaCode == 0)
        {
            return PhoneClassification.Invalid(PhoneErrors.MissingAreaCode);
        }

        var completed = BrazilianNumber((ulong)defaultAreaCode * Pow10(national.Length) + value);
        if (TypeIfValid(completed) is { } completedType)
        {
            return Found(completed, completedType, PhoneNotes.AddedAreaCode);
        }

        return national.Length == 8 && writtenAsOldMobile
            ? Mobile(WithNinthDigit(defaultAreaCode, value), PhoneNotes.AddedAreaCodeAndNinthDigit)
            : PhoneClassification.Invalid(PhoneErrors.InvalidNumber);
    }

    /// <summary>The repaired number if it is a valid mobile; a ninth digit never turns anything else valid.</summary>
    private static PhoneClassification Mobile(PhoneNumber candidate, string note) =>
        TypeIfValid(candidate) == PhoneNumberType.MOBILE
            ? Found(candidate, PhoneNumberType.MOBILE, note)
            : PhoneClassification.Invalid(PhoneErrors.InvalidNumber);

    /// <summary>
    /// The number's type when it is valid, else null: libphonenumber's validity test is "its type is known" (both match the
    /// national number against the same patterns of the region), so one call does the work of IsValidNumber and
    /// GetNumberType, which a valid number otherwise went through twice, a million times a night on a large base.
    /// </summary>
    private static PhoneNumberType? TypeIfValid(PhoneNumber number)
    {
        var type = Util.GetNumberType(number);
        return type == PhoneNumberType.UNKNOWN ? null : type;
    }

    /// <summary>
    /// Whether the last 8 digits were written as one group or as 4-4, the way 8-digit mobiles were written.
    /// Any other split ("98765-432") means a digit is missing from a 9-digit number, and adding one would be a guess.
    /// </summary>
    private static bool WrittenAsEightDigits(in PhoneText text)
    {
        var start = text.DigitCount - 8;
        for (var i = start + 1; i < text.DigitCount; i++)
        {
            if (i != start + 4 && text.RunStartsAt(i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Brazilian national prefix: trunk 0, then a carrier code when 12 or 13 digits follow it (DDD + 8 or 9 digits).</summary>
    private static ReadOnlySpan<char> WithoutTrunkPrefix(ReadOnlySpan<char> national)
    {
        if (national.IsEmpty || national[0] != '0')
        {
            return national;
        }

        var rest = national[1..];
        return rest.Length is 12 or 13 && IsCarrierCode(rest[..2]) ? rest[2..] : rest;
    }

    /// <summary>The carrier selection codes libphonenumber's Brazilian metadata accepts after the trunk prefix.</summary>
    private static bool IsCarrierCode(ReadOnlySpan<char> code) =>
        Number(code) is 12 or 14 or 15 or 21 or 22 or 23 or 25 or 31 or 41 or 43 or 55 or 65 or 99;

    /// <summary>Parses clean digits ("+351912345678", or national digits of a region other than Brazil) and judges them.</summary>
    private static PhoneClassification Judge(string digits, string regionCode)
    {
        PhoneNumber number;
        try
        {
            number = Util.Parse(digits, regionCode);
        }
        catch (NumberParseException e)
        {
            // The digits are there (the caller checked), so "not a number" means too few of them.
            return PhoneClassification.Invalid(e.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => PhoneErrors.InvalidCountryCode,
                ErrorType.TOO_LONG => PhoneErrors.TooLong,
                _ => PhoneErrors.TooShort,
            });
        }

        if (TypeIfValid(number) is { } type)
        {
            return Found(number, type, note: null);
        }

        return PhoneClassification.Invalid(Util.IsPossibleNumberWithReason(number) switch
        {
            PhoneNumberUtil.ValidationResult.TOO_SHORT => PhoneErrors.TooShort,
            PhoneNumberUtil.ValidationResult.TOO_LONG => PhoneErrors.TooLong,
            PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => PhoneErrors.InvalidCountryCode,
            PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY => PhoneErrors.MissingAreaCode,
            _ => PhoneErrors.InvalidNumber,
        });
    }

    /// <summary>A number libphonenumber has declared valid.</summary>
    private static PhoneClassification Found(PhoneNumber number, PhoneNumberType type, string? note)
    {
        var brazilian = number.CountryCode == BrazilCountryCode;
        // A Brazilian national number starts with its DDD (11-99), never a zero to keep: "+55" and it is its E.164 form.
        var e164 = brazilian
            ? string.Create(CultureInfo.InvariantCulture, $"+55{number.NationalNumber}")
            : Util.Format(number, PhoneNumberFormat.E164);
        // libphonenumber accepts a few German numbers beyond what E.164 (and WhatsApp with it) can hold: 16-digit
        // numbers, and pagers of 6 digits with the country code. Neither belongs to a contact.
        if (e164.Length > MaxE164Length)
        {
            return PhoneClassification.Invalid(PhoneErrors.TooLong);
        }

        if (e164.Length < MinE164Length)
        {
            return PhoneClassification.Invalid(PhoneErrors.TooShort);
        }

        var whatsApp = type is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE;
        var status = !whatsApp ? PhoneStatuses.Landline : note is null ? PhoneStatuses.Valid : PhoneStatuses.Repaired;
        var regionCode = brazilian ? Brazil : Util.GetRegionCodeForNumber(number);
        var zone = brazilian ? BrazilianTimeZone(number.NationalNumber) : ForeignTimeZone(number, regionCode);
        return new PhoneClassification(status, e164, TypeName(type), regionCode, zone, whatsApp ? note : null, null);
    }

    /// <summary>By DDD; numbers without one (0800, 4004 …) reach the whole country and have no single place.</summary>
    private static string? BrazilianTimeZone(ulong national)
    {
        var ddd = national switch
        {
            >= 10_000_000_000 and < 100_000_000_000 => (int)(national / 1_000_000_000),
            >= 1_000_000_000 => (int)(national / 100_000_000),
            _ => 0,
        };
        return BrazilAreaCodes.IsValid(ddd) ? BrazilAreaCodes.TimeZone(ddd) : null;
    }

    private static string? ForeignTimeZone(PhoneNumber number, string regionCode)
    {
        var zones = ZoneMapper.GetTimeZonesForNumber(number);
        if (zones.Count == 1)
        {
            return zones[0] == ZoneMapper.GetUnknownTimeZone() ? null : zones[0];
        }

        return zones.Count > 1 ? DominantTimeZone(regionCode) : null;
    }

    /// <summary>
    /// libphonenumber gives a mobile of these countries every zone of the country (Lisbon and the Azores, Madrid and the
    /// Canaries …), yet nearly all their people live in one of them, and the rest within an hour of it. Countries
    /// whose zones are far apart (United States, Russia, Australia …) keep no zone: their area codes place them, or nothing does.
    /// </summary>
    private static string? DominantTimeZone(string regionCode) => regionCode switch
    {
        "PT" => "Europe/Lisbon",
        "ES" => "Europe/Madrid",
        "IT" => "Europe/Rome",
        "GB" => "Europe/London",
        "IE" => "Europe/Dublin",
        "NO" => "Europe/Oslo",
        "EC" => "America/Guayaquil",
        "NZ" => "Pacific/Auckland",
        _ => null,
    };

    /// <summary>Length of the country code that starts <paramref name="digits"/>, 0 when none does (as libphonenumber reads it).</summary>
    private static int CountryCodeLength(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty || digits[0] == '0')
        {
            return 0;
        }

        for (var length = 1; length <= 3 && length <= digits.Length; length++)
        {
            if (Util.GetRegionCodeForCountryCode(Number(digits[..length])) != "ZZ")
            {
                return length;
            }
        }

        return 0;
    }

    private static PhoneNumber BrazilianNumber(ulong national) =>
        new PhoneNumber.Builder().SetCountryCode(BrazilCountryCode).SetNationalNumber(national).Build();

    private static PhoneNumber WithNinthDigit(int ddd, ulong eightDigits) =>
        BrazilianNumber((ulong)ddd * 1_000_000_000 + 900_000_000 + eightDigits);

    private static ulong Pow10(int exponent)
    {
        ulong result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>The value of a few ASCII digits (a DDD, a country or carrier code).</summary>
    private static int Number(ReadOnlySpan<char> digits) => (int)Value(digits);

    private static string RegionOf(PhoneOptions options) => options.DefaultRegion?.Trim().ToUpperInvariant() ?? "";

    /// <summary>The value of up to 19 ASCII digits.</summary>
    private static ulong Value(ReadOnlySpan<char> digits)
    {
        ulong value = 0;
        foreach (var c in digits)
        {
            value = value * 10 + (ulong)(c - '0');
        }

        return value;
    }

    private static string TypeName(PhoneNumberType type) => type switch
    {
        PhoneNumberType.FIXED_LINE => "fixed_line",
        PhoneNumberType.MOBILE => "mobile",
        PhoneNumberType.FIXED_LINE_OR_MOBILE => "fixed_line_or_mobile",
        PhoneNumberType.TOLL_FREE => "toll_free",
        PhoneNumberType.PREMIUM_RATE => "premium_rate",
        PhoneNumberType.SHARED_COST => "shared_cost",
        PhoneNumberType.VOIP => "voip",
        PhoneNumberType.PERSONAL_NUMBER => "personal_number",
        PhoneNumberType.PAGER => "pager",
        PhoneNumberType.UAN => "uan",
        PhoneNumberType.VOICEMAIL => "voicemail",
        _ => "unknown",
    };
}
