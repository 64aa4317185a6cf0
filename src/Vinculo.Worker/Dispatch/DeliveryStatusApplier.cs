using System.Security.Cryptography;
using System.Text;
using Vinculo.Data;
using Vinculo.Jobs;

namespace Vinculo.Dispatch;

/// <summary>Counters of applying delivery statuses in one run.</summary>
internal sealed class StatusTally
{
    public long Read { get; set; }

    public long Applied { get; set; }

    public long Ignored { get; set; }

    /// <summary>Statuses of messages not (yet) known: kept for the next run, until <see cref="DeliveryStatusFold.GiveUpAfter"/>.</summary>
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

    private async Task ApplyBatchAsync(RecordContext c, List<PendingStatus> pending, DateTimeOffset now, StatusTally tally)
    {
        var batch = DeliveryStatusFold.Fold(pending, now);
        tally.Applied += batch.Applied;
        tally.Ignored += batch.Ignored;
        tally.Waiting += batch.Waiting;
        tally.GivenUp += batch.GivenUp;
        foreach (var (status, from) in batch.Failed)
        {
            await FailAsync(c, status, from, now);
        }

        await store.MoveAsync(c.Connection, c.Transaction, batch.Moves.Select(m => new object?[] { m.Key, m.Value, now }).ToList(), c.CancellationToken);
        var reads = batch.Reads.Select(r => new object?[] { ReadKey(r.ProviderMessageId), r.ContactId, "read", r.At, "whatsapp" }).ToList();
        tally.ReadsRecorded += await store.AddReadsAsync(c.Connection, c.Transaction, reads, c.CancellationToken);
        tally.ReachableAgain += await store.ReachableAsync(c.Connection, c.Transaction, batch.Reachable, now, c.CancellationToken);
        await store.MarkProcessedAsync(c.Connection, c.Transaction, batch.Processed.Select(p => new object?[] { p.EventId, now, p.Outcome }).ToList(), c.CancellationToken);
        foreach (var (key, count) in c.Counts)
        {
            tally.Effects[key] = tally.Effects.GetValueOrDefault(key) + count;
        }
    }

    /// <summary>A <c>failed</c> status does what the same error does when a send is refused.</summary>
    private Task<int> FailAsync(RecordContext c, PendingStatus status, string from, DateTimeOffset now)
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
