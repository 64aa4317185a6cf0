namespace Vinculo.Privacy;

/// <summary>
/// The only form in which a phone number may appear in a log line at Information or above
/// (SPEC section 10): <c>+55 11 9****-4321</c>. Enough to tell two numbers apart while debugging,
/// not enough to call anyone.
/// </summary>
public static class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return "(vazio)";
        }

        Span<char> digits = stackalloc char[32];
        var count = 0;
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return "(inválido)";
                }

                digits[count++] = c;
            }
        }

        if (count < 6)
        {
            return new string('*', count);
        }

        var last4 = digits[(count - 4)..count].ToString();
        if (count is 12 or 13 && digits.StartsWith("55"))
        {
            // Brazil: country code, area code and first subscriber digit stay readable.
            return $"+55 {digits[2..4]} {digits[4]}{new string('*', count - 9)}-{last4}";
        }

        return $"+{digits[..2]} {new string('*', count - 6)}-{last4}";
    }
}
