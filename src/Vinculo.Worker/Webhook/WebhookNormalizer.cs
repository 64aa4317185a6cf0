using System.Data.Common;
using Microsoft.Extensions.Logging;
using Vinculo.Data;

namespace Vinculo.Webhook;

/// <summary>What one <see cref="WebhookNormalizer.NormalizePendingAsync"/> call did.</summary>
/// <param name="Payloads">Payloads marked processed by this call, whatever their outcome.</param>
/// <param name="Messages">New <c>inbound_messages</c> rows.</param>
/// <param name="Statuses">New <c>message_status_events</c> rows.</param>
/// <param name="Preferences">New <c>preference_events</c> rows.</param>
/// <param name="Signals">New <c>sender_health</c> rows (Meta's signals about the sender).</param>
/// <param name="Duplicates">Messages, statuses and choices already stored from an earlier payload (Meta's retries), not written again.</param>
/// <param name="Unparseable">Payloads that are not WhatsApp webhooks (outcome <c>unparseable: …</c>).</param>
/// <param name="Ignored">Payloads holding only fields Vinculo does not apply yet (outcome <c>ignored: field=…</c>).</param>
/// <param name="Failed">Payloads whose writes failed: rolled back, left unprocessed for the next call.</param>
public sealed record WebhookNormalization(int Payloads, int Messages, int Statuses, int Preferences, int Signals, int Duplicates, int Unparseable, int Ignored, int Failed);

/// <summary>
/// Turns the raw payloads of <c>webhook_payloads</c> into the normalised tables that <c>process-inbound</c> applies, in
/// arrival order. Each payload is claimed, written and marked (<c>processed_at</c>, <c>outcome</c>) in one transaction,
/// so it is normalised exactly once whatever crashes happen; a body that is not a WhatsApp webhook is marked
/// <c>unparseable</c>, never thrown on. Knows nothing of HTTP.
/// </summary>
public sealed class WebhookNormalizer(Database database, WebhookStore store, ILogger<WebhookNormalizer> logger)
{
    /// <summary>Payload keys read per round; bodies are read one at a time, inside each payload's transaction.</summary>
    public const int BatchSize = 500;

