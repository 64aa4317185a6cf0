using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>Counters of applying delivery statuses in one run.</summary>
internal sealed class StatusTally
{
    public long Read { get; set; }

    public long Applied { get; set; }

    public long Ignored { get; set; }

    /// <summary>Statuses of messages not (yet) known: kept for the next run, until <see cref="DeliveryStatusStore.GiveUpAfter"/>.</summary>
    public long Waiting { get; set; }

    public long GivenUp { get; set; }

    public long ReadsRecorded { get; set; }

    public long ReachableAgain { get; set; }

    public SortedDictionary<string, long> Effects { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds the counters of one committed batch.</summary>
    public void Add(StatusTally batch)
    {
        (Read, Applied, Ignored, Waiting, GivenUp, ReadsRecorded, ReachableAgain) = (
            Read + batch.Read, Applied + batch.Applied, Ignored + batch.Ignored, Waiting + batch.Waiting, GivenUp + batch.GivenUp,
            ReadsRecorded + batch.ReadsRecorded, ReachableAgain + batch.ReachableAgain);
        foreach (var (key, count) in batch.Effects)
        {
            Effects[key] = Effects.GetValueOrDefault(key) + count;
        }
    }

    public Dictionary<string, object?> Detail() => new()
    {
        ["statuses"] = Read,
        ["applied"] = Applied,
        ["ignored_not_forward"] = Ignored,
        ["waiting_for_their_message"] = Waiting,
        ["given_up_unknown_message"] = GivenUp,
        ["read_interactions"] = ReadsRecorded,
        ["reachable_again"] = ReachableAgain,
        ["failures"] = Effects,
    };
}

/// <summary>
/// Applies <c>message_status_events</c> (SPEC section 6) exactly once, in arrival order, a batch per transaction, set-based:
/// each message moves only forward (<see cref="DeliveryProgress"/>); a <c>read</c> becomes a <c>read</c> interaction (for
/// engagement and the habitual hour); <c>delivered</c> or <c>read</c> clears an <c>unreachable</c> mark; a <c>failed</c>
/// status does what the same error does on a send (<see cref="MessageFailures"/>: 131026 towards unreachable, 131050
/// revokes marketing consent, 131049 re-queues). A status for a message not known yet waits for its send to be recorded.
/// </summary>
internal sealed class DeliveryStatusApplier(Database database, DeliveryStatusStore store, DispatchStore messages, MessageFailures failures)
{
    /// <summary>Statuses read and applied; how many wait is not counted.</summary>
    public static readonly ProgressStep Applying = new("applying", "delivery statuses", "aplicando", "status de entrega");

    /// <param name="progress">Told after each batch how many statuses have been read so far.</param>
    public async Task<StatusTally> ApplyAsync(DateTimeOffset now, int batchSize, JobProgress progress, CancellationToken cancellationToken)
    {
        var tally = new StatusTally();
        var afterAt = DateTimeOffset.MinValue.AddYears(1);
        long afterId = 0;
        // Each batch is a unit, retried after a transient fault: it commits with the rows it marks processed, so a retry (or
        // a commit that landed unseen) never applies a status twice; its counters join the run's once it committed.
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = (afterAt, afterId);
            var batch = await database.RunUnitAsync(
                "delivery statuses batch",
                async token =>
                {
                    var batch = new StatusTally();
                    await using var connection = await database.OpenAsync(token);
                    await using var transaction = await connection.BeginTransactionAsync(token);
                    var pending = await store.ReadPendingAsync(connection, transaction, key.afterAt, key.afterId, batchSize, token);
                    if (pending.Count == 0)
                    {
                        await transaction.CommitAsync(token);
                        return (Tally: batch, Last: ((DateTimeOffset, long)?)null);
                    }

                    batch.Read = pending.Count;
                    await ApplyBatchAsync(new RecordContext(messages, connection, transaction, [], token), pending, now, batch);
                    Hosting.Failpoints.Hit("status.before_commit");
                    await transaction.CommitAsync(token);
                    Hosting.Failpoints.Hit("status.after_commit");
                    return (Tally: batch, Last: (pending[^1].OccurredAt, pending[^1].EventId));
                },
                cancellationToken);
            if (batch.Last is not { } last)
            {
                return tally;
            }

            tally.Add(batch.Tally);
            (afterAt, afterId) = last;
            progress.Report(Applying, tally.Read);
        }
    }

