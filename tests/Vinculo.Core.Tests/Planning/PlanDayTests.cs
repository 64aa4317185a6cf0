using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class PlanDayTests
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
    private static readonly TimeZoneInfo Apia = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Apia");

    private static SendWindow Parse(string text)
    {
        Assert.True(SendWindow.TryParse(text, null, out var window, out var errors), string.Join(" | ", errors));
        return window;
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void AnyZoneBounds_CoverTheDayFromKiribatiToBakerIsland()
    {
        var (from, to) = PlanDay.AnyZoneBounds(new DateOnly(2026, 11, 23));

        // Midnight of the 23rd at UTC+14 is 10:00 UTC on the 22nd; midnight of the 24th at UTC-12 is 12:00 UTC on the 24th.
        Assert.Equal(Utc(2026, 11, 22, 10), from);
        Assert.Equal(Utc(2026, 11, 24, 12), to);
        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            var (start, end) = PlanDay.Bounds(new DateOnly(2026, 11, 23), zone);
            Assert.True(start >= from && end <= to, $"{zone.Id}: {start:O}..{end:O}");
        }
    }

    [Fact]
    public void For_SkipsWeekendsAndHolidays_AndADayWhoseWindowAlreadyOpened()
    {
        // Thursday 19 November 2026, 20:00 in São Paulo: Friday 20 is Consciência Negra, then the weekend.
        Assert.Equal(new DateOnly(2026, 11, 23), PlanDay.For(SendWindow.Default, SaoPaulo, Utc(2026, 11, 19, 23)));
        // Monday 03:00: the nightly run plans that Monday.
        Assert.Equal(new DateOnly(2026, 11, 23), PlanDay.For(SendWindow.Default, SaoPaulo, Utc(2026, 11, 23, 6)));
        // Monday 08:59, then 09:00: at the opening the window has opened, so Tuesday is planned.
        Assert.Equal(new DateOnly(2026, 11, 23), PlanDay.For(SendWindow.Default, SaoPaulo, Utc(2026, 11, 23, 11, 59)));
        Assert.Equal(new DateOnly(2026, 11, 24), PlanDay.For(SendWindow.Default, SaoPaulo, Utc(2026, 11, 23, 12)));
    }

    [Fact]
    public void For_AWindowOpeningInARepeatedHour_HasOpenedAtItsFirstOccurrence()
    {
        // São Paulo, Saturday 2019-02-16: 23:00-23:59 happened twice; 23:30 at -02:00 is 01:30 UTC on the 17th.
        var window = Parse("Sat 23:00-23:59");
        Assert.Equal(new DateOnly(2019, 2, 16), PlanDay.For(window, SaoPaulo, Utc(2019, 2, 17, 0, 59)));
        Assert.Equal(new DateOnly(2019, 2, 23), PlanDay.For(window, SaoPaulo, Utc(2019, 2, 17, 1, 30)));
    }

    [Fact]
    public void For_AWindowOpeningInASkippedHour_OpensWhenTheClockLands()
    {
        // São Paulo, Sunday 2018-11-04: 00:00 -03:00 became 01:00 -02:00 (03:00 UTC).
        var window = Parse("Sun 00:30-02:00");
        Assert.Equal(new DateOnly(2018, 11, 4), PlanDay.For(window, SaoPaulo, Utc(2018, 11, 4, 2, 59)));
        Assert.Equal(new DateOnly(2018, 11, 11), PlanDay.For(window, SaoPaulo, Utc(2018, 11, 4, 3)));
    }

    [Fact]
    public void Bounds_AreTheFirstInstantsOfTheDayAndTheNext()
    {
        Assert.Equal((Utc(2026, 11, 23, 3), Utc(2026, 11, 24, 3)), PlanDay.Bounds(new DateOnly(2026, 11, 23), SaoPaulo));
        // 2018-11-04 began at 01:00 on São Paulo's clocks: a day of 23 hours.
        Assert.Equal((Utc(2018, 11, 4, 3), Utc(2018, 11, 5, 2)), PlanDay.Bounds(new DateOnly(2018, 11, 4), SaoPaulo));
        // 2019-02-16 ended an hour later than its clocks said: a day of 25 hours.
        Assert.Equal((Utc(2019, 2, 16, 2), Utc(2019, 2, 17, 3)), PlanDay.Bounds(new DateOnly(2019, 2, 16), SaoPaulo));
        // Apia skipped 2011-12-30: an empty day.
        Assert.Equal((Utc(2011, 12, 30, 10), Utc(2011, 12, 30, 10)), PlanDay.Bounds(new DateOnly(2011, 12, 30), Apia));
    }
}
