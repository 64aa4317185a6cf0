using System.Data.Common;
using System.Text.Json;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Consent;

/// <summary>
/// Writes consent changes: the <c>consents</c> row and its <c>consent_events</c> entry together, inside the caller's
/// transaction, so that a change and its proof commit or vanish as one. Also the suppression list and the queued
/// messages a revocation cancels.
/// </summary>
public sealed class ConsentLedger(Database database) : ISqlStatements
{
    private const string ReadSql =
        "SELECT contact_id AS ContactId, status AS Status, source AS Source, granted_at AS GrantedAt, last_confirmed_at AS LastConfirmedAt, " +
        "expires_at AS ExpiresAt, changed_at AS ChangedAt, reason AS Reason FROM consents WHERE contact_id IN @ids";

    private const string UpdateSql =
        "UPDATE consents SET status = @Status, source = @Source, granted_at = @GrantedAt, last_confirmed_at = @LastConfirmedAt, " +
        "expires_at = @ExpiresAt, changed_at = @ChangedAt, reason = @Reason WHERE contact_id = @ContactId";

    private const string InsertSql =
        "INSERT INTO consents (contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at, reason) " +
        "VALUES (@ContactId, @Status, @Source, @GrantedAt, @LastConfirmedAt, @ExpiresAt, @ChangedAt, @Reason)";

    private const string EventSql =
        "INSERT INTO consent_events (contact_id, event, source, detail, occurred_at) VALUES (@contactId, @event, @source, @detail, @occurredAt)";

    private const string CancelQueuedSql =
        "UPDATE message_queue SET status = 'cancelled', status_reason = @reason, updated_at = @now " +
        "WHERE status = 'queued' AND contact_id IN @ids";

    private const string SuppressSql =
        "INSERT INTO suppression_list (phone_hash, reason, added_at) SELECT @hash, @reason, @addedAt " +
        "WHERE NOT EXISTS (SELECT 1 FROM suppression_list WHERE phone_hash = @hash)";

    private const string IsSuppressedSql = "SELECT COUNT(*) FROM suppression_list WHERE phone_hash = @hash";

    private const string LiftSuppressionsSql = "DELETE FROM suppression_list WHERE phone_hash IN @hashes";

    /// <summary>Consent rows a batch creates (<see cref="ConsentBatch"/>).</summary>
    internal static readonly BulkWrite ConsentInsert = new(
        "consents",
        null,
        [
            new("contact_id", BulkType.Identifier), new("status", BulkType.Text), new("source", BulkType.Text), new("granted_at", BulkType.Timestamp),
            new("last_confirmed_at", BulkType.Timestamp), new("expires_at", BulkType.Timestamp), new("changed_at", BulkType.Timestamp), new("reason", BulkType.Text),
        ]);

    /// <summary>Consent rows a batch changes, keyed by contact.</summary>
    internal static readonly BulkWrite ConsentUpdate = new(
        "consents",
        new BulkColumn("contact_id", BulkType.Identifier),
        [
            new("status", BulkType.Text), new("source", BulkType.Text), new("granted_at", BulkType.Timestamp), new("last_confirmed_at", BulkType.Timestamp),
            new("expires_at", BulkType.Timestamp), new("changed_at", BulkType.Timestamp), new("reason", BulkType.Text),
        ]);

    /// <summary>A batch's consent events, in the order they happened.</summary>
    internal static readonly BulkWrite EventInsert = new(
        "consent_events",
        null,
        [new("contact_id", BulkType.Identifier), new("event", BulkType.Text), new("source", BulkType.Text), new("detail", BulkType.Text), new("occurred_at", BulkType.Timestamp)]);

    /// <summary>Numbers a batch suppresses; a number already on the list keeps its row (reason and date).</summary>
    internal static readonly BulkInsertIfAbsent SuppressionInsert = new(
        "suppression_list", new BulkColumn("phone_hash", BulkType.Text), [new("reason", BulkType.Text), new("added_at", BulkType.Timestamp)]);

    public IEnumerable<string> Statements => new[] { ReadSql, UpdateSql, InsertSql, EventSql, CancelQueuedSql, SuppressSql, IsSuppressedSql, LiftSuppressionsSql }
        .Select(database.Sql)
        .Concat(new[] { ConsentInsert, ConsentUpdate, EventInsert }.SelectMany(database.Dialect.BulkWriteStatements))
        .Concat(SuppressionInsert.Statements(database.Dialect));

