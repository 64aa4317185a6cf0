namespace Vinculo.Core.Tests.Phones;

/// <summary>The tests' own copy of Brazil's area codes, written independently of <c>BrazilAreaCodes</c>.</summary>
public static class BrazilianDdds
{
    public static readonly int[] All =
    [
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
        41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
        71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
    ];

    /// <summary>SPEC section 3: MT, MS, RO, AM and RR.</summary>
    public static readonly int[] UtcMinus4 = [65, 66, 67, 69, 92, 95, 97];

    /// <summary>SPEC section 3: AC.</summary>
    public static readonly int[] UtcMinus5 = [68];

    public static readonly int[] NonExistent =
        [20, 23, 25, 26, 29, 30, 36, 39, 40, 50, 52, 56, 57, 58, 59, 60, 70, 72, 76, 78, 80, 90];
}
