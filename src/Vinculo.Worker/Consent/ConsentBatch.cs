using System.Data.Common;
using System.Text.Json;
using Vinculo.Data;

namespace Vinculo.Consent;

/// <summary>
/// The consent changes of one <c>process-inbound</c> batch: decided one by one in arrival order against the batch's own
/// view of each consent ("sair" then "sim" ends granted, "sim" then "sair" revoked), and written at the end in a handful
/// of set-based statements, whatever the number of opt-outs and opt-ins in the batch. What is written equals what
/// <see cref="ConsentLedger.RevokeNumberAsync"/> and a grant would have written row by row: the final consent rows, one
/// event per change in order, the revoked contacts' queued messages cancelled, the suppression list as the last opt-out
/// or opt-in of each number left it.
/// </summary>
internal sealed class ConsentBatch(Database database, ConsentLedger ledger)
{
    /// <summary>Each consent as the batch has it so far; null where the contact has no consent row.</summary>
    private readonly Dictionary<long, ConsentRecord?> current = [];

    /// <summary>The contacts whose consent row existed before the batch (updated, not inserted).</summary>
    private readonly HashSet<long> stored = [];

    private readonly HashSet<long> changed = [];

    /// <summary>(contact_id, event, source, detail, occurred_at), in the order the changes happened.</summary>
    private readonly List<object?[]> events = [];

    private readonly HashSet<long> revoked = [];

    /// <summary>Per number hash: whether an opt-in lifted it, and the first opt-out that suppressed it since.</summary>
    private readonly Dictionary<string, (bool Lifted, DateTimeOffset? SuppressedAt)> suppression = new(StringComparer.Ordinal);

    /// <summary>Reads the consents of these contacts that the batch does not hold yet: one query per chunk, not one per row.</summary>
    public async Task LoadAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long> contactIds, CancellationToken cancellationToken)
    {
        var missing = contactIds.Where(id => !current.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var rows = await ledger.ReadAsync(connection, transaction, missing, cancellationToken);
        foreach (var id in missing)
        {
            var row = rows.GetValueOrDefault(id);
            current[id] = row;
            if (row is not null)
            {
                stored.Add(id);
            }
        }
    }

    /// <summary>
    /// A number's opt-out: every contact's consent revoked (an event each), their queued messages cancelled, the number
    /// suppressed under every hash. Returns the consents revoked.
    /// </summary>
    public async Task<int> RevokeAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at, string rule,
        IReadOnlyDictionary<string, object?> detail, CancellationToken cancellationToken)
    {
        await LoadAsync(connection, transaction, contactIds, cancellationToken);
        var count = 0;
        foreach (var id in contactIds)
        {
            if (Apply(id, ConsentTransitions.Revoke(current[id], ConsentSources.WhatsApp, at, rule), detail))
            {
                count++;
            }
        }

        revoked.UnionWith(contactIds);
        foreach (var hash in hashes)
        {
            var entry = suppression.GetValueOrDefault(hash);
            suppression[hash] = entry with { SuppressedAt = entry.SuppressedAt ?? at };
        }

        return count;
    }

    /// <summary>An explicit opt-in from the number: consent granted or renewed for every contact, the suppression lifted. Returns the consents changed.</summary>
    public async Task<int> GrantAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at,
        IReadOnlyDictionary<string, object?> detail, CancellationToken cancellationToken)
    {
        await LoadAsync(connection, transaction, contactIds, cancellationToken);
        var count = 0;
        foreach (var id in contactIds)
        {
            if (Apply(id, ConsentTransitions.Grant(current[id], ConsentSources.WhatsApp, at), detail))
            {
                count++;
            }
        }

        foreach (var hash in hashes)
        {
            suppression[hash] = (true, null);
        }

        return count;
    }

    private bool Apply(long contactId, ConsentChange change, IReadOnlyDictionary<string, object?> detail)
    {
        if (change.Next is not { } next)
        {
            return false;
        }

        current[contactId] = next;
        changed.Add(contactId);
        events.Add([contactId, change.Event, ConsentSources.WhatsApp, JsonSerializer.Serialize(detail), next.ChangedAt]);
        return true;
    }

    /// <summary>Writes the batch's changes inside the caller's transaction.</summary>
    /// <param name="cancelReason">The cancelled messages' <c>status_reason</c>.</param>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, string cancelReason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        var inserts = new List<object?[]>();
        var updates = new List<object?[]>();
        foreach (var id in changed.Order())
        {
            var record = current[id]!;
            object?[] row = [id, record.Status, record.Source, record.GrantedAt, record.LastConfirmedAt, record.ExpiresAt, record.ChangedAt, record.Reason];
            (stored.Contains(id) ? updates : inserts).Add(row);
        }

        if (inserts.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, ConsentLedger.ConsentInsert, inserts, cancellationToken);
        }

        if (updates.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, ConsentLedger.ConsentUpdate, updates, cancellationToken);
        }

        if (events.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, ConsentLedger.EventInsert, events, cancellationToken);
        }

        if (revoked.Count > 0)
        {
            await ledger.CancelQueuedAsync(connection, transaction, revoked, cancelReason, now, cancellationToken);
        }

        // An opt-in lifts the suppression; an opt-out after it in the same batch puts the number back with that opt-out's time.
        var lifted = suppression.Where(s => s.Value.Lifted).Select(s => s.Key).ToList();
        if (lifted.Count > 0)
        {
            await ledger.LiftSuppressionsAsync(connection, transaction, lifted, cancellationToken);
        }

        var suppressed = suppression.Where(s => s.Value.SuppressedAt is not null).Select(s => new object?[] { s.Key, "opt_out", s.Value.SuppressedAt }).ToList();
        if (suppressed.Count > 0)
        {
            await ConsentLedger.SuppressionInsert.WriteAsync(dialect, connection, transaction, suppressed, cancellationToken);
        }
    }
}
