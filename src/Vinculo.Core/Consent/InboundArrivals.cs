namespace Vinculo.Consent;

/// <summary>An unprocessed <c>inbound_messages</c> row.</summary>
public sealed class PendingInbound
{
    public long Id { get; set; }

    public string? FromPhone { get; set; }

    public string? WaUserId { get; set; }

    public string? Body { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An unprocessed <c>preference_events</c> row (<c>stop</c> or <c>resume</c> from WhatsApp's marketing preferences).</summary>
public sealed class PendingPreference
{
    public long Id { get; set; }

    public string? FromPhone { get; set; }

    public string? WaUserId { get; set; }

    public string Value { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>One row of either inbound table, in the batch's arrival order.</summary>
/// <param name="Order">0 for a message, 1 for a preference event: at one instant a message comes first.</param>
public readonly record struct InboundArrival(DateTimeOffset ReceivedAt, int Order, long Id, PendingInbound? Message, PendingPreference? Preference);

/// <summary>
/// The two inbound tables of one <c>process-inbound</c> batch as one arrival order ("stop" then "sim" must end granted,
/// "sim" then "stop" revoked). Each table is read up to the batch limit in its own arrival order; when one came back
/// full, its unread rows could fall between what is left of the other, so the batch ends at the last instant that table
/// reached (its horizon) and the rest waits for the next batch. Pure.
/// </summary>
public static class InboundArrivals
{
    /// <param name="messages">Unprocessed messages, oldest first, at most <paramref name="limit"/>.</param>
    /// <param name="preferences">Unprocessed preference events, oldest first, at most <paramref name="limit"/>.</param>
    /// <param name="limit"><c>Consent:InboundBatchSize</c>: the most rows either read returns.</param>
    public static List<InboundArrival> InOrder(IReadOnlyList<PendingInbound> messages, IReadOnlyList<PendingPreference> preferences, int limit)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(preferences);
        var horizon = new[]
        {
            messages.Count == limit ? messages[^1].ReceivedAt : DateTimeOffset.MaxValue,
            preferences.Count == limit ? preferences[^1].ReceivedAt : DateTimeOffset.MaxValue,
        }.Min();
        return messages.Select(m => new InboundArrival(m.ReceivedAt, 0, m.Id, m, null))
            .Concat(preferences.Select(p => new InboundArrival(p.ReceivedAt, 1, p.Id, null, p)))
            .OrderBy(w => w.ReceivedAt).ThenBy(w => w.Order).ThenBy(w => w.Id)
            .Where(w => w.ReceivedAt <= horizon)
            .ToList();
    }
}
