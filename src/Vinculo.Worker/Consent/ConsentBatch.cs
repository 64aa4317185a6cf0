using System.Data.Common;
using Vinculo.Data;

namespace Vinculo.Consent;

/// <summary>
/// The consent changes of one <c>process-inbound</c> batch: decided by <see cref="InboundConsentFold"/> in arrival order,
/// and written at the end in a handful of set-based statements, whatever the number of opt-outs and opt-ins in the batch.
/// What is written equals what <see cref="ConsentLedger.RevokeNumberAsync"/> and a grant would have written row by row:
/// the final consent rows, one event per change in order, the revoked contacts' queued messages cancelled, the
/// suppression list as the last opt-out or opt-in of each number left it.
/// </summary>
internal sealed class ConsentBatch(Database database, ConsentLedger ledger)
{
    private readonly InboundConsentFold fold = new();

    /// <summary>Reads the consents of these contacts that the batch does not hold yet: one query per chunk, not one per row.</summary>
    public async Task LoadAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long> contactIds, CancellationToken cancellationToken)
    {
        var missing = fold.Unknown(contactIds);
        if (missing.Count == 0)
        {
            return;
        }

        var rows = await ledger.ReadAsync(connection, transaction, missing, cancellationToken);
        foreach (var id in missing)
        {
            fold.Know(id, rows.GetValueOrDefault(id));
        }
    }

    /// <summary>A number's opt-out (<see cref="InboundConsentFold.Revoke"/>). Returns the consents revoked.</summary>
    public async Task<int> RevokeAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at, string rule,
        IReadOnlyDictionary<string, object?> detail, CancellationToken cancellationToken)
    {
        await LoadAsync(connection, transaction, contactIds, cancellationToken);
        return fold.Revoke(contactIds, hashes, at, rule, detail);
    }

    /// <summary>An explicit opt-in from the number (<see cref="InboundConsentFold.Grant"/>). Returns the consents changed.</summary>
    public async Task<int> GrantAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at,
        IReadOnlyDictionary<string, object?> detail, CancellationToken cancellationToken)
    {
        await LoadAsync(connection, transaction, contactIds, cancellationToken);
        return fold.Grant(contactIds, hashes, at, detail);
    }

    /// <summary>Writes the batch's changes inside the caller's transaction.</summary>
    /// <param name="cancelReason">The cancelled messages' <c>status_reason</c>.</param>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, string cancelReason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        var inserts = new List<object?[]>();
        var updates = new List<object?[]>();
        foreach (var (id, record, stored) in fold.Changed)
        {
            object?[] row = [id, record.Status, record.Source, record.GrantedAt, record.LastConfirmedAt, record.ExpiresAt, record.ChangedAt, record.Reason];
            (stored ? updates : inserts).Add(row);
        }

        if (inserts.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, ConsentLedger.ConsentInsert, inserts, cancellationToken);
        }

        if (updates.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, ConsentLedger.ConsentUpdate, updates, cancellationToken);
        }

        if (fold.Events.Count > 0)
        {
            var events = fold.Events.Select(e => new object?[] { e.ContactId, e.Event, e.Source, e.Detail, e.OccurredAt }).ToList();
            await dialect.BulkWriteAsync(connection, transaction, ConsentLedger.EventInsert, events, cancellationToken);
        }

        if (fold.Revoked.Count > 0)
        {
            await ledger.CancelQueuedAsync(connection, transaction, fold.Revoked, cancelReason, now, cancellationToken);
        }

        // An opt-in lifts the suppression; an opt-out after it in the same batch puts the number back with that opt-out's time.
        var lifted = fold.Suppression.Where(s => s.Value.Lifted).Select(s => s.Key).ToList();
        if (lifted.Count > 0)
        {
            await ledger.LiftSuppressionsAsync(connection, transaction, lifted, cancellationToken);
        }

        var suppressed = fold.Suppression.Where(s => s.Value.SuppressedAt is not null).Select(s => new object?[] { s.Key, "opt_out", s.Value.SuppressedAt }).ToList();
        if (suppressed.Count > 0)
        {
            await ConsentLedger.SuppressionInsert.WriteAsync(dialect, connection, transaction, suppressed, cancellationToken);
        }
    }
}
