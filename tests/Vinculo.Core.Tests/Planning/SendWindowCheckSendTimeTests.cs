using System.Globalization;
using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class SendWindowCheckSendTimeTests
{
    private static readonly TimeZoneInfo SaoPaulo = Zone("America/Sao_Paulo");
    private static readonly TimeZoneInfo RioBranco = Zone("America/Rio_Branco");
    private static readonly TimeZoneInfo Lisbon = Zone("Europe/Lisbon");

    private static readonly SendTimeCheck Open = new(SendTimeStatus.Open, SendDayStatus.Open, null);
    private static readonly SendTimeCheck Missed = new(SendTimeStatus.Missed, SendDayStatus.Open, null);

    /// <summary>Monday 2026-11-23, 14:00 in São Paulo: a slot inside the default window.</summary>
    private static readonly DateTimeOffset MondaySlot = new(2026, 11, 23, 17, 0, 0, TimeSpan.Zero);

    /// <summary>09:00 in São Paulo on that Monday.</summary>
    private static readonly DateTimeOffset MondayOpening = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] ZoneIds =
    [
        "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco", "America/Noronha", "UTC", "America/New_York",
        "Europe/Lisbon", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "Asia/Tokyo",
    ];

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static SendWindow Parse(string text, params string[] blocked)
    {
        Assert.True(SendWindow.TryParse(text, blocked, out var window, out var errors), string.Join(" | ", errors));
        return window;
    }

    /// <summary>A wall-clock time in a zone without daylight saving, as an instant.</summary>
    private static DateTimeOffset At(TimeZoneInfo zone, int year, int month, int day, int hour, int minute, int second = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, second);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static SendTimeCheck NotYetOpen(DateTimeOffset opensAt) => new(SendTimeStatus.NotYetOpen, SendDayStatus.Open, opensAt);

    private static SendTimeCheck ClosedDay(SendDayStatus day) => new(SendTimeStatus.ClosedDay, day, null);

    private static SendTimeCheck Check(DateTimeOffset scheduledAt, DateTimeOffset now, TimeZoneInfo? zone = null) =>
        SendWindow.Default.CheckSendTime(scheduledAt, now, zone ?? SaoPaulo);

    // São Paulo, an ordinary Monday

    [Theory]
    [InlineData(9, 0, 0)]
    [InlineData(9, 0, 1)]
    [InlineData(12, 30, 0)]
    [InlineData(17, 0, 0)]
    [InlineData(17, 59, 0)]
    [InlineData(17, 59, 59)]
    public void CheckSendTime_IsOpen_WhileTheSendDaysWindowIsOpen(int hour, int minute, int second) =>
        Assert.Equal(Open, Check(MondaySlot, At(SaoPaulo, 2026, 11, 23, hour, minute, second)));

    [Fact]
    public void CheckSendTime_IsMissed_FromTheFirstInstantOf18h()
    {
        var closing = At(SaoPaulo, 2026, 11, 23, 18, 0);
        Assert.Equal(Open, Check(MondaySlot, closing - TimeSpan.FromTicks(1)));
        Assert.Equal(Open, Check(MondaySlot, closing.AddSeconds(-1)));
        Assert.Equal(Missed, Check(MondaySlot, closing));
        Assert.Equal(Missed, Check(MondaySlot, closing.AddSeconds(1)));
        Assert.Equal(Missed, Check(MondaySlot, At(SaoPaulo, 2026, 11, 23, 23, 59, 59)));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(6, 30, 0)]
    [InlineData(8, 59, 0)]
    [InlineData(8, 59, 59)]
    public void CheckSendTime_WaitsForTheOpening_EarlierOnTheSendDay(int hour, int minute, int second) =>
        Assert.Equal(NotYetOpen(MondayOpening), Check(MondaySlot, At(SaoPaulo, 2026, 11, 23, hour, minute, second)));

    [Fact]
    public void CheckSendTime_IsOpen_FromTheOpeningInstant()
    {
        Assert.Equal(NotYetOpen(MondayOpening), Check(MondaySlot, MondayOpening - TimeSpan.FromTicks(1)));
        Assert.Equal(Open, Check(MondaySlot, MondayOpening));
    }

    [Fact]
    public void CheckSendTime_WaitsForTheSendDaysOpening_OnAnEarlierDay()
    {
        Assert.Equal(NotYetOpen(MondayOpening), Check(MondaySlot, At(SaoPaulo, 2026, 11, 22, 10, 0)));
        Assert.Equal(NotYetOpen(MondayOpening), Check(MondaySlot, At(SaoPaulo, 2026, 11, 20, 17, 0)));
        Assert.Equal(NotYetOpen(MondayOpening), Check(MondaySlot, At(SaoPaulo, 2026, 11, 16, 12, 0)));
    }

    [Fact]
    public void CheckSendTime_IsMissed_OnALaterDay_EvenWhileThatDaysWindowIsOpen()
    {
        Assert.Equal(Missed, Check(MondaySlot, At(SaoPaulo, 2026, 11, 24, 0, 0)));
        Assert.Equal(Missed, Check(MondaySlot, At(SaoPaulo, 2026, 11, 24, 10, 0)));
        Assert.Equal(Missed, Check(MondaySlot, At(SaoPaulo, 2026, 11, 30, 14, 0)));
    }

    [Theory]
    [InlineData(9, 0)]
    [InlineData(13, 37)]
    [InlineData(17, 59)]
    [InlineData(7, 0)]
    [InlineData(20, 0)]
    public void CheckSendTime_DependsOnTheSlotsDay_NotItsTime(int hour, int minute)
    {
        var slot = At(SaoPaulo, 2026, 11, 23, hour, minute);
        Assert.Equal(NotYetOpen(MondayOpening), Check(slot, At(SaoPaulo, 2026, 11, 23, 8, 0)));
        Assert.Equal(Open, Check(slot, At(SaoPaulo, 2026, 11, 23, 10, 0)));
        Assert.Equal(Missed, Check(slot, At(SaoPaulo, 2026, 11, 23, 18, 0)));
    }

    [Fact]
    public void CheckSendTime_IgnoresTheOffsetTheInstantsAreWrittenIn()
    {
        var now = At(SaoPaulo, 2026, 11, 23, 10, 0);
        Assert.Equal(Open, Check(MondaySlot.ToOffset(TimeSpan.FromHours(9)), now.ToOffset(TimeSpan.FromHours(-7))));
        Assert.Equal(Missed, Check(MondaySlot.ToOffset(TimeSpan.FromHours(14)), now.AddHours(8).ToOffset(TimeSpan.FromHours(-12))));
    }

    [Fact]
    public void CheckSendTime_RejectsANullZone() =>
        Assert.Throws<ArgumentNullException>(() => SendWindow.Default.CheckSendTime(MondaySlot, MondaySlot, null!));

    // Zones

    [Fact]
    public void Acre_IsStillOpen_AfterSaoPaulosWindowClosed()
    {
        var slot = At(RioBranco, 2026, 11, 23, 17, 30);
        var now = new DateTimeOffset(2026, 11, 23, 21, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTime(2026, 11, 23, 18, 30, 0), TimeZoneInfo.ConvertTime(now, SaoPaulo).DateTime);

        Assert.Equal(Open, Check(slot, now, RioBranco));
        Assert.Equal(Missed, Check(slot, now, SaoPaulo));
        Assert.Equal(Open, Check(slot, new DateTimeOffset(2026, 11, 23, 22, 59, 59, TimeSpan.Zero), RioBranco));
        Assert.Equal(Missed, Check(slot, new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero), RioBranco));
    }

    [Fact]
    public void Acre_OpensTwoHoursAfterSaoPaulo()
    {
        var slot = At(RioBranco, 2026, 11, 23, 10, 0);
        var now = new DateTimeOffset(2026, 11, 23, 13, 30, 0, TimeSpan.Zero);
        Assert.Equal(NotYetOpen(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero)), Check(slot, now, RioBranco));
        Assert.Equal(Open, Check(slot, now, SaoPaulo));
    }

    [Fact]
    public void TheSendDay_IsTheSlotsDateOnTheContactsClock()
    {
        // 02:00 UTC on Saturday the 28th is still Friday 23:00 in São Paulo and Friday 21:00 in Rio Branco.
        var slot = new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
        var fridayNoon = new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero);
        Assert.Equal(Open, Check(slot, fridayNoon, SaoPaulo));
        Assert.Equal(Open, Check(slot, fridayNoon, RioBranco));
        Assert.Equal(ClosedDay(SendDayStatus.ClosedWeekday), Check(slot, fridayNoon, TimeZoneInfo.Utc));
    }

    [Fact]
    public void ASlotLateOnMonday_IsMissedOnTuesday_ThoughItsUtcDateIsTuesday()
    {
        var slot = new DateTimeOffset(2026, 11, 24, 2, 30, 0, TimeSpan.Zero);
        var tuesdayMorning = new DateTimeOffset(2026, 11, 24, 13, 0, 0, TimeSpan.Zero);
        Assert.Equal(Missed, Check(slot, tuesdayMorning, SaoPaulo));
        Assert.Equal(Open, Check(slot, tuesdayMorning, TimeZoneInfo.Utc));
    }

    // Closed days

    [Theory]
    [InlineData(2026, 11, 19, 12)]
    [InlineData(2026, 11, 20, 8)]
    [InlineData(2026, 11, 20, 10)]
    [InlineData(2026, 11, 20, 19)]
    [InlineData(2026, 11, 23, 10)]
    public void ANationalHoliday_IsAClosedDay_WhateverTheTime(int year, int month, int day, int hour) =>
        Assert.Equal(ClosedDay(SendDayStatus.NationalHoliday), Check(At(SaoPaulo, 2026, 11, 20, 14, 0), At(SaoPaulo, year, month, day, hour, 0)));

    [Fact]
    public void TheHoliday_IsReadOnTheContactsCalendar()
    {
        // Friday 20 November 22:00 in São Paulo is already Saturday 01:00 in Lisbon.
        var slot = new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero);
        var now = slot.AddHours(-12);
        Assert.Equal(ClosedDay(SendDayStatus.NationalHoliday), Check(slot, now, SaoPaulo));
        Assert.Equal(ClosedDay(SendDayStatus.ClosedWeekday), Check(slot, now, Lisbon));
    }

    [Fact]
    public void ABlockedDate_IsAClosedDay()
    {
        var window = Parse(SendWindow.DefaultText, "2026-12-24");
        var christmasEve = At(SaoPaulo, 2026, 12, 24, 11, 0);
        Assert.Equal(DayOfWeek.Thursday, christmasEve.DayOfWeek);
        Assert.Equal(ClosedDay(SendDayStatus.BlockedDate), window.CheckSendTime(christmasEve, christmasEve, SaoPaulo));
        Assert.Equal(ClosedDay(SendDayStatus.BlockedDate), window.CheckSendTime(christmasEve, christmasEve.AddDays(-1), SaoPaulo));
        Assert.Equal(Open, window.CheckSendTime(christmasEve.AddDays(-1), christmasEve.AddDays(-1), SaoPaulo));
        Assert.Equal(Open, SendWindow.Default.CheckSendTime(christmasEve, christmasEve, SaoPaulo));
    }

    [Fact]
    public void AWeekdayOutsideTheWindow_IsAClosedDay()
    {
        var saturday = At(SaoPaulo, 2026, 11, 21, 10, 0);
        Assert.Equal(ClosedDay(SendDayStatus.ClosedWeekday), Check(saturday, saturday));
        Assert.Equal(Open, Parse("Mon-Sat 09:00-18:00").CheckSendTime(saturday, saturday, SaoPaulo));
    }

    // Daylight saving

    /// <summary>
    /// Clock changes, all in UTC: what the check says for a slot in <c>zone</c>'s window, at each <c>now</c>.
    /// Lisbon, 2027-03-28: 01:00 WET becomes 02:00 WEST, so 09:00-18:00 is 08:00-17:00 UTC that day; 2027-10-31:
    /// 02:00 WEST becomes 01:00 WET, so 09:00 and 18:00 that day are 09:00 and 18:00 UTC.
    /// New York, 2027-03-14: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 2027-11-07: 02:00 EDT goes back to 01:00 EST,
    /// so 01:00-02:00 is 05:00-06:00 UTC and again 06:00-07:00 UTC.
    /// </summary>
    public static TheoryData<string, string, string, string, SendTimeStatus, SendDayStatus, string?> ClockChanges()
    {
        var rows = new TheoryData<string, string, string, string, SendTimeStatus, SendDayStatus, string?>();

        // Lisbon, clocks forward: that day's offset.
        Slot("Europe/Lisbon", "Mon-Sun 09:00-18:00", "2027-03-28T10:00:00Z",
            ("2027-03-28T00:30:00Z", SendTimeStatus.NotYetOpen, SendDayStatus.Open, "2027-03-28T08:00:00Z"),
            ("2027-03-28T07:59:59Z", SendTimeStatus.NotYetOpen, SendDayStatus.Open, "2027-03-28T08:00:00Z"),
            ("2027-03-28T08:00:00Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-03-28T16:59:59Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-03-28T17:00:00Z", SendTimeStatus.Missed, SendDayStatus.Open, null));
        // Lisbon, clocks back: closes at 18h winter time.
        Slot("Europe/Lisbon", "Mon-Sun 09:00-18:00", "2027-10-31T12:00:00Z",
            ("2027-10-31T08:00:00Z", SendTimeStatus.NotYetOpen, SendDayStatus.Open, "2027-10-31T09:00:00Z"),
            ("2027-10-31T17:59:59Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-10-31T18:00:00Z", SendTimeStatus.Missed, SendDayStatus.Open, null));
        // New York, opening in the skipped hour: opens at the first minute that exists.
        Slot("America/New_York", "Sun 02:00-04:00", "2027-03-14T07:30:00Z",
            ("2027-03-14T06:59:59Z", SendTimeStatus.NotYetOpen, SendDayStatus.Open, "2027-03-14T07:00:00Z"),
            ("2027-03-14T07:00:00Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-03-14T07:59:59Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-03-14T08:00:00Z", SendTimeStatus.Missed, SendDayStatus.Open, null));
        // New York, a window the jump swallowed whole: no local time.
        Slot("America/New_York", "Sun 02:00-03:00", "2027-03-14T12:00:00Z",
            ("2027-03-14T06:30:00Z", SendTimeStatus.ClosedDay, SendDayStatus.NoLocalTime, null),
            ("2027-03-14T07:00:00Z", SendTimeStatus.Missed, SendDayStatus.Open, null));
        // New York, window in the repeated hour: opens at its first occurrence, open through the second.
        Slot("America/New_York", "Sun 01:00-02:00", "2027-11-07T05:30:00Z",
            ("2027-11-07T04:30:00Z", SendTimeStatus.NotYetOpen, SendDayStatus.Open, "2027-11-07T05:00:00Z"),
            ("2027-11-07T05:30:00Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-11-07T06:30:00Z", SendTimeStatus.Open, SendDayStatus.Open, null),
            ("2027-11-07T07:00:00Z", SendTimeStatus.Missed, SendDayStatus.Open, null));
        return rows;

        void Slot(string zone, string window, string slot, params (string Now, SendTimeStatus Status, SendDayStatus Day, string? OpensAt)[] checks)
        {
            foreach (var check in checks)
            {
                rows.Add(zone, window, slot, check.Now, check.Status, check.Day, check.OpensAt);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ClockChanges))]
    public void OnADayTheClocksChange_TheWindowFollowsThatDaysOffsets(
        string zone, string window, string slot, string now, SendTimeStatus status, SendDayStatus day, string? opensAt) =>
        Assert.Equal(new SendTimeCheck(status, day, opensAt is null ? null : Instant(opensAt)), Parse(window).CheckSendTime(Instant(slot), Instant(now), Zone(zone)));

    private static DateTimeOffset Instant(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture);

    // Properties

    /// <summary>The status agrees with the contact's clock: the slot's local date against now's local date and time.</summary>
    [Fact]
    public void CheckSendTime_AgreesWithTheContactsClock() =>
        Gen.Select(
                Gen.OneOf(ZoneIds),
                Gen.OneOf("Mon-Fri 09:00-18:00", "Mon-Sun 00:00-23:59", "Mon-Sun 00:30-03:30", "Mon-Sat 08:30-20:00", "Tue 10:00-10:01"),
                Gen.Long[0, TimeSpan.FromDays(3_650).Ticks],
                Gen.Long[-TimeSpan.FromDays(3).Ticks, TimeSpan.FromDays(3).Ticks])
            .Sample((zoneId, text, slotTicks, nowOffsetTicks) =>
            {
                var zone = Zone(zoneId);
                var window = Parse(text, "2027-06-15");
                var slot = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(slotTicks);
                var now = slot.AddTicks(nowOffsetTicks);
                var check = window.CheckSendTime(slot, now, zone);

                var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(slot, zone).DateTime);
                var localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
                var today = DateOnly.FromDateTime(localNow);
                var time = TimeOnly.FromDateTime(localNow);
                var dayStatus = window.CheckDay(day);

                if (dayStatus != SendDayStatus.Open)
                {
                    Assert.Equal(ClosedDay(dayStatus), check);
                    return;
                }

                if (check.Status == SendTimeStatus.ClosedDay)
                {
                    Assert.Equal(SendDayStatus.NoLocalTime, check.Day);
                    return;
                }

                Assert.Equal(SendDayStatus.Open, check.Day);
                var expected = today > day || (today == day && time >= window.End) ? SendTimeStatus.Missed
                    : today < day || time < window.Start ? SendTimeStatus.NotYetOpen
                    : SendTimeStatus.Open;
                Assert.Equal(expected, check.Status);
                Assert.Equal(check.Status == SendTimeStatus.NotYetOpen, check.OpensAt.HasValue);
            }, iter: 20_000);

    /// <summary>The opening is later than now, on the send day, inside the window, and the window is open then.</summary>
    [Fact]
    public void NotYetOpen_OpensAtAnInstantWhenTheCheckSaysOpen()
    {
        var waiting = 0;
        Gen.Select(
                Gen.OneOf(ZoneIds),
                Gen.OneOf("Mon-Fri 09:00-18:00", "Mon-Sun 00:30-03:30", "Mon-Sun 01:59-02:01", "Mon-Sat 08:30-20:00"),
                Gen.Long[0, TimeSpan.FromDays(3_650).Ticks],
                Gen.Long[0, TimeSpan.FromDays(3).Ticks])
            .Sample((zoneId, text, slotTicks, earlierTicks) =>
            {
                var zone = Zone(zoneId);
                var window = Parse(text);
                var slot = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(slotTicks);
                var now = slot.AddTicks(-earlierTicks);
                var check = window.CheckSendTime(slot, now, zone);
                if (check.Status != SendTimeStatus.NotYetOpen)
                {
                    return;
                }

                Interlocked.Increment(ref waiting);
                var opensAt = check.OpensAt!.Value;
                Assert.True(opensAt > now, $"opens at {opensAt:O}, now {now:O}");
                var localOpening = TimeZoneInfo.ConvertTime(opensAt, zone).DateTime;
                Assert.Equal(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(slot, zone).DateTime), DateOnly.FromDateTime(localOpening));
                Assert.InRange(TimeOnly.FromDateTime(localOpening), window.Start, window.End.AddMinutes(-1));
                Assert.Equal(Open, window.CheckSendTime(slot, opensAt, zone));
                Assert.Equal(check, window.CheckSendTime(slot, opensAt - TimeSpan.FromTicks(1), zone));
            }, iter: 20_000);

        Assert.True(waiting > 2_000, $"only {waiting} draws were waiting for the window");
    }
}