    private async Task ApplyBatchAsync(RecordContext c, List<DeliveryStatusStore.PendingStatus> pending, DateTimeOffset now, StatusTally tally)
    {
        var state = new Dictionary<long, string>();
        var moves = new Dictionary<long, string>();
        var reads = new List<object?[]>();
        var reachable = new HashSet<long>();
        var processed = new List<object?[]>(pending.Count);
        var failed = new List<(DeliveryStatusStore.PendingStatus Status, string From)>();
        foreach (var e in pending)
        {
            if (e.MessageId is not { } id)
            {
                if (e.ReceivedAt < now - DeliveryStatusStore.GiveUpAfter)
                {
                    tally.GivenUp++;
                    processed.Add([e.EventId, now, "no_such_message"]);
                }
                else
                {
                    tally.Waiting++;
                }

                continue;
            }

            var current = state.TryGetValue(id, out var known) ? known : e.MessageStatus!;
            var next = DeliveryProgress.Next(current, e.Status);
            if (next is null)
            {
                tally.Ignored++;
                processed.Add([e.EventId, now, "ignored: already " + current]);
                continue;
            }

            tally.Applied++;
            processed.Add([e.EventId, now, string.Create(CultureInfo.InvariantCulture, $"applied: {current} -> {next}")]);
            state[id] = next;
            if (next == MessageStatuses.Failed)
            {
                // The failure is written from the status the message has in the database, never over a move of this batch.
                moves.Remove(id);
                failed.Add((e, e.MessageStatus!));
                continue;
            }

            moves[id] = next;
            if (next == MessageStatuses.Read)
            {
                reads.Add([ReadKey(e.ProviderMessageId), e.ContactId, "read", e.OccurredAt, "whatsapp"]);
            }

            if (next is MessageStatuses.Delivered or MessageStatuses.Read)
            {
                reachable.Add(e.ContactId!.Value);
            }
        }

        foreach (var (status, from) in failed)
        {
            await FailAsync(c, status, from, now);
        }

        await store.MoveAsync(c.Connection, c.Transaction, moves.Select(m => new object?[] { m.Key, m.Value, now }).ToList(), c.CancellationToken);
        tally.ReadsRecorded += await store.AddReadsAsync(c.Connection, c.Transaction, reads, c.CancellationToken);
        tally.ReachableAgain += await store.ReachableAsync(c.Connection, c.Transaction, reachable, now, c.CancellationToken);
        await store.MarkProcessedAsync(c.Connection, c.Transaction, processed, c.CancellationToken);
        foreach (var (key, count) in c.Counts)
        {
            tally.Effects[key] = tally.Effects.GetValueOrDefault(key) + count;
        }
    }

    /// <summary>A <c>failed</c> status does what the same error does when a send is refused.</summary>
    private Task<int> FailAsync(RecordContext c, DeliveryStatusStore.PendingStatus status, string from, DateTimeOffset now)
    {
        var row = new ClaimedRow
        {
            MessageId = status.MessageId!.Value,
            ContactId = status.ContactId!.Value,
            ContentId = status.ContentId ?? 0,
            Number = status.Number,
            ScheduledAt = status.ScheduledAt ?? now,
            Attempts = status.Attempts ?? 0,
            TimeZone = status.TimeZone,
        };
        return status.ErrorCode switch
        {
            SendErrorPolicy.Undeliverable => failures.UndeliverableAsync(c, row, status.ErrorCode, now, from),
            SendErrorPolicy.MarketingStopped => failures.MarketingStoppedAsync(c, row, status.ErrorCode, now, from),
            SendErrorPolicy.MarketingLimit => failures.RequeueLaterAsync(c, row, status.ErrorCode, now, from),
            _ => MessageFailures.FailAsync(c, row, DispatchReasons.Rejected, status.ErrorCode, now, from),
        };
    }

    /// <summary><c>read:</c> and a hash of the message id: a wamid embeds the number, and interactions never hold one in clear.</summary>
    internal static string ReadKey(string providerMessageId) =>
        "read:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(providerMessageId)))[..32];
}
