using System.Runtime.CompilerServices;
using NodaTime;
using NodaTime.TimeZones;

namespace Vinculo;

/// <summary>
/// The one rule that turns a local time (a reading of a zone's wall clock) into an instant (UTC). Most local times name
/// exactly one instant. A jump forward skips some (São Paulo on 2018-11-04: 00:00 became 01:00; Apia skipped the whole
/// of 2011-12-30) and a jump back repeats some (São Paulo on 2019-02-16: 23:00–23:59 happened twice). Callers differ
/// only in what such a time should mean to them, so each reading is a named policy that says it:
/// <list type="bullet">
/// <item><see cref="Recorded"/>: a time a clock showed when something happened (a chat line, a consent time in a
/// spreadsheet). Repeated: the first occurrence; skipped: read with the offset in force before the jump.</item>
/// <item><see cref="Exact"/>: a time to act at (a send minute). Repeated: the first occurrence; skipped: none, and the
/// caller picks the time that replaces it (<see cref="Planning.SendWindow"/> takes the next minute that exists).</item>
/// <item><see cref="FirstAtOrAfter"/> and <see cref="StartOfDay"/>: a boundary (the start of a day, the opening of the
/// send window). Repeated: the first occurrence; skipped: the instant the jump ends.</item>
/// </list>
/// <see cref="SecondOccurrence"/> gives the later instant of a repeated time to callers that need both.
/// </summary>
/// <remarks>
/// <para>A zone's rules are those of the <see cref="TimeZoneInfo"/> the rest of the product reads (the machine's
/// time-zone database), which NodaTime's <see cref="BclDateTimeZone"/> turns into its intervals: converting an instant
/// back with <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/> always shows the same wall clock.
/// NodaTime's own bundled database is not used: it would be a second one, of another version than the machine's.</para>
/// <para><see cref="TimeZoneInfo"/>'s own local-time checks do not suffice: on Linux it reports Apia's 2011-12-30 12:00 as
/// an existing time (+14:00, which is an instant of the 29th) and 2011-12-29 23:59 as a repeated one.</para>
/// <para>The mapping below is NodaTime's <c>DateTimeZone.MapLocal</c> done without allocating its result, because
/// <see cref="Exact"/> runs once per contact each night (<see cref="Planning.SendWindow.Schedule"/>); the tests hold it
/// to <c>MapLocal</c> and its resolvers.</para>
/// </remarks>
public static class LocalToUtc
{
    /// <summary>No zone's offset is wider than this (NodaTime's bound), so every instant showing a wall time lies this close to it.</summary>
    private static readonly long MaxOffsetTicks = Offset.MaxValue.Ticks;

    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    private static readonly ConditionalWeakTable<TimeZoneInfo, DateTimeZone> Rules = new();

    /// <summary>
    /// A local time a clock showed when something happened, as the instant it happened. A repeated time is taken at its
    /// first occurrence: a chat export or a spreadsheet does not say which, and the first is the reading used everywhere
    /// else. A skipped time is read with the offset in force before the jump (it lands as far after the jump as it was
    /// written after its start, as NodaTime's lenient resolver reads it): a clock that shows a skipped time had not
    /// moved yet, the event did happen, so it keeps an instant (nothing is lost) and its order among the other lines.
    /// </summary>
    /// <param name="local">The wall-clock reading; its <see cref="DateTime.Kind"/> is ignored.</param>
    /// <param name="zone">The zone whose clock it is (<c>Scheduler:TimeZone</c>).</param>
    public static DateTimeOffset Recorded(DateTime local, TimeZoneInfo zone)
    {
        var mapping = Map(local, zone);
        return Utc(mapping.Count > 0 ? mapping.First : local.Ticks - mapping.OffsetBefore);
    }

    /// <summary>
    /// A local time to act at, as its instant: a repeated time at its first occurrence (the earliest moment the clock
    /// shows it), a skipped time not at all. A minute that does not exist is no time to send anything; which minute
    /// replaces it depends on the caller's own bounds (the send window looks after it first, then before).
    /// </summary>
    /// <param name="local">The wall-clock reading; its <see cref="DateTime.Kind"/> is ignored.</param>
    /// <param name="zone">The zone whose clock it is.</param>
    public static DateTimeOffset? Exact(DateTime local, TimeZoneInfo zone)
    {
        var mapping = Map(local, zone);
        return mapping.Count > 0 ? Utc(mapping.First) : null;
    }

