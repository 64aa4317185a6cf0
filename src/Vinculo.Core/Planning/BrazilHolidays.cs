namespace Vinculo.Planning;

/// <summary>One Brazilian national holiday.</summary>
/// <param name="Date">The calendar day, the same everywhere in Brazil.</param>
/// <param name="Name">Its official Portuguese name, for reports.</param>
public readonly record struct NationalHoliday(DateOnly Date, string Name);

/// <summary>
/// Brazilian national holidays (feriados nacionais) for any year: the days on which <see cref="SendWindow"/> never
/// schedules a message, whatever the window's days.
/// </summary>
/// <remarks>
/// <para>Fixed dates: 1 January, 21 April, 1 May, 7 September, 12 October, 2 November, 15 November, 25 December
/// (Leis 662/1949, 6.802/1980, 10.607/2002), and 20 November from 2024 on (Lei 14.759/2023, Dia Nacional de Zumbi e da
/// Consciência Negra). Moving: Good Friday, two days before Easter Sunday. Good Friday is formally a religious holiday
/// kept by municipal law (Lei 9.093/1995), but every municipality keeps it and the federal calendar lists it, so
/// commerce treats it as national.</para>
/// <para>Not holidays, and therefore send days unless listed in <c>Messaging:BlockedDates</c>: Carnival Monday and
/// Tuesday, Ash Wednesday and Corpus Christi. The federal government declares them each year as pontos facultativos,
/// optional days off for its own civil servants; no law closes shops or stops people reading their phones on them, and
/// where a state or city makes them holidays (Carnival in Rio de Janeiro) that is local law, like 9 July in São Paulo or
/// 20 January in Rio. A contact's municipality is not known, so local holidays are left to
/// <c>Messaging:BlockedDates</c> too.</para>
/// <para>The current list is applied to every year, except 20 November, dated because it is the only change recent
/// enough for a plan or a report to meet. Easter follows the Gregorian computus, applied proleptically before 1583.</para>
/// </remarks>
public static class BrazilHolidays
{
    /// <summary>The first year in which 20 November is a national holiday.</summary>
    public const int BlackConsciousnessDayFirstYear = 2024;

    /// <summary>Easter Sunday of <paramref name="year"/> in the Gregorian calendar (anonymous Gregorian algorithm).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="year"/> is outside 1–9999.</exception>
    public static DateOnly EasterSunday(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);

        // Meeus/Jones/Butcher: a is the year's place in the 19-year Metonic cycle; b, c the century and the year in it;
        // the corrections f and g follow the Gregorian reform of the lunar tables; h is the epact-derived paschal full
        // moon offset, l the weekday correction, m the shift for the few years where the moon rule overshoots.
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>Good Friday (Paixão de Cristo) of <paramref name="year"/>: two days before Easter Sunday.</summary>
    public static DateOnly GoodFriday(int year) => EasterSunday(year).AddDays(-2);

    /// <summary>Whether <paramref name="date"/> is a national holiday. Allocates nothing.</summary>
    public static bool IsNationalHoliday(DateOnly date) => NameOf(date) is not null;

    /// <summary>The national holidays of <paramref name="year"/>, in date order.</summary>
    public static IReadOnlyList<NationalHoliday> For(int year)
    {
        var holidays = new List<NationalHoliday>(11);
        for (var date = new DateOnly(year, 1, 1); date.Year == year; date = date.AddDays(1))
        {
            if (NameOf(date) is { } name)
            {
                holidays.Add(new NationalHoliday(date, name));
            }

            if (date == DateOnly.MaxValue)
            {
                break;
            }
        }

        return holidays;
    }

    /// <summary>The holiday's name when <paramref name="date"/> is a national holiday, else null.</summary>
    public static string? NameOf(DateOnly date)
    {
        var fixedDate = (date.Month, date.Day) switch
        {
            (1, 1) => "Confraternização Universal",
            (4, 21) => "Tiradentes",
            (5, 1) => "Dia do Trabalho",
            (9, 7) => "Independência do Brasil",
            (10, 12) => "Nossa Senhora Aparecida",
            (11, 2) => "Finados",
            (11, 15) => "Proclamação da República",
            (11, 20) when date.Year >= BlackConsciousnessDayFirstYear => "Dia Nacional de Zumbi e da Consciência Negra",
            (12, 25) => "Natal",
            _ => null,
        };
        if (fixedDate is not null)
        {
            return fixedDate;
        }

        // Good Friday falls between 20 March and 23 April; skip the Easter computation on every other day.
        return date.Month is 3 or 4 && date.DayOfWeek == DayOfWeek.Friday && date == GoodFriday(date.Year) ? "Paixão de Cristo" : null;
    }
}
