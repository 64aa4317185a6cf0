using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>A day and instant a message is moved to.</summary>
/// <param name="Day">The send day in the contact's own calendar (<c>message_queue.send_day</c>).</param>
/// <param name="At">The slot on that day, in UTC.</param>
public readonly record struct RequeueSlot(DateOnly Day, DateTimeOffset At);

/// <summary>
/// Meta's per-user marketing limit (131049) is not a failure of the number: the message goes again at the person's slot
/// on the first send day at least 24 hours later, the same hour on their clock (with their minute). Each such re-queue
/// counts as an attempt. Pure: whether that day already holds another message to the number is the caller's to look up
/// (such a day fails the message instead of moving it further).
/// </summary>
public static class MarketingLimitRequeue
{
    /// <summary>A re-queued message goes no sooner than this after the refusal.</summary>
    public static readonly TimeSpan MinimumDelay = TimeSpan.FromHours(24);

    /// <summary>Send days looked at for a slot before giving up.</summary>
    public const int MaxDaysTried = 30;

    /// <summary>
    /// Where the message goes again, or null when it may not: its attempts reached <paramref name="maxAttempts"/>, or none
    /// of the next <see cref="MaxDaysTried"/> send days has the person's slot at least <see cref="MinimumDelay"/> after
    /// <paramref name="now"/>.
    /// </summary>
    /// <param name="window"><c>Messaging:SendWindow</c> and its blocked dates.</param>
    /// <param name="zone">The contact's zone (the business's when unknown).</param>
    /// <param name="contactId">The contact the slot's minute is derived from.</param>
    /// <param name="scheduledAt">The slot the limit refused: its hour on the contact's clock is kept.</param>
    /// <param name="attempts">Attempts already made.</param>
    /// <param name="maxAttempts"><c>Dispatch:MaxAttempts</c>.</param>
    public static RequeueSlot? NextSlot(
        SendWindow window, TimeZoneInfo zone, long contactId, DateTimeOffset scheduledAt, int attempts, int maxAttempts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(zone);
        if (attempts >= maxAttempts)
        {
            return null;
        }

        var hour = TimeZoneInfo.ConvertTime(scheduledAt, zone).Hour;
        var earliest = now + MinimumDelay;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, zone).DateTime);
        for (var tries = 0; tries < MaxDaysTried; tries++, day = day.AddDays(1))
        {
            day = window.NextSendDay(day);
            var slot = window.Schedule(day, hour, zone, contactId);
            if (slot.At is { } at && at >= earliest)
            {
                return new RequeueSlot(day, at);
            }
        }

        return null;
    }
}
