using Vinculo.Dispatch;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class MarketingLimitRequeueTests
{
    private const long ContactId = 42;
    private const int MaxAttempts = 3;

    private static readonly SendWindow Window = SendWindow.Default;
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    /// <summary>Monday 2026-11-23, 14:00 UTC.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private static TimeZoneInfo FixedZone(int hours) =>
        TimeZoneInfo.CreateCustomTimeZone($"UTC{hours:+00;-00}", TimeSpan.FromHours(hours), $"UTC{hours:+00;-00}", $"UTC{hours:+00;-00}");

    private static DateTimeOffset SlotOn(DateOnly day, int hour, TimeZoneInfo? zone = null) =>
        Window.Schedule(day, hour, zone ?? Utc, ContactId).At!.Value;

    private static RequeueSlot? Next(DateTimeOffset scheduledAt, DateTimeOffset now, TimeZoneInfo? zone = null, int attempts = 1, SendWindow? window = null) =>
        MarketingLimitRequeue.NextSlot(window ?? Window, zone ?? Utc, ContactId, scheduledAt, attempts, MaxAttempts, now);

    [Fact]
    public void NextSlot_IsTheSameHourOnTheNextSendDay_WithTheContactsMinute()
    {
        var tuesday = new DateOnly(2026, 11, 24);

        var slot = Next(Monday, Monday);

        Assert.Equal(new RequeueSlot(tuesday, SlotOn(tuesday, 14)), slot);
        Assert.Equal(14, slot!.Value.At.Hour);
    }

    [Fact]
    public void NextSlot_AcceptsASlotExactly24HoursLater()
    {
        var refused = SlotOn(new DateOnly(2026, 11, 23), 14);
        var tuesday = new DateOnly(2026, 11, 24);
        Assert.Equal(TimeSpan.FromHours(24), SlotOn(tuesday, 14) - refused);

        Assert.Equal(new RequeueSlot(tuesday, SlotOn(tuesday, 14)), Next(refused, refused));
    }

    [Fact]
    public void NextSlot_SkipsTheFirstDay_WhenItsSlotIsLessThan24HoursAway()
    {
        var refused = SlotOn(new DateOnly(2026, 11, 23), 14);
        var wednesday = new DateOnly(2026, 11, 25);

        Assert.Equal(new RequeueSlot(wednesday, SlotOn(wednesday, 14)), Next(refused, refused.AddMinutes(1)));
    }

    [Fact]
    public void NextSlot_KeepsAnEarlyHour_OnTheDayAfter()
    {
        var refused = SlotOn(new DateOnly(2026, 11, 23), 9);
        var wednesday = new DateOnly(2026, 11, 25);

        Assert.Equal(new RequeueSlot(wednesday, SlotOn(wednesday, 9)), Next(refused, Monday));
    }

    [Fact]
    public void NextSlot_SkipsTheWeekend()
    {
        var friday = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        var monday = new DateOnly(2026, 11, 30);

        Assert.Equal(new RequeueSlot(monday, SlotOn(monday, 10)), Next(friday, friday));
    }

    [Fact]
    public void NextSlot_SkipsAHolidayAndABlockedDate()
    {
        // Thursday 24 December: Christmas is a Friday, then the weekend, then Monday 28 is blocked.
        var thursday = new DateTimeOffset(2026, 12, 24, 10, 0, 0, TimeSpan.Zero);
        var window = new SendWindow(Window.Days, Window.Start, Window.End, [new DateOnly(2026, 12, 28)]);
        var tuesday = new DateOnly(2026, 12, 29);

        var slot = Next(thursday, thursday, window: window);

        Assert.Equal(new RequeueSlot(tuesday, window.Schedule(tuesday, 10, Utc, ContactId).At!.Value), slot);
    }

    [Fact]
    public void NextSlot_KeepsTheHourOnTheContactsClock_AndNamesTheirDay()
    {
        // UTC+10: 09:xx there is 23:xx UTC the day before.
        var zone = FixedZone(10);
        var refused = SlotOn(new DateOnly(2026, 11, 23), 9, zone);
        var now = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var wednesday = new DateOnly(2026, 11, 25);

        var slot = Next(refused, now, zone);

        Assert.Equal(new RequeueSlot(wednesday, SlotOn(wednesday, 9, zone)), slot);
        Assert.Equal(new DateTime(2026, 11, 24), slot!.Value.At.UtcDateTime.Date);
        Assert.Equal(9, TimeZoneInfo.ConvertTime(slot.Value.At, zone).Hour);
    }

    [Fact]
    public void NextSlot_ReadsTheDayAfter24HoursOnTheContactsClock()
    {
        // Monday 20:00 UTC is Tuesday 05:00 at UTC+9: 24 hours later it is Wednesday there, and 10:xx Wednesday is soon enough.
        var zone = FixedZone(9);
        var now = new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);
        var refused = SlotOn(new DateOnly(2026, 11, 23), 10, zone);
        var wednesday = new DateOnly(2026, 11, 25);

        Assert.Equal(new RequeueSlot(wednesday, SlotOn(wednesday, 10, zone)), Next(refused, now, zone));
    }

    [Theory]
    [InlineData(MaxAttempts)]
    [InlineData(MaxAttempts + 1)]
    public void NextSlot_IsNull_WhenTheAttemptsAreUsedUp(int attempts) =>
        Assert.Null(Next(Monday, Monday, attempts: attempts));

    [Fact]
    public void NextSlot_Requeues_OnTheLastAttemptLeft() =>
        Assert.NotNull(Next(Monday, Monday, attempts: MaxAttempts - 1));
}
