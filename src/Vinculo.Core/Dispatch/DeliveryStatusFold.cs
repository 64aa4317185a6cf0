using System.Globalization;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>An unprocessed <c>message_status_events</c> row, with the message it reports on when that is known.</summary>
public sealed class PendingStatus
{
    public long EventId { get; set; }

    public string ProviderMessageId { get; set; } = "";

    public string Status { get; set; } = "";

    public int? ErrorCode { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public long? MessageId { get; set; }

    public string? MessageStatus { get; set; }

    public long? ContactId { get; set; }

    public long? ContentId { get; set; }

    public string? Number { get; set; }

    public DateTimeOffset? ScheduledAt { get; set; }

    public int? Attempts { get; set; }

    public string? TimeZone { get; set; }
}

/// <summary>What one batch of delivery statuses does, decided before anything is written.</summary>
public sealed class DeliveryStatusBatch
{
    /// <summary>Each message's status after the batch, for those that moved and did not fail.</summary>
    public Dictionary<long, string> Moves { get; } = [];

    /// <summary>The <c>read</c> interactions to record, in arrival order.</summary>
    public List<(string ProviderMessageId, long ContactId, DateTimeOffset At)> Reads { get; } = [];

    /// <summary>Contacts a message reached (<c>delivered</c> or <c>read</c>): an <c>unreachable</c> mark is cleared.</summary>
    public HashSet<long> Reachable { get; } = [];

    /// <summary>The events to mark processed, with their outcome.</summary>
    public List<(long EventId, string Outcome)> Processed { get; } = [];

    /// <summary><c>failed</c> statuses, each with the status the message has in the database (the failure is written from it).</summary>
    public List<(PendingStatus Status, string From)> Failed { get; } = [];

    public long Applied { get; set; }

    /// <summary>Statuses that would not move their message forward.</summary>
    public long Ignored { get; set; }

    /// <summary>Statuses of messages not (yet) known: left for a later run.</summary>
    public long Waiting { get; set; }

    /// <summary>Statuses of messages still unknown after <see cref="DeliveryStatusFold.GiveUpAfter"/>: marked processed.</summary>
    public long GivenUp { get; set; }
}

/// <summary>
/// The delivery statuses of one batch (SPEC section 6), in arrival order: each message moves only forward
/// (<see cref="DeliveryProgress"/>) from where the batch's earlier statuses left it; a <c>read</c> becomes a <c>read</c>
/// interaction; <c>delivered</c> or <c>read</c> clears an <c>unreachable</c> mark; a <c>failed</c> status is handed on,
/// undoing the batch's own moves of that message. A status for a message not known yet waits for its send to be
/// recorded, for up to <see cref="GiveUpAfter"/>. Pure.
/// </summary>
public static class DeliveryStatusFold
{
    /// <summary>Statuses for messages nobody here sent (another system's, or ids that never arrive) stop being retried after this.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(7);

    /// <param name="pending">The batch's statuses in arrival order.</param>
    public static DeliveryStatusBatch Fold(IReadOnlyList<PendingStatus> pending, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var batch = new DeliveryStatusBatch();
        var state = new Dictionary<long, string>();
        foreach (var e in pending)
        {
            if (e.MessageId is not { } id)
            {
                if (e.ReceivedAt < now - GiveUpAfter)
                {
                    batch.GivenUp++;
                    batch.Processed.Add((e.EventId, "no_such_message"));
                }
                else
                {
                    batch.Waiting++;
                }

                continue;
            }

            var current = state.TryGetValue(id, out var known) ? known : e.MessageStatus!;
            var next = DeliveryProgress.Next(current, e.Status);
            if (next is null)
            {
                batch.Ignored++;
                batch.Processed.Add((e.EventId, "ignored: already " + current));
                continue;
            }

            batch.Applied++;
            batch.Processed.Add((e.EventId, string.Create(CultureInfo.InvariantCulture, $"applied: {current} -> {next}")));
            state[id] = next;
            if (next == MessageStatuses.Failed)
            {
                // The failure is written from the status the message has in the database, never over a move of this batch.
                batch.Moves.Remove(id);
                batch.Failed.Add((e, e.MessageStatus!));
                continue;
            }

            batch.Moves[id] = next;
            if (next == MessageStatuses.Read)
            {
                batch.Reads.Add((e.ProviderMessageId, e.ContactId!.Value, e.OccurredAt));
            }

            if (next is MessageStatuses.Delivered or MessageStatuses.Read)
            {
                batch.Reachable.Add(e.ContactId!.Value);
            }
        }

        return batch;
    }
}