    /// <summary>The later instant of a local time a jump back shows twice; null for any other local time.</summary>
    /// <param name="local">The wall-clock reading; its <see cref="DateTime.Kind"/> is ignored.</param>
    /// <param name="zone">The zone whose clock it is.</param>
    public static DateTimeOffset? SecondOccurrence(DateTime local, TimeZoneInfo zone)
    {
        var mapping = Map(local, zone);
        return mapping.Count > 1 ? Utc(mapping.Second) : null;
    }

    /// <summary>
    /// The first instant at which the zone's clock shows <paramref name="local"/> or a later time: a repeated time at its
    /// first occurrence, a skipped time at the instant the jump ends. This is the reading of a boundary, which a clock
    /// crosses even when it jumps over it: consecutive days meet with no instant in two days or in none, and a window
    /// whose opening time was skipped opens when the clock lands past it.
    /// </summary>
    /// <param name="local">The wall-clock reading; its <see cref="DateTime.Kind"/> is ignored.</param>
    /// <param name="zone">The zone whose clock it is.</param>
    public static DateTimeOffset FirstAtOrAfter(DateTime local, TimeZoneInfo zone)
    {
        var mapping = Map(local, zone);
        return Utc(mapping.Count > 0 ? mapping.First : mapping.JumpEnd);
    }

    /// <summary>
    /// The first instant of <paramref name="day"/> on the zone's clock (<see cref="FirstAtOrAfter"/> of its midnight): when
    /// the clock jumps over midnight, the instant it lands; for a day the zone skipped whole, the instant the next day
    /// starts, so that such a day is empty.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone) => FirstAtOrAfter(day.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>
    /// The instants a wall time names, in UTC ticks: <see cref="Mapping.Count"/> of them (0, 1 or 2), and for a skipped
    /// time the offset before the jump and the instant it ends.
    /// </summary>
    private static Mapping Map(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var rules = Rules.GetValue(zone, static z => BclDateTimeZone.FromTimeZoneInfo(z));
        var wall = local.Ticks;
        var until = wall + MaxOffsetTicks;

        // Walk the zone's intervals that overlap the instants within the widest offset of the wall time, in order: an
        // interval holds an instant showing the wall time when the wall time less its offset falls inside it.
        var interval = rules.GetZoneInterval(InstantOf(wall - MaxOffsetTicks));
        var mapping = default(Mapping);
        var previousPassed = false;
        long previousOffset = 0;
        while (true)
        {
            var offset = interval.WallOffset.Ticks;
            var candidate = wall - offset;
            var instant = InstantOf(candidate);
            if (interval.Contains(instant))
            {
                mapping = mapping.Count == 0 ? mapping with { Count = 1, First = candidate } : mapping with { Count = 2, Second = candidate };
            }
            else if (previousPassed && interval.HasStart && instant < interval.Start && mapping.Count == 0)
            {
                // The previous interval ended before the wall time showed, this one starts after it: a jump skipped it.
                mapping = mapping with { OffsetBefore = previousOffset, JumpEnd = TicksOf(interval.Start) };
            }

            if (!interval.HasEnd || TicksOf(interval.End) > until || mapping.Count == 2)
            {
                return mapping;
            }

            previousPassed = instant >= interval.End;
            previousOffset = offset;
            interval = rules.GetZoneInterval(interval.End);
        }
    }

    private static Instant InstantOf(long ticks) => Instant.FromUnixTimeTicks(ticks - UnixEpochTicks);

    private static long TicksOf(Instant instant) => instant.ToUnixTimeTicks() + UnixEpochTicks;

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

    /// <param name="Count">How many instants show the wall time: 0 (skipped), 1, or 2 (repeated).</param>
    /// <param name="First">The earlier instant, in ticks (UTC), when there is one.</param>
    /// <param name="Second">The later instant of a repeated time.</param>
    /// <param name="OffsetBefore">For a skipped time, the offset (ticks) in force before the jump.</param>
    /// <param name="JumpEnd">For a skipped time, the instant (ticks, UTC) the jump ends.</param>
    private readonly record struct Mapping(int Count, long First, long Second, long OffsetBefore, long JumpEnd);
}