    /// <param name="now">The run's instant: <c>processed_at</c>, and <c>received_at</c> of statuses.</param>
    /// <exception cref="DatabaseUnavailableException">The database cannot be reached.</exception>
    public async Task<WebhookNormalization> NormalizePendingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        var afterAt = DateTimeOffset.MinValue;
        var afterId = 0L;
        DbConnection? connection = null;
        try
        {
            while (true)
            {
                connection ??= await database.OpenAsync(cancellationToken);
                var batch = await store.PendingAsync(connection, afterAt, afterId, BatchSize, cancellationToken);
                foreach (var pending in batch)
                {
                    connection ??= await database.OpenAsync(cancellationToken);
                    if (!await NormalizeAsync(connection, pending.PayloadId, now, tally, cancellationToken))
                    {
                        // The connection may be what failed: the next payload gets a fresh one.
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }

                if (batch.Count < BatchSize)
                {
                    break;
                }

                (afterAt, afterId) = (batch[^1].ReceivedAt, batch[^1].PayloadId);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        var result = tally.Result();
        if (result.Payloads > 0 || result.Failed > 0)
        {
            WebhookLog.Normalised(logger, result.Payloads, result.Messages, result.Statuses, result.Preferences, result.Signals, result.Duplicates, result.Unparseable, result.Ignored, result.Failed);
        }

        return result;
    }

    /// <returns>False when the payload's writes failed and were rolled back.</returns>
    private async Task<bool> NormalizeAsync(DbConnection connection, long payloadId, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var body = await store.ClaimAsync(connection, transaction, payloadId, now, cancellationToken);
            if (body is null)
            {
                return true;
            }

            var payload = WhatsAppPayloadReader.Read(body, now);
            var written = new Written();
            foreach (var message in payload.Messages)
            {
                if (await store.AddInboundAsync(connection, transaction, message, payloadId, cancellationToken))
                {
                    written.Messages++;
                }
                else
                {
                    written.Duplicates++;
                }
            }

            foreach (var status in payload.Statuses)
            {
                if (await store.AddStatusAsync(connection, transaction, status, payloadId, now, cancellationToken))
                {
                    written.Statuses++;
                }
                else
                {
                    written.Duplicates++;
                }
            }

            foreach (var preference in payload.Preferences)
            {
                if (await store.AddPreferenceAsync(connection, transaction, preference, payloadId, cancellationToken))
                {
                    written.Preferences++;
                }
                else
                {
                    written.Duplicates++;
                }
            }

            foreach (var signal in payload.Signals)
            {
                if (await store.AddSignalAsync(connection, transaction, signal, payloadId, now, cancellationToken))
                {
                    written.Signals++;
                }
                else
                {
                    written.Duplicates++;
                }
            }

            await store.SetOutcomeAsync(connection, transaction, payloadId, Outcome(payload, written), cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            tally.Add(payload, written);
            if (payload.Unparseable is { } reason)
            {
                WebhookLog.Unparseable(logger, payloadId, reason);
            }

            return true;
        }
        catch (Exception e) when ((e is DbException or InvalidOperationException or TimeoutException) && !cancellationToken.IsCancellationRequested)
        {
            // Rolled back by the transaction's disposal; the payload stays unprocessed and the next call tries it again.
            // The driver's message may quote a row's values: only its type and SQL state are logged.
            WebhookLog.NormaliseFailed(logger, payloadId, e is DbException { SqlState: { } state } ? $"{e.GetType().Name} {state}" : e.GetType().Name);
            tally.Failed++;
            return false;
        }
    }

    /// <summary>
    /// <c>messages=1 statuses=0 preferences=0</c> (and <c>signals=</c>, <c>duplicates=</c>, <c>skipped=</c>, <c>ignored=</c> when there were
    /// any), <c>unparseable: reason</c>, or <c>ignored: field=a,b</c> for a payload of fields Vinculo does not apply yet.
    /// </summary>
    internal static string Outcome(WhatsAppPayload payload, Written written)
    {
        if (payload.Unparseable is { } reason)
        {
            return "unparseable: " + reason;
        }

        if (payload.OnlyIgnoredFields)
        {
            return "ignored: field=" + string.Join(",", payload.IgnoredFields);
        }

        var outcome = $"messages={written.Messages} statuses={written.Statuses} preferences={written.Preferences}";
        if (payload.Signals.Count > 0)
        {
            outcome += $" signals={written.Signals}";
        }

        if (written.Duplicates > 0)
        {
            outcome += $" duplicates={written.Duplicates}";
        }

        if (payload.Skipped > 0)
        {
            outcome += $" skipped={payload.Skipped}";
        }

        if (payload.IgnoredFields.Count > 0)
        {
            outcome += " ignored=" + string.Join(",", payload.IgnoredFields);
        }

        return outcome;
    }

    internal sealed class Written
    {
        public int Messages { get; set; }

        public int Statuses { get; set; }

        public int Preferences { get; set; }

        public int Signals { get; set; }

        public int Duplicates { get; set; }
    }

    private sealed class Tally
    {
        private int payloads;
        private int messages;
        private int statuses;
        private int preferences;
        private int signals;
        private int duplicates;
        private int unparseable;
        private int ignored;

        public int Failed { get; set; }

        public void Add(WhatsAppPayload payload, Written written)
        {
            payloads++;
            messages += written.Messages;
            statuses += written.Statuses;
            preferences += written.Preferences;
            signals += written.Signals;
            duplicates += written.Duplicates;
            if (payload.Unparseable is not null)
            {
                unparseable++;
            }
            else if (payload.OnlyIgnoredFields)
            {
                ignored++;
            }
        }

        public WebhookNormalization Result() => new(payloads, messages, statuses, preferences, signals, duplicates, unparseable, ignored, Failed);
    }
}
