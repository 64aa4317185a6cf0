namespace Vinculo.Planning;

/// <summary>Which send day a planning run plans, and where that day begins and ends in the business's zone.</summary>
public static class PlanDay
{
    /// <summary>
    /// The first day on or after <paramref name="now"/>'s date in the business's zone on which the window opens, and
    /// whose opening (in that zone) is still ahead: a run at 03:00 on a Monday plans that Monday, one at 20:00 the
    /// next send day.
    /// </summary>
    public static DateOnly For(SendWindow window, TimeZoneInfo businessZone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        var day = window.NextSendDay(now, businessZone);
        while (Opening(window, businessZone, day) <= now)
        {
            day = window.NextSendDay(day.AddDays(1));
        }

        return day;
    }

    /// <summary>The send day from its first instant to the first instant of the next day in the business's zone (UTC).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(DateOnly day, TimeZoneInfo zone) =>
        (LocalToUtc.StartOfDay(day, zone), LocalToUtc.StartOfDay(day.AddDays(1), zone));

    /// <summary>
    /// The send day in every zone at once (UTC): from its first instant where days start first (UTC+14) to its last where
    /// they start last (UTC-12). A content valid anywhere in it may reach someone on that day.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) AnyZoneBounds(DateOnly day) =>
        (new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-EarliestOffsetHours),
         new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-LatestOffsetHours));

    /// <summary>The furthest ahead of UTC a zone's clock runs (Kiribati's Line Islands).</summary>
    private const int EarliestOffsetHours = 14;

    /// <summary>The furthest behind UTC a zone's clock runs (Baker Island).</summary>
    private const int LatestOffsetHours = -12;

    /// <summary>
    /// The instant the window opens on <paramref name="day"/>, a boundary (<see cref="LocalToUtc.FirstAtOrAfter"/>): the
    /// first occurrence of its opening time, or the end of a jump that skipped it, as <see cref="SendWindow.Schedule"/>
    /// places the day's earliest slot.
    /// </summary>
    private static DateTimeOffset Opening(SendWindow window, TimeZoneInfo zone, DateOnly day) =>
        LocalToUtc.FirstAtOrAfter(day.ToDateTime(window.Start), zone);
}