    /// <summary>Takes these numbers off <c>suppression_list</c> in one statement.</summary>
    internal Task LiftSuppressionsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(database.Sql(LiftSuppressionsSql), new { hashes = database.List(hashes) }, cancellationToken, transaction));

    /// <summary>The consents of these contacts; a contact without a row is absent from the result.</summary>
    public async Task<Dictionary<long, ConsentRecord>> ReadAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> contactIds, CancellationToken cancellationToken)
    {
        if (contactIds.Count == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<ConsentRow>(database.Command(database.Sql(ReadSql), new { ids = database.List(contactIds.Distinct()) }, cancellationToken, transaction));
        return rows.ToDictionary(row => row.ContactId, row => row.ToRecord());
    }

    /// <summary>Stores the change and appends its event; does nothing for <see cref="ConsentChange.None"/>.</summary>
    /// <param name="source">The event's source (a <see cref="ConsentSources"/> value).</param>
    /// <param name="detail">What caused it, without personal data (rule codes, ids): stored as JSON.</param>
    public async Task<bool> ApplyAsync(
        DbConnection connection, DbTransaction transaction, long contactId, ConsentRecord? current, ConsentChange change, string source,
        IReadOnlyDictionary<string, object?>? detail, CancellationToken cancellationToken)
    {
        if (change.Next is not { } next)
        {
            return false;
        }

        var row = ConsentRow.From(contactId, next);
        await connection.ExecuteAsync(database.Command(current is null ? InsertSql : UpdateSql, row, cancellationToken, transaction));
        await connection.ExecuteAsync(database.Command(
            EventSql,
            new { contactId, @event = change.Event, source, detail = detail is null ? null : JsonSerializer.Serialize(detail), occurredAt = next.ChangedAt },
            cancellationToken,
            transaction));
        return true;
    }

    /// <summary>
    /// A number's opt-out, whoever reports it (a "sair" reply, WhatsApp's marketing "stop", Meta's 131050 on a send):
    /// revokes the consent of every live contact row of the number (one event each, source <c>whatsapp</c>), cancels their
    /// queued messages, and puts the number on <c>suppression_list</c> under every hash given. Returns the consents revoked.
    /// </summary>
    /// <param name="rule">Why, as the consent's <c>reason</c> (<c>keyword:sair</c>, <c>whatsapp:marketing-stop</c>).</param>
    /// <param name="detail">The event's detail (rule codes, ids; no personal data).</param>
    /// <param name="cancelReason">The cancelled messages' <c>status_reason</c>.</param>
    public async Task<int> RevokeNumberAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at, string rule,
        IReadOnlyDictionary<string, object?> detail, string cancelReason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(connection, transaction, contactIds, cancellationToken);
        var changed = 0;
        foreach (var id in contactIds)
        {
            var before = current.GetValueOrDefault(id);
            if (await ApplyAsync(connection, transaction, id, before, ConsentTransitions.Revoke(before, ConsentSources.WhatsApp, at, rule), ConsentSources.WhatsApp, detail, cancellationToken))
            {
                changed++;
            }
        }

        await CancelQueuedAsync(connection, transaction, contactIds, cancelReason, now, cancellationToken);
        foreach (var hash in hashes)
        {
            await SuppressAsync(connection, transaction, hash, "opt_out", at, cancellationToken);
        }

        return changed;
    }

    /// <summary>Cancels the contacts' messages still waiting in the queue; returns how many.</summary>
    public async Task<int> CancelQueuedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> contactIds, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return contactIds.Count == 0
            ? 0
            : await connection.ExecuteAsync(database.Command(database.Sql(CancelQueuedSql), new { ids = database.List(contactIds.Distinct()), reason, now }, cancellationToken, transaction));
    }

    /// <summary>Adds a number's hash to <c>suppression_list</c>; false when it was there already.</summary>
    public async Task<bool> SuppressAsync(DbConnection connection, DbTransaction transaction, string phoneHash, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(database.Command(SuppressSql, new { hash = phoneHash, reason, addedAt = at }, cancellationToken, transaction)) > 0;

    public async Task<bool> IsSuppressedAsync(DbConnection connection, DbTransaction? transaction, string phoneHash, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(database.Command(IsSuppressedSql, new { hash = phoneHash }, cancellationToken, transaction)) > 0;

    private sealed class ConsentRow
    {
        public long ContactId { get; set; }

        public string Status { get; set; } = "";

        public string Source { get; set; } = "";

        public DateTimeOffset? GrantedAt { get; set; }

        public DateTimeOffset? LastConfirmedAt { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public DateTimeOffset ChangedAt { get; set; }

        public string? Reason { get; set; }

        public static ConsentRow From(long contactId, ConsentRecord record) => new()
        {
            ContactId = contactId,
            Status = record.Status,
            Source = record.Source,
            GrantedAt = record.GrantedAt,
            LastConfirmedAt = record.LastConfirmedAt,
            ExpiresAt = record.ExpiresAt,
            ChangedAt = record.ChangedAt,
            Reason = record.Reason,
        };

        public ConsentRecord ToRecord() => new(Status, Source, GrantedAt, LastConfirmedAt, ExpiresAt, ChangedAt, Reason);
    }
}
