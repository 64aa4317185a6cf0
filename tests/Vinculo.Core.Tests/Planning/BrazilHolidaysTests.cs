using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class BrazilHolidaysTests
{
    [Theory]
    [InlineData(1583, "1583-04-10")]
    [InlineData(1700, "1700-04-11")]
    [InlineData(1818, "1818-03-22")]
    [InlineData(1900, "1900-04-15")]
    [InlineData(1943, "1943-04-25")]
    [InlineData(1961, "1961-04-02")]
    [InlineData(2000, "2000-04-23")]
    [InlineData(2008, "2008-03-23")]
    [InlineData(2011, "2011-04-24")]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2038, "2038-04-25")]
    [InlineData(2049, "2049-04-18")]
    [InlineData(2100, "2100-03-28")]
    [InlineData(2285, "2285-03-22")]
    [InlineData(3000, "3000-04-13")]
    public void EasterSunday_MatchesKnownDates(int year, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), BrazilHolidays.EasterSunday(year));

    [Fact]
    public void EasterSunday_AgreesWithGaussAlgorithm_ForEveryGregorianYear()
    {
        for (var year = 1583; year <= 9999; year++)
        {
            var easter = BrazilHolidays.EasterSunday(year);
            Assert.Equal(GaussEaster(year), easter);
            Assert.Equal(DayOfWeek.Sunday, easter.DayOfWeek);
            Assert.InRange(easter, new DateOnly(year, 3, 22), new DateOnly(year, 4, 25));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_000)]
    public void EasterSunday_RejectsYearsDateOnlyCannotHold(int year) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BrazilHolidays.EasterSunday(year));

    [Fact]
    public void For_2026_ListsTheTenNationalHolidays()
    {
        var holidays = BrazilHolidays.For(2026).Select(h => h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            ["2026-01-01", "2026-04-03", "2026-04-21", "2026-05-01", "2026-09-07", "2026-10-12", "2026-11-02", "2026-11-15", "2026-11-20", "2026-12-25"],
            holidays);
        Assert.Equal("Paixão de Cristo", BrazilHolidays.For(2026)[1].Name);
    }

    [Fact]
    public void BlackConsciousnessDay_IsAHolidayFrom2024On()
    {
        Assert.False(BrazilHolidays.IsNationalHoliday(new DateOnly(2023, 11, 20)));
        Assert.True(BrazilHolidays.IsNationalHoliday(new DateOnly(2024, 11, 20)));
        Assert.True(BrazilHolidays.IsNationalHoliday(new DateOnly(2026, 11, 20)));
        Assert.Equal(9, BrazilHolidays.For(2023).Count);
    }

    [Fact]
    public void OptionalDays_AreNotHolidays()
    {
        var easter = BrazilHolidays.EasterSunday(2027);
        Assert.False(BrazilHolidays.IsNationalHoliday(easter.AddDays(-48)), "Carnival Monday");
        Assert.False(BrazilHolidays.IsNationalHoliday(easter.AddDays(-47)), "Carnival Tuesday");
        Assert.False(BrazilHolidays.IsNationalHoliday(easter.AddDays(-46)), "Ash Wednesday");
        Assert.False(BrazilHolidays.IsNationalHoliday(easter.AddDays(60)), "Corpus Christi");
        Assert.False(BrazilHolidays.IsNationalHoliday(easter), "Easter Sunday is a Sunday, not a holiday of its own");
        Assert.Equal(new DateOnly(2027, 2, 9), easter.AddDays(-47));
    }

    [Fact]
    public void IsNationalHoliday_AgreesWithFor_OnEveryDayOfACentury()
    {
        for (var year = 2000; year < 2100; year++)
        {
            var listed = BrazilHolidays.For(year).Select(h => h.Date).ToHashSet();
            for (var day = new DateOnly(year, 1, 1); day.Year == year; day = day.AddDays(1))
            {
                Assert.Equal(listed.Contains(day), BrazilHolidays.IsNationalHoliday(day));
            }
        }
    }

    [Fact]
    public void For_CoversTheLastYearDateOnlyHolds() =>
        Assert.Equal(new DateOnly(9999, 12, 25), BrazilHolidays.For(9999)[^1].Date);

    /// <summary>Gauss's Easter algorithm with its two exceptions: a method independent of the one under test.</summary>
    private static DateOnly GaussEaster(int year)
    {
        var a = year % 19;
        var b = year % 4;
        var c = year % 7;
        var k = year / 100;
        var p = (13 + (8 * k)) / 25;
        var q = k / 4;
        var m = (15 - p + k - q) % 30;
        var n = (4 + k - q) % 7;
        var d = ((19 * a) + m) % 30;
        var e = ((2 * b) + (4 * c) + (6 * d) + n) % 7;
        if (d == 29 && e == 6)
        {
            return new DateOnly(year, 4, 19);
        }

        if (d == 28 && e == 6 && ((11 * m) + 11) % 30 < 19)
        {
            return new DateOnly(year, 4, 18);
        }

        var march = 22 + d + e;
        return march <= 31 ? new DateOnly(year, 3, march) : new DateOnly(year, 4, march - 31);
    }
}
