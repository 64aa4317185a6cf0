using System.Globalization;
using PhoneNumbers;

namespace Vinculo.Phones;

/// <summary>
/// WhatsApp still identifies many Brazilian accounts created before the ninth digit by their old number
/// (<c>wa_id</c> 551187654321, 12 digits), while <c>contacts.phone_e164</c> holds today's +5511987654321, and the
/// reverse happens too (SPEC section 3). Inbound messages are matched against both forms.
/// </summary>
public static class WhatsAppNumbers
{
    private const int MinDigits = 7;
    private const int MaxDigits = 15;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// The E.164 forms a number WhatsApp reports may be stored under: itself, and for a Brazilian mobile also the
    /// other form (12-digit <c>wa_id</c> without the ninth digit ↔ 13-digit with it). Only 8-digit subscriber numbers
    /// starting with 6–9 ever had a ninth digit added, so +5511934567890 is not matched to the landline +551134567890.
    /// </summary>
    /// <param name="waIdOrPhone">
    /// A number in international form: a <c>wa_id</c> ("5511987654321"), with or without '+', spaces or dashes.
    /// </param>
    /// <returns>Itself first; empty for anything that is not a valid number in either form.</returns>
    public static IReadOnlyList<string> MatchingE164(string? waIdOrPhone)
    {
        Span<char> digits = stackalloc char[MaxDigits];
        var count = ReadDigits(waIdOrPhone, digits);
        if (count < MinDigits)
        {
            return [];
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(string.Concat("+", digits[..count]), "ZZ");
        }
        catch (NumberParseException)
        {
            return [];
        }

        var valid = Util.IsValidNumber(number);
        var itself = valid ? Util.Format(number, PhoneNumberFormat.E164) : string.Concat("+", digits[..count]);
        if (number.CountryCode == 55)
        {
            var national = Util.GetNationalSignificantNumber(number);
            if (valid && national.Length == 11 && national[2] == '9' && national[3] is >= '6' and <= '9' &&
                Util.GetNumberType(number) == PhoneNumberType.MOBILE)
            {
                return [itself, string.Concat("+55", national.AsSpan(0, 2), national.AsSpan(3))];
            }

            if (national.Length == 10 && national[2] is >= '6' and <= '9' && BrazilAreaCodes.IsValid((national[0] - '0') * 10 + national[1] - '0'))
            {
                var modern = BrazilianMobile(national);
                if (modern is not null)
                {
                    return [itself, modern];
                }
            }
        }

        return valid ? [itself] : [];
    }

    /// <summary>The 8-digit mobile with its ninth digit, when that is a valid mobile.</summary>
    private static string? BrazilianMobile(string national)
    {
        var withNinth = new PhoneNumber.Builder()
            .SetCountryCode(55)
            .SetNationalNumber(ulong.Parse(string.Concat(national.AsSpan(0, 2), "9", national.AsSpan(2)), CultureInfo.InvariantCulture))
            .Build();
        return Util.IsValidNumber(withNinth) && Util.GetNumberType(withNinth) == PhoneNumberType.MOBILE
            ? Util.Format(withNinth, PhoneNumberFormat.E164)
            : null;
    }

    /// <summary>The digits of an optional '+' and digits with separators; -1 for anything else.</summary>
    private static int ReadDigits(string? text, Span<char> digits)
    {
        if (text is null)
        {
            return -1;
        }

        var trimmed = text.AsSpan().Trim();
        if (!trimmed.IsEmpty && trimmed[0] is '+' or '\uFF0B')
        {
            trimmed = trimmed[1..];
        }

        var count = 0;
        foreach (var c in trimmed)
        {
            if (char.IsDigit(c))
            {
                if (count == digits.Length)
                {
                    return -1;
                }

                digits[count++] = (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c));
            }
            else if (!(c is ' ' or '-' or '.' or '(' or ')' or '\u00A0'))
            {
                return -1;
            }
        }

        return count;
    }
}
