using CsCheck;
using NodaTime;
using NodaTime.TimeZones;
using Xunit;

namespace Vinculo.Core.Tests;

/// <summary>
/// Every policy of <see cref="LocalToUtc"/> on the clock changes that make them differ: Brazil's last jump forward
/// (2018-11-04 00:00 in São Paulo did not exist: clocks went to 01:00), its last jump back (2019-02-16 23:00–23:59
/// happened twice) and a day a zone skipped whole (Apia's 2011-12-30).
/// </summary>
public sealed class LocalToUtcTests
{
    private static readonly TimeZoneInfo SaoPaulo = Zone("America/Sao_Paulo");
    private static readonly TimeZoneInfo Apia = Zone("Pacific/Apia");

    /// <summary>Brazil's four offsets, and abroad with clock changes of every kind (half hours, date line, base-offset moves).</summary>
    private static readonly string[] ZoneIds =
    [
        "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco", "America/Noronha", "UTC", "America/New_York",
        "Europe/Lisbon", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Apia",
        "America/Havana", "Europe/Moscow", "America/Asuncion", "Pacific/Kiritimati",
    ];

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTime Local(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    // São Paulo, 2018-11-04: 00:00 -03:00 became 01:00 -02:00 (03:00 UTC).
    // Apia, 2011-12-29 23:59 -10:00 was followed by 2011-12-31 00:00 +14:00 (2011-12-30 10:00 UTC).

    /// <summary>Local times a jump skipped: the zone, the time, the instant read with the offset before the jump, and the jump's end.</summary>
    public static TheoryData<string, DateTime, DateTimeOffset, DateTimeOffset> SkippedTimes => new()
    {
        { "America/Sao_Paulo", Local(2018, 11, 4, 0, 0), Utc(2018, 11, 4, 3, 0), Utc(2018, 11, 4, 3, 0) },
        { "America/Sao_Paulo", Local(2018, 11, 4, 0, 30), Utc(2018, 11, 4, 3, 30), Utc(2018, 11, 4, 3, 0) },
        { "America/Sao_Paulo", Local(2018, 11, 4, 0, 59), Utc(2018, 11, 4, 3, 59), Utc(2018, 11, 4, 3, 0) },
        { "Pacific/Apia", Local(2011, 12, 30, 0, 0), Utc(2011, 12, 30, 10, 0), Utc(2011, 12, 30, 10, 0) },
        { "Pacific/Apia", Local(2011, 12, 30, 12, 0), Utc(2011, 12, 30, 22, 0), Utc(2011, 12, 30, 10, 0) },
        { "Pacific/Apia", Local(2011, 12, 30, 23, 59), Utc(2011, 12, 31, 9, 59), Utc(2011, 12, 30, 10, 0) },
    };

    [Theory]
    [MemberData(nameof(SkippedTimes))]
    public void Recorded_ASkippedTime_IsReadWithTheOffsetBeforeTheJump(string zoneId, DateTime local, DateTimeOffset beforeTheJump, DateTimeOffset jumpEnd)
    {
        _ = jumpEnd;
        Assert.Equal(beforeTheJump, LocalToUtc.Recorded(local, Zone(zoneId)));
    }

    [Theory]
    [MemberData(nameof(SkippedTimes))]
    public void Exact_ASkippedTime_HasNoInstant(string zoneId, DateTime local, DateTimeOffset beforeTheJump, DateTimeOffset jumpEnd)
    {
        _ = (beforeTheJump, jumpEnd);
        Assert.Null(LocalToUtc.Exact(local, Zone(zoneId)));
        Assert.Null(LocalToUtc.SecondOccurrence(local, Zone(zoneId)));
    }

    [Theory]
    [MemberData(nameof(SkippedTimes))]
    public void FirstAtOrAfter_ASkippedTime_IsWhenTheJumpEnds(string zoneId, DateTime local, DateTimeOffset beforeTheJump, DateTimeOffset jumpEnd)
    {
        _ = beforeTheJump;
        Assert.Equal(jumpEnd, LocalToUtc.FirstAtOrAfter(local, Zone(zoneId)));
    }

    [Fact]
    public void StartOfDay_WhenMidnightWasSkipped_IsWhenTheClockLanded()
    {
        Assert.Equal(Utc(2018, 11, 4, 3, 0), LocalToUtc.StartOfDay(new DateOnly(2018, 11, 4), SaoPaulo));
        Assert.Equal(Utc(2018, 11, 5, 2, 0), LocalToUtc.StartOfDay(new DateOnly(2018, 11, 5), SaoPaulo));
    }

    // São Paulo, 2019-02-16: 23:59 -02:00 was followed by 23:00 -03:00, so 23:00–23:59 happened twice.

    [Theory]
    [InlineData(23, 0, 1, 0)]
    [InlineData(23, 30, 1, 30)]
    [InlineData(23, 59, 1, 59)]
    public void ARepeatedTime_IsTakenAtItsFirstOccurrence_ByEveryPolicy(int hour, int minute, int utcHour, int utcMinute)
    {
        var local = Local(2019, 2, 16, hour, minute);
        var first = Utc(2019, 2, 17, utcHour, utcMinute);
        Assert.Equal(first, LocalToUtc.Recorded(local, SaoPaulo));
        Assert.Equal(first, LocalToUtc.Exact(local, SaoPaulo));
        Assert.Equal(first, LocalToUtc.FirstAtOrAfter(local, SaoPaulo));
        Assert.Equal(first.AddHours(1), LocalToUtc.SecondOccurrence(local, SaoPaulo));
    }

    [Fact]
    public void StartOfDay_AroundTheJumpBack_MakesADayOf25Hours()
    {
        var saturday = LocalToUtc.StartOfDay(new DateOnly(2019, 2, 16), SaoPaulo);
        var sunday = LocalToUtc.StartOfDay(new DateOnly(2019, 2, 17), SaoPaulo);
        Assert.Equal(Utc(2019, 2, 16, 2, 0), saturday);
        Assert.Equal(Utc(2019, 2, 17, 3, 0), sunday);
        Assert.Equal(TimeSpan.FromHours(25), sunday - saturday);
    }

    // Apia's skipped day, whole.

    [Fact]
    public void TheDayApiaSkipped_IsEmpty_AndItsNeighboursAreWhole()
    {
        Assert.Equal(Utc(2011, 12, 29, 10, 0), LocalToUtc.StartOfDay(new DateOnly(2011, 12, 29), Apia));
        Assert.Equal(Utc(2011, 12, 30, 10, 0), LocalToUtc.StartOfDay(new DateOnly(2011, 12, 30), Apia));
        Assert.Equal(Utc(2011, 12, 30, 10, 0), LocalToUtc.StartOfDay(new DateOnly(2011, 12, 31), Apia));
        Assert.Equal(Utc(2011, 12, 31, 10, 0), LocalToUtc.StartOfDay(new DateOnly(2012, 1, 1), Apia));
    }

    /// <summary>
    /// Times just around each change (local, then UTC): they happened once, and every policy agrees. TimeZoneInfo calls
    /// Apia's 2011-12-29 23:59 repeated on Linux; it happened once.
    /// </summary>
    public static TheoryData<string, DateTime, DateTimeOffset> AroundTheChanges => new()
    {
        { "America/Sao_Paulo", Local(2018, 11, 3, 23, 59), Utc(2018, 11, 4, 2, 59) },
        { "America/Sao_Paulo", Local(2018, 11, 4, 1, 0), Utc(2018, 11, 4, 3, 0) },
        { "America/Sao_Paulo", Local(2019, 2, 16, 22, 59), Utc(2019, 2, 17, 0, 59) },
        { "America/Sao_Paulo", Local(2019, 2, 17, 0, 0), Utc(2019, 2, 17, 3, 0) },
        { "Pacific/Apia", Local(2011, 12, 29, 23, 59), Utc(2011, 12, 30, 9, 59) },
        { "Pacific/Apia", Local(2011, 12, 31, 0, 0), Utc(2011, 12, 30, 10, 0) },
    };

    [Theory]
    [MemberData(nameof(AroundTheChanges))]
    public void AroundAClockChange_TimesHappenOnce_AndEveryPolicyAgrees(string zoneId, DateTime local, DateTimeOffset utc)
    {
        var zone = Zone(zoneId);
        Assert.Equal(utc, LocalToUtc.Recorded(local, zone));
        Assert.Equal(utc, LocalToUtc.Exact(local, zone));
        Assert.Equal(utc, LocalToUtc.FirstAtOrAfter(local, zone));
        Assert.Null(LocalToUtc.SecondOccurrence(local, zone));
    }

    [Fact]
    public void TheKindOfTheLocalTime_IsIgnored()
    {
        var local = Local(2026, 11, 23, 9, 0);
        var expected = Utc(2026, 11, 23, 12, 0);
        Assert.Equal(expected, LocalToUtc.Recorded(DateTime.SpecifyKind(local, DateTimeKind.Utc), SaoPaulo));
        Assert.Equal(expected, LocalToUtc.Exact(DateTime.SpecifyKind(local, DateTimeKind.Local), SaoPaulo));
    }

    // The mapping against NodaTime's own MapLocal and resolvers, over the same zone data.

    /// <summary>Every clock change of the zones above from 1970 to 2040, read a little before, inside and after.</summary>
    [Fact]
    public void AtEveryClockChange_ThePoliciesAreNodaTimesResolvers()
    {
        var checkedChanges = 0;
        foreach (var id in ZoneIds)
        {
            var zone = Zone(id);
            var rules = BclDateTimeZone.FromTimeZoneInfo(zone);
            var from = Instant.FromUtc(1970, 1, 1, 0, 0);
            var to = Instant.FromUtc(2040, 1, 1, 0, 0);
            ZoneInterval? previous = null;
            foreach (var interval in rules.GetZoneIntervals(from, to))
            {
                if (previous is not null && previous.WallOffset != interval.WallOffset)
                {
                    checkedChanges++;
                    var change = interval.Start.ToDateTimeUtc().Ticks;
                    foreach (var wall in new[] { change + previous.WallOffset.Ticks, change + interval.WallOffset.Ticks })
                    {
                        foreach (var minutes in new[] { -61, -1, 0, 1, 29, 59, 60, 61 })
                        {
                            AssertResolvers(zone, rules, new DateTime(wall, DateTimeKind.Unspecified).AddMinutes(minutes));
                        }
                    }
                }

                previous = interval;
            }
        }

        Assert.True(checkedChanges > 500, $"only {checkedChanges} clock changes found");
    }

    [Fact]
    public void AtAnyTime_ThePoliciesAreNodaTimesResolvers() =>
        Gen.Select(Gen.OneOf(ZoneIds), Gen.Long[new DateTime(1900, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks])
            .Sample((id, ticks) =>
            {
                var zone = Zone(id);
                AssertResolvers(zone, BclDateTimeZone.FromTimeZoneInfo(zone), new DateTime(ticks - (ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified));
            }, iter: 2_000);

    [Fact]
    public void AnExactTime_ShowsTheSameWallClockBack() =>
        Gen.Select(Gen.OneOf(ZoneIds), Gen.Int[0, 36_890], Gen.Int[0, 1_439])
            .Sample((id, day, minute) =>
            {
                var zone = Zone(id);
                var local = new DateTime(2000, 1, 1).AddDays(day).AddMinutes(minute);
                if (LocalToUtc.Exact(local, zone) is { } at)
                {
                    Assert.Equal(TimeSpan.Zero, at.Offset);
                    Assert.Equal(local, TimeZoneInfo.ConvertTime(at, zone).DateTime);
                }
                else
                {
                    Assert.NotEqual(local, TimeZoneInfo.ConvertTime(LocalToUtc.Recorded(local, zone), zone).DateTime);
                }
            }, iter: 20_000);

    private static void AssertResolvers(TimeZoneInfo zone, DateTimeZone rules, DateTime local)
    {
        var noda = LocalDateTime.FromDateTime(local);
        var mapping = rules.MapLocal(noda);
        var context = $"{zone.Id} {local:yyyy-MM-dd HH:mm} ({mapping.Count} instants)";
        Assert.True(
            Utc(rules.ResolveLocal(noda, Resolvers.LenientResolver)) == LocalToUtc.Recorded(local, zone), $"Recorded, {context}");
        Assert.True(
            (mapping.Count == 0 ? null : Utc(mapping.First())) == LocalToUtc.Exact(local, zone), $"Exact, {context}");
        Assert.True(
            (mapping.Count == 2 ? Utc(mapping.Last()) : null) == LocalToUtc.SecondOccurrence(local, zone), $"SecondOccurrence, {context}");
        var boundary = Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);
        Assert.True(
            Utc(rules.ResolveLocal(noda, boundary)) == LocalToUtc.FirstAtOrAfter(local, zone), $"FirstAtOrAfter, {context}");
    }

    private static DateTimeOffset? Utc(ZonedDateTime zoned) => zoned.ToDateTimeOffset().ToUniversalTime();
}
