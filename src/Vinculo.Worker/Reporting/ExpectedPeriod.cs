using Quartz;

namespace Vinculo.Reporting;

/// <summary>
/// How long a job may go without a successful run before <c>health</c> calls it stale: its <see cref="Period"/>, read
/// from its cron, plus a <see cref="Grace"/> of half the period, at least <see cref="MinimumGrace"/> (a run takes time;
/// a minutely job may miss a fire or two while the scheduler starts).
/// </summary>
/// <remarks>
/// The period is the time between two consecutive fire times of the cron expression in <c>Scheduler:TimeZone</c>.
/// For a regular schedule (every minute, daily, weekly) every such interval is the same. For an irregular one (weekdays
/// only, the 1st of each month) it is the longer of the interval that contains "now" and the one just before it: the
/// first so that a job is not stale on Saturday for not having run since Friday, the second so that it is not stale on
/// Monday at 02:05 while Monday's 02:00 run is still going.
/// </remarks>
public sealed record ExpectedPeriod(TimeSpan Period, TimeSpan Grace)
{
    public static readonly TimeSpan MinimumGrace = TimeSpan.FromMinutes(10);

    /// <summary>The age of the last success beyond which the job is stale.</summary>
    public TimeSpan Limit => Period + Grace;

    /// <summary>The period of <paramref name="cron"/> around <paramref name="now"/>, or null when it fires fewer than twice around it.</summary>
    /// <exception cref="FormatException">The expression is not a valid Quartz cron (options validation refuses those first).</exception>
    public static ExpectedPeriod? Of(string cron, TimeZoneInfo zone, DateTimeOffset now)
    {
        var expression = new CronExpression(cron, zone);
        var previous = LatestFireAtOrBefore(expression, now);
        var beforePrevious = previous is { } p ? expression.GetPreviousValidTimeBefore(p) : null;
        var next = expression.GetNextValidTimeAfter(now);

        TimeSpan? period = null;
        if (previous is { } last && next is { } upcoming)
        {
            period = upcoming - last;
        }

        if (previous is { } end && beforePrevious is { } start && (period is null || end - start > period))
        {
            period = end - start;
        }

        if (period is null && next is { } first && expression.GetNextValidTimeAfter(first) is { } second)
        {
            period = second - first;
        }

        return period is { } found ? ForPeriod(found) : null;
    }

    public static ExpectedPeriod ForPeriod(TimeSpan period) =>
        new(period, period / 2 > MinimumGrace ? period / 2 : MinimumGrace);

    /// <summary>The latest fire time not after <paramref name="now"/> (a fire exactly at "now" counts).</summary>
    private static DateTimeOffset? LatestFireAtOrBefore(CronExpression expression, DateTimeOffset now)
    {
        var fire = expression.GetPreviousValidTimeBefore(now.AddTicks(1));
        while (fire is { } candidate && candidate > now)
        {
            fire = expression.GetPreviousValidTimeBefore(candidate);
        }

        return fire;
    }
}
