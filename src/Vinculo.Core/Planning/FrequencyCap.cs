namespace Vinculo.Planning;

/// <summary>The values of <c>message_queue.status</c> (SPEC section 8). Users and dashboards rely on these strings.</summary>
public static class MessageStatuses
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Read = "read";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>A message already in <c>message_queue</c> for the same <c>phone_e164</c>, as far as the cap goes.</summary>
/// <param name="Status">Its <see cref="MessageStatuses"/> value.</param>
/// <param name="ScheduledAt"><c>scheduled_at</c>.</param>
/// <param name="SentAt"><c>sent_at</c>, once it went out: then it, not the plan, is when the person got the message.</param>
public readonly record struct CappedMessage(string Status, DateTimeOffset ScheduledAt, DateTimeOffset? SentAt = null)
{
    /// <summary>When the message reaches, or reached, the person: <see cref="SentAt"/> when set, else <see cref="ScheduledAt"/>.</summary>
    public DateTimeOffset At => SentAt ?? ScheduledAt;
}

/// <summary>
/// The rolling frequency cap (SPEC section 5), the reference the planner's SQL must agree with: no message to a phone
/// number within <c>Messaging:FrequencyCapDays</c> of another one, before or after, counting messages that are planned,
/// on their way or gone out (queued, sending, sent, delivered, read). Failed and cancelled messages never reached the
/// person and do not count. Pure and thread-safe.
/// </summary>
/// <remarks>
/// Days are exact 24-hour periods between instants. Two messages exactly N days apart are allowed ("once a week" means a
/// message every seven days, and a contact's slot stays at the same time of day week after week); anything closer is
/// not. The rule is symmetric: a message planned further ahead blocks an earlier candidate just as a past one blocks a
/// later one, so planning out of order cannot squeeze two messages into one period.
/// </remarks>
public static class FrequencyCap
{
    /// <summary>Default of <c>Messaging:FrequencyCapDays</c>.</summary>
    public const int DefaultDays = 7;

    /// <summary>Upper bound of <c>Messaging:FrequencyCapDays</c>: a year; beyond it the setting is a typo.</summary>
    public const int MaxDays = 365;

    /// <summary>Whether a message with this status counts towards the cap.</summary>
    public static bool Counts(string? status) => status is
        MessageStatuses.Queued or MessageStatuses.Sending or MessageStatuses.Sent or MessageStatuses.Delivered or MessageStatuses.Read;

    /// <summary>Whether a message may be sent at <paramref name="candidate"/> to a number that already has <paramref name="messages"/>.</summary>
    /// <param name="capDays"><c>Messaging:FrequencyCapDays</c>, from 1 to <see cref="MaxDays"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capDays"/> is out of range.</exception>
    public static bool IsAllowed(DateTimeOffset candidate, int capDays, ReadOnlySpan<CappedMessage> messages) =>
        FindConflict(candidate, capDays, messages) is null;

    /// <summary>The first of <paramref name="messages"/> that keeps <paramref name="candidate"/> out, or null when none does.</summary>
    /// <param name="capDays"><c>Messaging:FrequencyCapDays</c>, from 1 to <see cref="MaxDays"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capDays"/> is out of range.</exception>
    public static CappedMessage? FindConflict(DateTimeOffset candidate, int capDays, ReadOnlySpan<CappedMessage> messages)
    {
        if (capDays is < 1 or > MaxDays)
        {
            throw new ArgumentOutOfRangeException(
                nameof(capDays), capDays, $"The cap's window must be from 1 to {MaxDays} days.");
        }

        var capTicks = capDays * TimeSpan.TicksPerDay;
        foreach (var message in messages)
        {
            if (Counts(message.Status) && Math.Abs(message.At.UtcTicks - candidate.UtcTicks) < capTicks)
            {
                return message;
            }
        }

        return null;
    }
}
