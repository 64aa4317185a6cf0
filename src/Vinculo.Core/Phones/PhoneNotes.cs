namespace Vinculo.Phones;

/// <summary>The values of <c>contacts.phone_note</c>: which repair made a <c>repaired</c> number valid.</summary>
public static class PhoneNotes
{
    /// <summary>A pre-2016 8-digit mobile ("(11) 8765-4321") got the ninth digit of today's numbering.</summary>
    public const string AddedNinthDigit = "added_ninth_digit";

    /// <summary>A number written without DDD got <c>Phones:DefaultAreaCode</c>.</summary>
    public const string AddedAreaCode = "added_area_code";

    /// <summary>An 8-digit mobile written without DDD ("8765-4321") needed both repairs.</summary>
    public const string AddedAreaCodeAndNinthDigit = "added_area_code_and_ninth_digit";
}
