namespace Vinculo.Phones;

/// <summary>The values of <c>contacts.phone_error</c>: why an <c>invalid</c> number is invalid.</summary>
public static class PhoneErrors
{
    /// <summary>Nothing but blanks (or invisible characters).</summary>
    public const string Empty = "empty";

    /// <summary>Text without a single digit ("n/a", "sem telefone").</summary>
    public const string NotANumber = "not_a_number";

    public const string TooShort = "too_short";

    /// <summary>More digits than any one number, which is also what two numbers in one field look like.</summary>
    public const string TooLong = "too_long";

    public const string InvalidCountryCode = "invalid_country_code";

    /// <summary>A Brazilian 8- or 9-digit subscriber number without DDD, and no <c>Phones:DefaultAreaCode</c>.</summary>
    public const string MissingAreaCode = "missing_area_code";

    /// <summary>A Brazilian number whose DDD does not exist ("(10) 98765-4321").</summary>
    public const string InvalidAreaCode = "invalid_area_code";

    /// <summary>Right length, real DDD, but no such number; also a field that is not one number ("11 98765 ou 4321").</summary>
    public const string InvalidNumber = "invalid_number";
}
