namespace Vinculo.Phones;

/// <summary>
/// Brazil's area codes (DDD) and the time zone of each. libphonenumber knows which DDDs exist but places them
/// coarsely (81 in Fernando de Noronha, UTC-2; most UTC-4 states in Manaus), so the zone comes from the state
/// the DDD belongs to (SPEC section 3). No Brazilian zone has daylight saving since 2019.
/// </summary>
public static class BrazilAreaCodes
{
    public static bool IsValid(int ddd) => ddd is
        (>= 11 and <= 19) or 21 or 22 or 24 or 27 or 28 or (>= 31 and <= 35) or 37 or 38 or (>= 41 and <= 49) or
        51 or (>= 53 and <= 55) or (>= 61 and <= 69) or 71 or (>= 73 and <= 75) or 77 or 79 or (>= 81 and <= 89) or
        (>= 91 and <= 99);

    /// <summary>The IANA zone of the state the DDD serves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The DDD does not exist (<see cref="IsValid"/> is false).</exception>
    public static string TimeZone(int ddd) => ddd switch
    {
        // SP, RJ, ES, MG, PR, SC, RS, DF and GO: the south-east's zone.
        (>= 11 and <= 19) or 21 or 22 or 24 or 27 or 28 or (>= 31 and <= 35) or 37 or 38 or (>= 41 and <= 49) or
            51 or (>= 53 and <= 55) or 61 or 62 or 64 => "America/Sao_Paulo",
        63 => "America/Araguaina", // TO
        65 or 66 => "America/Cuiaba", // MT, UTC-4
        67 => "America/Campo_Grande", // MS, UTC-4
        68 => "America/Rio_Branco", // AC, UTC-5
        69 => "America/Porto_Velho", // RO, UTC-4
        71 or 73 or 74 or 75 or 77 => "America/Bahia", // BA
        79 => "America/Maceio", // SE shares Alagoas' zone in the IANA database
        81 or 87 => "America/Recife", // PE; the few people on Noronha (UTC-2) share DDD 81 with Recife
        82 => "America/Maceio", // AL
        83 or 84 or 85 or 86 or 88 or 89 or 98 or 99 => "America/Fortaleza", // PB, RN, CE, PI, MA
        91 or 94 or 96 => "America/Belem", // eastern PA, AP
        93 => "America/Santarem", // western PA, UTC-3 since 2008
        92 or 97 => "America/Manaus", // AM, UTC-4 (SPEC: the few UTC-5 towns of western AM are not told apart)
        95 => "America/Boa_Vista", // RR, UTC-4
        _ => throw new ArgumentOutOfRangeException(nameof(ddd), ddd, "Not a Brazilian area code (DDD)."),
    };
}
