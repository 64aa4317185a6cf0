using System.Globalization;
using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class SendWindowTests
{
    private static readonly TimeZoneInfo SaoPaulo = Zone("America/Sao_Paulo");
    private static readonly TimeZoneInfo RioBranco = Zone("America/Rio_Branco");
    private static readonly TimeZoneInfo Manaus = Zone("America/Manaus");
    private static readonly TimeZoneInfo NewYork = Zone("America/New_York");

    private static readonly DateOnly Monday = new(2026, 11, 23);

    /// <summary>Zones the properties run in: Brazil's four offsets, and abroad with daylight saving of every kind.</summary>
    private static readonly string[] ZoneIds =
    [
        "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco", "America/Noronha", "UTC", "America/New_York",
        "Europe/Lisbon", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Apia",
        "America/Havana", "Asia/Tokyo", "Pacific/Kiritimati", "America/Asuncion",
    ];

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static SendWindow Parse(string text, params string[] blocked)
    {
        Assert.True(SendWindow.TryParse(text, blocked, out var window, out var errors), string.Join(" | ", errors));
        return window;
    }

    private static IReadOnlyList<InputProblem> Errors(string? text, params string?[] blocked)
    {
        Assert.False(SendWindow.TryParse(text, blocked, out var window, out var errors));
        Assert.Null(window);
        return errors;
    }

    /// <summary>An id whose minute offset is <paramref name="minute"/>, to make expected instants readable.</summary>
    private static long ContactWithOffset(int minute)
    {
        for (long id = 1; ; id++)
        {
            if (SendWindow.MinuteOffset(id) == minute)
            {
                return id;
            }
        }
    }

    // Parsing

    [Theory]
    [InlineData("Mon-Fri 09:00-18:00", "Mon-Fri 09:00-18:00")]
    [InlineData("Mon-Sat 08:30-20:00", "Mon-Sat 08:30-20:00")]
    [InlineData("Mon,Wed,Fri 10:00-17:00", "Mon,Wed,Fri 10:00-17:00")]
    [InlineData("  mon - fri   9:00 - 18:00 ", "Mon-Fri 09:00-18:00")]
    [InlineData("MON-FRI 09:00–18:00", "Mon-Fri 09:00-18:00")]
    [InlineData("seg-sex 09:00-18:00", "Mon-Fri 09:00-18:00")]
    [InlineData("Seg-Sáb 8h30-20h", "Mon-Sat 08:30-20:00")]
    [InlineData("segunda-feira a sexta-feira 09:00 às 18:00", "Mon-Fri 09:00-18:00")]
    [InlineData("Segunda a Sábado 9h-13h", "Mon-Sat 09:00-13:00")]
    [InlineData("seg, qua e sex 10h às 17h", "Mon,Wed,Fri 10:00-17:00")]
    [InlineData("terça,quinta 14:00-16:00", "Tue,Thu 14:00-16:00")]
    [InlineData("Monday-Friday 09:00-18:00", "Mon-Fri 09:00-18:00")]
    [InlineData("Fri-Mon 10:00-12:00", "Mon,Fri-Sun 10:00-12:00")]
    [InlineData("Sat-Sun 10:00-12:00", "Sat,Sun 10:00-12:00")]
    [InlineData("dom 00:00-23:59", "Sun 00:00-23:59")]
    [InlineData("Mon-Wed,Fri 9-18", "Mon-Wed,Fri 09:00-18:00")]
    public void TryParse_ReadsEnglishAndPortugueseForms(string text, string canonical) =>
        Assert.Equal(canonical, Parse(text).ToString());

    [Fact]
    public void Default_IsTheDefaultText()
    {
        Assert.Equal(SendWindow.DefaultText, SendWindow.Default.ToString());
        Assert.Equal(Parse(SendWindow.DefaultText).ToString(), SendWindow.Default.ToString());
        Assert.Equal(new TimeOnly(9, 0), SendWindow.Default.Start);
        Assert.Equal(new TimeOnly(18, 0), SendWindow.Default.End);
        Assert.Equal(5, SendWindow.Default.Days.Count);
        Assert.Empty(SendWindow.Default.BlockedDates);
    }

    [Theory]
    [InlineData(null, "não pode ser vazio")]
    [InlineData("  ", "não pode ser vazio")]
    [InlineData("09:00-18:00", "não está na forma")]
    [InlineData("Mon-Fri", "não está na forma")]
    [InlineData("Mon-Fri 09:00", "não está na forma")]
    [InlineData("Mon-Fry 09:00-18:00", "dia desconhecido, 'mon-fry'")]
    [InlineData("Mon-Tue-Wed 09:00-18:00", "dia desconhecido")]
    [InlineData("Mon-Fri 25:00-26:00", "horário inválido, '25:00'")]
    [InlineData("Mon-Fri 09:00-18:60", "horário inválido, '18:60'")]
    [InlineData("Mon-Fri 18:00-09:00", "tem o fim (09:00) antes do início (18:00)")]
    [InlineData("Mon-Fri 09:00-09:00", "tem o fim (09:00) antes do início (09:00)")]
    [InlineData("Mon-Fri 9:00-18:00; Sat 9:00-13:00", "não está na forma")]
    public void TryParse_NamesTheInputAndTheProblem(string? text, string problem)
    {
        // The window's key (Messaging:SendWindow) is named by the worker's options check (MessagingSettingsTests).
        var found = Assert.Single(Errors(text));
        Assert.Equal(("text", (int?)null), (found.Input, found.Index));
        var error = found.Message;
        Assert.Contains(problem, error, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(text))
        {
            Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryParse_ReadsBlockedDates()
    {
        var window = Parse(SendWindow.DefaultText, "2026-12-24", " 2026-12-31 ", "2027-02-08,2027-02-09");
        Assert.Equal(
            [new DateOnly(2026, 12, 24), new DateOnly(2026, 12, 31), new DateOnly(2027, 2, 8), new DateOnly(2027, 2, 9)],
            window.BlockedDates.Order());
    }

    [Fact]
    public void TryParse_ReportsEveryProblemAtOnce_NamingEachBlockedDateByIndex()
    {
        var errors = Errors("Mon-Fri 18:00-09:00", "2026-12-24", "24/12/2026", "", "2026-02-30");
        Assert.Equal(4, errors.Count);
        Assert.StartsWith("text: 'Mon-Fri 18:00-09:00'", errors[0].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("blockedDates:1: '24/12/2026' não é uma data", errors[1].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("blockedDates:2: está vazio", errors[2].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("blockedDates:3: '2026-02-30'", errors[3].ToString(), StringComparison.Ordinal);
        Assert.Equal([null, 1, 2, 3], errors.Select(e => e.Index));
    }

    [Fact]
    public void Constructor_RejectsAWindowWithoutDaysOrTime()
    {
        Assert.Throws<ArgumentException>(() => new SendWindow([], new TimeOnly(9, 0), new TimeOnly(18, 0)));
        Assert.Throws<ArgumentException>(() => new SendWindow([DayOfWeek.Monday], new TimeOnly(9, 0), new TimeOnly(9, 0)));
        Assert.Throws<ArgumentException>(() => new SendWindow([DayOfWeek.Monday], new TimeOnly(9, 0), new TimeOnly(9, 0, 30)));
    }

    [Fact]
    public void Parse_AcceptsEveryCanonicalForm() =>
        Gen.Select(Gen.Int[1, 127], Gen.Int[0, (23 * 60) + 58], Gen.Int[1, 600]).Sample((mask, start, length) =>
        {
            var end = Math.Min(start + length, (23 * 60) + 59);
            var days = Enum.GetValues<DayOfWeek>().Where(day => (mask & (1 << (int)day)) != 0);
            var window = new SendWindow(days, new TimeOnly(start / 60, start % 60), new TimeOnly(end / 60, end % 60));
            var reparsed = Parse(window.ToString());
            Assert.Equal(window.ToString(), reparsed.ToString());
            Assert.True(window.Days.SetEquals(reparsed.Days));
        }, iter: 2_000);

    // Days

    [Fact]
    public void CheckDay_ClosesWeekendsHolidaysAndBlockedDates()
    {
        var window = Parse(SendWindow.DefaultText, "2026-12-24");
        Assert.Equal(SendDayStatus.Open, window.CheckDay(Monday));
        Assert.Equal(SendDayStatus.ClosedWeekday, window.CheckDay(new DateOnly(2026, 11, 21)));
        Assert.Equal(SendDayStatus.ClosedWeekday, window.CheckDay(new DateOnly(2026, 11, 22)));
        Assert.Equal(SendDayStatus.BlockedDate, window.CheckDay(new DateOnly(2026, 12, 24)));
        Assert.Equal(SendDayStatus.NationalHoliday, window.CheckDay(new DateOnly(2026, 12, 25)));
    }

    [Fact]
    public void HolidayOnAFriday_MovesTheNextSendDayToMonday()
    {
        var blackConsciousnessDay = new DateOnly(2026, 11, 20);
        Assert.Equal(DayOfWeek.Friday, blackConsciousnessDay.DayOfWeek);
        Assert.Equal(SendDayStatus.NationalHoliday, SendWindow.Default.CheckDay(blackConsciousnessDay));
        Assert.Equal(Monday, SendWindow.Default.NextSendDay(blackConsciousnessDay));
        Assert.False(SendWindow.Default.Schedule(blackConsciousnessDay, 10, SaoPaulo, 1).IsScheduled);
    }

    [Fact]
    public void HolidayOnAMonday_MovesTheNextSendDayToTuesday()
    {
        var independenceDay = new DateOnly(2026, 9, 7);
        Assert.Equal(DayOfWeek.Monday, independenceDay.DayOfWeek);
        Assert.Equal(new DateOnly(2026, 9, 8), SendWindow.Default.NextSendDay(new DateOnly(2026, 9, 5)));
        Assert.Equal(
            new SendSlot(SendDayStatus.NationalHoliday, null, null),
            SendWindow.Default.Schedule(independenceDay, 10, SaoPaulo, 1));
    }

    [Fact]
    public void GoodFriday_IsNotASendDay()
    {
        var goodFriday = new DateOnly(2027, 3, 26);
        Assert.Equal(SendDayStatus.NationalHoliday, SendWindow.Default.CheckDay(goodFriday));
        Assert.Equal(new DateOnly(2027, 3, 29), SendWindow.Default.NextSendDay(goodFriday));
    }

    /// <summary>
    /// Carnival and Ash Wednesday are optional days off (pontos facultativos), not holidays: SPEC section 5 excludes only
    /// national holidays and <c>Messaging:BlockedDates</c>, so they are send days unless the business blocks them.
    /// </summary>
    [Fact]
    public void Carnival_IsASendDay_UnlessBlocked()
    {
        var carnivalMonday = new DateOnly(2027, 2, 8);
        var carnivalTuesday = new DateOnly(2027, 2, 9);
        var ashWednesday = new DateOnly(2027, 2, 10);
        var saturdayBefore = new DateOnly(2027, 2, 6);

        Assert.Equal(SendDayStatus.Open, SendWindow.Default.CheckDay(carnivalMonday));
        Assert.Equal(SendDayStatus.Open, SendWindow.Default.CheckDay(carnivalTuesday));
        Assert.Equal(carnivalMonday, SendWindow.Default.NextSendDay(saturdayBefore));

        var blocked = Parse(SendWindow.DefaultText, "2027-02-08", "2027-02-09");
        Assert.Equal(SendDayStatus.BlockedDate, blocked.CheckDay(carnivalTuesday));
        Assert.Equal(ashWednesday, blocked.NextSendDay(saturdayBefore));
        Assert.Equal(SendDayStatus.Open, blocked.CheckDay(ashWednesday));
    }

    [Fact]
    public void NextSendDay_ReadsTheDateInTheZoneGiven()
    {
        // 02:00 UTC on Saturday is still Friday 23:00 in São Paulo, a send day, but already Saturday in Lisbon.
        var instant = new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2026, 11, 27), SendWindow.Default.NextSendDay(instant, SaoPaulo));
        Assert.Equal(new DateOnly(2026, 11, 30), SendWindow.Default.NextSendDay(instant, Zone("Europe/Lisbon")));
    }

    [Fact]
    public void NextSendDay_FailsWhenEverythingIsBlocked()
    {
        var window = new SendWindow([DayOfWeek.Monday], new TimeOnly(9, 0), new TimeOnly(18, 0),
            Enumerable.Range(0, 4_000).Select(i => Monday.AddDays(7 * i)));
        Assert.Throws<InvalidOperationException>(() => window.NextSendDay(Monday));
    }

    // Slots

    [Fact]
    public void Acre_NineInTheMorningIsElevenInSaoPaulo()
    {
        var contact = ContactWithOffset(0);
        var slot = SendWindow.Default.Schedule(Monday, 9, RioBranco, contact);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero), slot.At);
        Assert.Equal(TimeSpan.Zero, slot.At!.Value.Offset);
        Assert.Equal(new TimeOnly(9, 0), slot.LocalTime);
        Assert.Equal(new DateTime(2026, 11, 23, 11, 0, 0), TimeZoneInfo.ConvertTime(slot.At.Value, SaoPaulo).DateTime);
    }

    [Fact]
    public void Manaus_IsFourHoursBehindUtc()
    {
        var contact = ContactWithOffset(17);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 17, 0, TimeSpan.Zero), SendWindow.Default.Schedule(Monday, 9, Manaus, contact).At);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 17, 0, TimeSpan.Zero), SendWindow.Default.Schedule(Monday, 9, SaoPaulo, contact).At);
    }

    [Theory]
    [InlineData(0, 9)]
    [InlineData(8, 9)]
    [InlineData(9, 9)]
    [InlineData(13, 13)]
    [InlineData(17, 17)]
    [InlineData(18, 17)]
    [InlineData(23, 17)]
    public void Schedule_ClampsTheHabitualHourIntoTheWindow(int habit, int hour)
    {
        var contact = ContactWithOffset(42);
        Assert.Equal(new TimeOnly(hour, 42), SendWindow.Default.Schedule(Monday, habit, SaoPaulo, contact).LocalTime);
    }

    [Fact]
    public void Schedule_NeverLetsTheOffsetPassTheEnd()
    {
        var window = Parse("Mon-Fri 08:30-17:20");
        var lateContact = ContactWithOffset(59);
        Assert.Equal(new TimeOnly(9, 29), window.Schedule(Monday, 8, SaoPaulo, lateContact).LocalTime);
        var last = window.Schedule(Monday, 20, SaoPaulo, lateContact).LocalTime!.Value;
        Assert.InRange(last, new TimeOnly(16, 20), new TimeOnly(17, 19));

        var tiny = Parse("Mon 09:00-09:05");
        for (long id = 0; id < 500; id++)
        {
            Assert.InRange(tiny.Schedule(Monday, 15, SaoPaulo, id).LocalTime!.Value, new TimeOnly(9, 0), new TimeOnly(9, 4));
        }
    }

    /// <summary>A habit around midnight is 00:00 (HabitualHourTests), which opens the window, not closes it.</summary>
    [Fact]
    public void MidnightHabit_IsClampedToTheWindowStart()
    {
        var contact = ContactWithOffset(5);
        Assert.Equal(new TimeOnly(9, 5), SendWindow.Default.Schedule(Monday, 0, SaoPaulo, contact).LocalTime);
    }

    [Fact]
    public void Schedule_RejectsAnHourOutsideTheDay()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SendWindow.Default.Schedule(Monday, -1, SaoPaulo, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SendWindow.Default.Schedule(Monday, 24, SaoPaulo, 1));
    }

    [Fact]
    public void MinuteOffset_IsPinned()
    {
        // SplitMix64 of the id, modulo 60. Changing the hash moves every contact's time: do it knowingly.
        Assert.Equal([55, 5, 10, 33, 39], new long[] { 0, 1, 2, 3, long.MaxValue }.Select(SendWindow.MinuteOffset));
    }

    [Fact]
    public void MinuteOffset_SpreadsContactsEvenly()
    {
        var perMinute = new int[60];
        for (long id = 1; id <= 60_000; id++)
        {
            perMinute[SendWindow.MinuteOffset(id)]++;
        }

        Assert.All(perMinute, count => Assert.InRange(count, 850, 1_150));
    }

    [Fact]
    public void MinuteOffset_IsStablePerContact_AcrossDaysAndZones() =>
        Gen.Select(Gen.Long, Gen.Int[0, 3_000], Gen.Int[9, 17], Gen.OneOf("America/Sao_Paulo", "America/Rio_Branco", "Asia/Tokyo"))
            .Sample((contact, dayIndex, habit, zoneId) =>
            {
                var offset = SendWindow.MinuteOffset(contact);
                Assert.InRange(offset, 0, 59);
                var day = SendWindow.Default.NextSendDay(new DateOnly(2026, 1, 1).AddDays(dayIndex));
                var slot = SendWindow.Default.Schedule(day, habit, Zone(zoneId), contact);
                Assert.Equal(new TimeOnly(habit, offset), slot.LocalTime);
                Assert.Equal(slot, SendWindow.Default.Schedule(day, habit, Zone(zoneId), contact));
            }, iter: 3_000);

    [Fact]
    public void SkippedLocalTime_MovesToTheNextMinuteThatExists()
    {
        // 2027-03-14, New York: 02:00 jumps to 03:00.
        var sunday = new DateOnly(2027, 3, 14);
        var window = Parse("Sun 02:00-04:00");
        var slot = window.Schedule(sunday, 2, NewYork, ContactWithOffset(30));
        Assert.Equal(new DateTimeOffset(2027, 3, 14, 7, 0, 0, TimeSpan.Zero), slot.At);
        Assert.Equal(new TimeOnly(3, 0), slot.LocalTime);

        var swallowed = Parse("Sun 02:00-03:00").Schedule(sunday, 2, NewYork, ContactWithOffset(30));
        Assert.Equal(new SendSlot(SendDayStatus.NoLocalTime, null, null), swallowed);
    }

    [Fact]
    public void ADayTheZoneSkipped_HasNoLocalTime()
    {
        // Samoa moved across the date line: 2011-12-29 was followed by 2011-12-31 in Apia.
        var slot = Parse("Mon-Fri 09:00-18:00").Schedule(new DateOnly(2011, 12, 30), 9, TimeZoneInfo.FindSystemTimeZoneById("Pacific/Apia"), ContactWithOffset(2));
        Assert.Equal(new SendSlot(SendDayStatus.NoLocalTime, null, null), slot);
    }

    [Fact]
    public void RepeatedLocalTime_IsTakenAtItsFirstOccurrence()
    {
        // 2027-11-07, New York: 02:00 EDT goes back to 01:00 EST, so 01:30 happens twice.
        var slot = Parse("Sun 01:00-02:00").Schedule(new DateOnly(2027, 11, 7), 1, NewYork, ContactWithOffset(30));
        Assert.Equal(new DateTimeOffset(2027, 11, 7, 5, 30, 0, TimeSpan.Zero), slot.At);
    }

    [Fact]
    public void Schedule_IsInsideTheWindowOnTheContactsClock_AndNeverOnAHoliday() =>
        Gen.Select(
                Gen.OneOf(ZoneIds),
                Gen.OneOf("Mon-Fri 09:00-18:00", "Mon-Sun 00:00-23:59", "Mon-Sun 00:00-03:00", "Sat,Sun 01:30-02:30", "Mon-Sat 08:30-20:00", "Mon 09:00-09:01"),
                Gen.Int[0, 36_890],
                Gen.Int[0, 23],
                Gen.Long)
            .Sample((zoneId, text, date, habit, contact) =>
                AssertInsideWindow(Parse(text, "2030-06-04"), new DateOnly(2000, 1, 1).AddDays(date), habit, Zone(zoneId), contact), iter: 20_000);

    /// <summary>Every clock change of the zones above in ten years, with night windows that straddle it.</summary>
    [Fact]
    public void Schedule_IsInsideTheWindow_OnEveryClockChangeDay()
    {
        string[] windows = ["Mon-Sun 00:00-23:59", "Mon-Sun 00:00-01:00", "Mon-Sun 00:30-03:30", "Mon-Sun 01:59-02:01", "Mon-Sun 23:00-23:59"];
        var checkedDays = 0;
        foreach (var zoneId in ZoneIds)
        {
            var zone = Zone(zoneId);
            for (var day = new DateOnly(2020, 1, 1); day.Year < 2030; day = day.AddDays(1))
            {
                var midnight = day.ToDateTime(TimeOnly.MinValue);
                if (zone.GetUtcOffset(midnight) == zone.GetUtcOffset(midnight.AddDays(1)) && !zone.IsInvalidTime(midnight))
                {
                    continue;
                }

                checkedDays++;
                foreach (var text in windows)
                {
                    for (var habit = 0; habit < 24; habit++)
                    {
                        AssertInsideWindow(Parse(text), day, habit, zone, habit * 7919L);
                    }
                }
            }
        }

        Assert.True(checkedDays > 100, $"only {checkedDays} clock-change days found");
    }

    private static void AssertInsideWindow(SendWindow window, DateOnly day, int habit, TimeZoneInfo zone, long contact)
    {
        var slot = window.Schedule(day, habit, zone, contact);
        var status = window.CheckDay(day);
        if (!slot.IsScheduled)
        {
            Assert.True(slot.Status == status || (status == SendDayStatus.Open && slot.Status == SendDayStatus.NoLocalTime), $"{slot.Status} on a {status} day");
            Assert.Null(slot.LocalTime);
            return;
        }

        Assert.Equal(SendDayStatus.Open, slot.Status);
        Assert.Equal(TimeSpan.Zero, slot.At.Value.Offset);
        var local = TimeZoneInfo.ConvertTime(slot.At.Value, zone);
        var context = string.Create(CultureInfo.InvariantCulture, $"{zone.Id} {window} {day:yyyy-MM-dd} habit {habit}: {local:yyyy-MM-dd HH:mm}");
        Assert.True(DateOnly.FromDateTime(local.DateTime) == day, context);
        var time = TimeOnly.FromDateTime(local.DateTime);
        Assert.True(time >= window.Start && time < window.End, context);
        Assert.Equal(slot.LocalTime, time);
        Assert.False(BrazilHolidays.IsNationalHoliday(day), context);
        Assert.False(window.BlockedDates.Contains(day), context);
        Assert.Contains(day.DayOfWeek, window.Days);
    }
}
