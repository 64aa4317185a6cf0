using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary>How <c>health</c> reads a job's period and grace from its cron (<see cref="ExpectedPeriod"/>).</summary>
public sealed class ExpectedPeriodTests
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    [Theory]
    [InlineData("0 * * * * ?", 60, 600)]
    [InlineData("30 * * * * ?", 60, 600)]
    [InlineData("0 0/5 * * * ?", 300, 600)]
    [InlineData("0 0/30 * * * ?", 1_800, 900)]
    [InlineData("0 0 2 * * ?", 86_400, 43_200)]
    [InlineData("0 0 4 ? * SUN", 604_800, 302_400)]
    public void RegularSchedules_HaveTheirInterval_AndHalfOfIt_AtLeastTenMinutes_AsGrace(string cron, int periodSeconds, int graceSeconds)
    {
        var expected = ExpectedPeriod.Of(cron, SaoPaulo, Now);

        Assert.Equal(new ExpectedPeriod(TimeSpan.FromSeconds(periodSeconds), TimeSpan.FromSeconds(graceSeconds)), expected);
        Assert.Equal(TimeSpan.FromSeconds(periodSeconds + graceSeconds), expected!.Limit);
    }

    [Theory]
    // Wednesday: the weekday schedule runs every day.
    [InlineData("2026-11-18T13:17:00Z", 1)]
    // Saturday: the interval from Friday's run to Monday's holds "now".
    [InlineData("2026-11-21T23:00:00Z", 3)]
    // Monday 02:05, right after Monday's run started: the weekend interval just before it still counts.
    [InlineData("2026-11-23T05:05:00Z", 3)]
    // Tuesday: back to one day.
    [InlineData("2026-11-24T13:00:00Z", 1)]
    public void WeekdaySchedule_IsJudgedOnTheLongerOfTheIntervalHoldingNow_AndTheOneBefore(string now, int days)
    {
        var expected = ExpectedPeriod.Of("0 0 2 ? * MON-FRI", SaoPaulo, At(now));

        Assert.Equal(TimeSpan.FromDays(days), expected!.Period);
    }

    [Fact]
    public void TheCronIsReadInTheSchedulerTimeZone()
    {
        // 02:00 in São Paulo is 05:00 UTC: at 04:00 UTC on the 18th the last fire was the 17th's, at 06:00 the 18th's.
        Assert.Equal(TimeSpan.FromDays(1), ExpectedPeriod.Of("0 0 2 * * ?", SaoPaulo, At("2026-11-18T04:00:00Z"))!.Period);
        Assert.Equal(TimeSpan.FromDays(1), ExpectedPeriod.Of("0 0 2 * * ?", TimeZoneInfo.Utc, At("2026-11-18T04:00:00Z"))!.Period);
    }

    [Fact]
    public void AScheduleThatFiresOnceAtMost_HasNoPeriod()
    {
        Assert.Null(ExpectedPeriod.Of("0 0 2 1 1 ? 2020", SaoPaulo, Now));
    }

    [Fact]
    public void AScheduleThatStartsLater_IsJudgedOnItsFirstInterval()
    {
        Assert.Equal(TimeSpan.FromDays(1), ExpectedPeriod.Of("0 0 2 * * ? 2027-2030", SaoPaulo, Now)!.Period);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(45, "45 s")]
    [InlineData(660, "11 min")]
    [InlineData(5_400, "1 h 30 min")]
    [InlineData(129_600, "1 d 12 h")]
    [InlineData(907_200, "10 d 12 h")]
    public void Durations_ReadAsPeopleSayThem(int seconds, string text)
    {
        Assert.Equal(text, HealthCheck.Span(TimeSpan.FromSeconds(seconds)));
    }
}
