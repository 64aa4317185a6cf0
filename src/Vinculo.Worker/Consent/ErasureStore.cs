using System.Data.Common;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Consent;

/// <summary>
/// The SQL of erasure (LGPD art. 18): which rows belong to a person, and the statements that anonymise them. What
/// stays: the contact row without any personal value (so that consent events keep their subject), the PII-free consent
/// events plus one <c>erased</c> event, and the suppression hash. A list of ids is one parameter (<see cref="Database.List{T}"/>),
/// so each statement takes them all at once.
/// </summary>
public sealed class ErasureStore(Database database) : ISqlStatements
{
    private const string ContactsByNumberSql =
        "SELECT contact_id AS ContactId, phone_e164 AS PhoneE164, whatsapp_user_id AS WhatsAppUserId FROM contacts " +
        "WHERE erased_at IS NULL AND (phone_e164 IN @forms OR contact_id IN @ids)";

    /// <summary>
    /// Rows whose number has not been classified since <c>phone_raw</c> was written, and not yet read by this classifier
    /// (<c>raw_phone_keyed_by</c>, V013): the caller classifies them once. "Not this classifier" is written as two ranges so
    /// that every engine seeks the index rather than reading all of it.
    /// </summary>
    private string UnkeyedSql(string keyedBy) =>
        $"SELECT {database.Dialect.Top("@limit")} contact_id AS ContactId, phone_raw AS PhoneRaw FROM contacts " +
        $"WHERE phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL AND {keyedBy} " +
        database.Dialect.Limit("@limit");

    /// <summary>Not keyed by this classifier: one statement per range, so that each seeks the index (an OR of them scans it).</summary>
    private static readonly string[] NotKeyedBy = ["raw_phone_keyed_by IS NULL", "raw_phone_keyed_by < @keyedBy", "raw_phone_keyed_by > @keyedBy"];

    /// <summary>Unclassified rows whose raw number this classifier read as one of these hashes (keys carry the classifier's digest).</summary>
    private const string ByRawKeySql =
        "SELECT contact_id FROM contacts WHERE phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL " +
        "AND raw_phone_key IN @keys";

    private static readonly BulkWrite RawKeyWrite = new(
        "contacts", new BulkColumn("contact_id", BulkType.Identifier), [new("raw_phone_key", BulkType.Text), new("raw_phone_keyed_by", BulkType.Text)]);

    /// <summary>Unclassified rows keyed per transaction.</summary>
    private const int RawKeyBatch = 10_000;

    private const string ContactNumberSql = "SELECT phone_e164 FROM contacts WHERE contact_id = @id";

    private const string ErasedEventSql =
        "INSERT INTO consent_events (contact_id, event, source, detail, occurred_at) SELECT contact_id, 'erased', NULL, @detail, @now FROM contacts WHERE contact_id IN @ids";

    private const string RevokeConsentSql =
        "UPDATE consents SET status = 'revoked', reason = 'erased', changed_at = @now WHERE contact_id IN @ids AND (status <> 'revoked' OR reason IS NULL OR reason <> 'erased')";

    private const string StatusEventsSql =
        "DELETE FROM message_status_events WHERE provider_message_id IN (" +
        "SELECT provider_message_id FROM message_queue WHERE contact_id IN @ids AND provider_message_id IS NOT NULL)";

    private const string QueueSql =
        "UPDATE message_queue SET body = NULL, template_params = NULL, phone_e164 = 'erased', provider_message_id = NULL, " +
        "status_reason = CASE WHEN status = 'queued' THEN 'erased' ELSE status_reason END, " +
        "status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, updated_at = @now WHERE contact_id IN @ids";

    private const string InteractionsSql = "DELETE FROM interactions WHERE contact_id IN @ids";

    private const string InboundByContactSql =
        "UPDATE inbound_messages SET body = NULL, from_phone = NULL, wa_user_id = NULL, provider_message_id = NULL WHERE contact_id IN @ids";

    private const string InboundByNumberSql =
        "UPDATE inbound_messages SET body = NULL, from_phone = NULL, wa_user_id = NULL, provider_message_id = NULL " +
        "WHERE from_phone IN @numbers OR wa_user_id IN @userIds";

    private const string PreferencesByContactSql =
        "UPDATE preference_events SET from_phone = NULL, wa_user_id = NULL WHERE contact_id IN @ids";

    private const string PreferencesByNumberSql =
        "UPDATE preference_events SET from_phone = NULL, wa_user_id = NULL WHERE from_phone IN @numbers OR wa_user_id IN @userIds";

    /// <summary>Delivery statuses that name the person as recipient, whether or not they matched one of our messages.</summary>
    private const string StatusesByRecipientSql =
        "DELETE FROM message_status_events WHERE recipient_id IN @numbers OR recipient_user_id IN @userIds";

    /// <summary>
    /// Raw webhook bodies in which the person appears (their number in any form, or their WhatsApp user id): the body is
    /// emptied and the row kept, so that its hash still turns away a retry of the same delivery.
    /// </summary>
    private const string PayloadsSql =
        "UPDATE webhook_payloads SET body = '', outcome = 'erased', processed_at = COALESCE(processed_at, @now) WHERE body LIKE @pattern AND body <> ''";

    private const string OldPayloadsSql = "DELETE FROM webhook_payloads WHERE processed_at IS NOT NULL AND received_at < @before";

    private const string ContactsSql =
        "UPDATE contacts SET name = NULL, name_key = NULL, raw_phone_key = NULL, raw_phone_keyed_by = NULL, phone_raw = NULL, phone_e164 = NULL, phone_hash = NULL, phone_status = 'invalid', phone_type = NULL, " +
        "phone_region = NULL, time_zone = NULL, phone_note = NULL, phone_error = 'empty', duplicate_of = NULL, phone_failures = 0, " +
        "external_ref = NULL, whatsapp_id = NULL, whatsapp_user_id = NULL, preferred_hour = NULL, last_interaction_at = NULL, " +
        "erased_at = @now, updated_at = @now WHERE contact_id IN @ids";

    /// <summary>The tombstone of one form of an erased number (V012): imports and inbound messages for it store nothing.</summary>
    private const string TombstoneSql =
        "INSERT INTO erased_numbers (phone_hash, erased_at) SELECT @hash, @now WHERE NOT EXISTS (SELECT 1 FROM erased_numbers WHERE phone_hash = @hash)";

    /// <summary>The person's 1:1 chat exports still in the inbox's <c>archive/</c> folder.</summary>
    private const string ArchivedChatsSql =
        "SELECT import_id AS ImportId, archive_name AS ArchiveName FROM import_files WHERE counterpart_hash IN @hashes AND archive_name IS NOT NULL";

    /// <summary>The row of a deleted export keeps its hashes only.</summary>
    private const string ForgetArchiveNameSql = "UPDATE import_files SET archive_name = NULL WHERE import_id = @id";

    private const string CreateRequestSql = "INSERT INTO erasure_requests (phone, contact_id, requested_at, status) VALUES (@phone, @contactId, @now, 'pending')";

    private const string PendingRequestsSql =
        "SELECT request_id AS RequestId, phone AS Phone, contact_id AS ContactId FROM erasure_requests WHERE status = 'pending' ORDER BY requested_at, request_id";

    private const string FinishRequestSql =
        "UPDATE erasure_requests SET status = @status, processed_at = @now, result = @result, phone = NULL WHERE request_id = @id";

    private string InactiveSql =>
        $"SELECT {database.Dialect.Top("@limit")} c.contact_id FROM contacts c WHERE c.erased_at IS NULL AND c.contact_id > @after " +
        "AND c.created_at < @before AND (c.last_interaction_at IS NULL OR c.last_interaction_at < @before) " +
        "AND NOT EXISTS (SELECT 1 FROM consents s WHERE s.contact_id = c.contact_id AND s.status = 'granted') " +
        "AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.contact_id = c.contact_id AND i.occurred_at >= @before) " +
        $"ORDER BY c.contact_id {database.Dialect.Limit("@limit")}";

    private string CreateRequestReturningSql => database.Dialect.InsertReturningKey(
        "erasure_requests", "phone, contact_id, requested_at, status", "@phone, @contactId, @now, 'pending'", "request_id");

    public IEnumerable<string> Statements => new[]
    {
        ContactsByNumberSql, UnkeyedSql(NotKeyedBy[0]), UnkeyedSql(NotKeyedBy[1]), UnkeyedSql(NotKeyedBy[2]), ByRawKeySql, ContactNumberSql, ErasedEventSql, RevokeConsentSql, StatusEventsSql, QueueSql, InteractionsSql,
        InboundByContactSql, InboundByNumberSql, PreferencesByContactSql, PreferencesByNumberSql, StatusesByRecipientSql, PayloadsSql, OldPayloadsSql, ContactsSql, CreateRequestSql,
        TombstoneSql, ArchivedChatsSql, ForgetArchiveNameSql,
        PendingRequestsSql, FinishRequestSql, InactiveSql, CreateRequestReturningSql,
    }.Select(database.Sql).Concat(database.Dialect.BulkWriteStatements(RawKeyWrite)).Concat(AfterRewriteSql is null ? [] : [AfterRewriteSql]);

    public async Task<long> CreateRequestAsync(string? phoneE164, long? contactId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(database.Command(CreateRequestReturningSql, new { phone = phoneE164, contactId, now }, cancellationToken));
    }

    public async Task<List<ErasureRequest>> PendingRequestsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ErasureRequest>(database.Command(PendingRequestsSql, null, cancellationToken))).AsList();
    }

    public async Task<string?> ContactNumberAsync(long contactId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(database.Command(ContactNumberSql, new { id = contactId }, cancellationToken));
    }

    /// <summary>
    /// Keys every live row whose raw number awaits classification and was not yet read by the classifier
    /// <paramref name="keyedBy"/>, with <paramref name="key"/> (the hash of the number it reads, or "-"): in batches, each
    /// its own short transaction. Once done, only rows written since are read again.
    /// </summary>
    /// <remarks>
    /// After keying more than a batch, the engine's housekeeping after a large rewrite (PostgreSQL: <c>VACUUM (ANALYZE)</c>):
    /// with the statistics of before, PostgreSQL kept reading the whole table to find the rows still unkeyed, about 190 ms
    /// for each later request on a million contacts, where the partial index answers at once.
    /// </remarks>
    public async Task KeyUncheckedAsync(string keyedBy, Func<string, string> key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var keyed = 0;
        foreach (var condition in NotKeyedBy)
        {
            var sql = UnkeyedSql(condition);
            while (true)
            {
                var rows = (await connection.QueryAsync<(long ContactId, string PhoneRaw)>(
                    database.Command(sql, new { keyedBy, limit = RawKeyBatch }, cancellationToken))).AsList();
                if (rows.Count == 0)
                {
                    break;
                }

                // Each batch its own short transaction; a row another writer changed meanwhile loses its key again (trigger).
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await database.Dialect.BulkWriteAsync(
                    connection, transaction, RawKeyWrite, [.. rows.Select(r => new object?[] { r.ContactId, keyedBy + ":" + key(r.PhoneRaw), keyedBy })], cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                keyed += rows.Count;
            }
        }

        if (keyed > RawKeyBatch && AfterRewriteSql is { } housekeeping)
        {
            await connection.ExecuteAsync(database.Command(housekeeping, null, cancellationToken));
        }
    }

    private string? AfterRewriteSql => database.Dialect.AfterRewriteSql("contacts");

    /// <summary>The unclassified live rows whose raw number the classifier <paramref name="keyedBy"/> read as one of <paramref name="keys"/>.</summary>
    public async Task<List<long>> UncheckedByKeyAsync(string keyedBy, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var prefixed = keys.Select(key => keyedBy + ":" + key).ToList();
        return (await connection.QueryAsync<long>(database.Command(database.Sql(ByRawKeySql), new { keys = database.List(prefixed) }, cancellationToken))).AsList();
    }

    /// <summary>Live contacts with one of these numbers, or with one of these ids.</summary>
    public async Task<List<ErasureContact>> ContactsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> forms, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ErasureContact>(database.Command(database.Sql(ContactsByNumberSql), new { forms = database.List(forms), ids = database.List(ids) }, cancellationToken, transaction));
        return [.. rows.OrderBy(c => c.ContactId)];
    }

    /// <summary>
    /// Anonymises these contacts and everything that points at them, and scrubs inbound rows that came from
    /// <paramref name="numbers"/> (each as a provider may have written it) or <paramref name="userIds"/> even when they
    /// were never matched to a contact. Returns the rows touched per table.
    /// </summary>
    public async Task<SortedDictionary<string, long>> EraseAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> ids, IReadOnlyCollection<string> numbers, IReadOnlyCollection<string> userIds,
        string eventDetail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        async Task Run(string table, string sql, object parameters) =>
            counts[table] = counts.GetValueOrDefault(table) + await connection.ExecuteAsync(database.Command(database.Sql(sql), parameters, cancellationToken, transaction));

        if (ids.Count > 0)
        {
            var list = database.List(ids);
            await Run("consent_events", ErasedEventSql, new { ids = list, detail = eventDetail, now });
            await Run("consents", RevokeConsentSql, new { ids = list, now });
            await Run("message_status_events", StatusEventsSql, new { ids = list });
            await Run("message_queue", QueueSql, new { ids = list, now });
            await Run("interactions", InteractionsSql, new { ids = list });
            await Run("inbound_messages", InboundByContactSql, new { ids = list });
            await Run("preference_events", PreferencesByContactSql, new { ids = list });
            await Run("contacts", ContactsSql, new { ids = list, now });
        }

        if (numbers.Count > 0 || userIds.Count > 0)
        {
            await Run("inbound_messages", InboundByNumberSql, new { numbers = database.List(numbers), userIds = database.List(userIds) });
            await Run("preference_events", PreferencesByNumberSql, new { numbers = database.List(numbers), userIds = database.List(userIds) });
            await Run("message_status_events", StatusesByRecipientSql, new { numbers = database.List(numbers), userIds = database.List(userIds) });
            foreach (var needle in numbers.Select(n => n.TrimStart('+')).Concat(userIds).Where(IsPlainNeedle).Distinct(StringComparer.Ordinal))
            {
                await Run("webhook_payloads", PayloadsSql, new { pattern = "%" + needle + "%", now });
            }
        }

        return counts;
    }

    /// <summary>Tombstones these hashes (every form of the erased number); returns how many were new.</summary>
    public async Task<int> TombstoneAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> hashes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var hash in hashes)
        {
            added += await connection.ExecuteAsync(database.Command(TombstoneSql, new { hash, now }, cancellationToken, transaction));
        }

        return added;
    }

    /// <summary>The archived 1:1 chat exports whose counterpart had one of these hashes.</summary>
    public async Task<List<ArchivedChat>> ArchivedChatsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ArchivedChat>(database.Command(database.Sql(ArchivedChatsSql), new { hashes = database.List(hashes) }, cancellationToken, transaction))).AsList();

    public Task ForgetArchiveNameAsync(DbConnection connection, DbTransaction transaction, long importId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(ForgetArchiveNameSql, new { id = importId }, cancellationToken, transaction));

    /// <summary>Deletes the raw webhook bodies normalised and received before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteOldPayloadsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Command(OldPayloadsSql, new { before }, cancellationToken));
    }

    /// <summary>Only digits, letters and dots (wa_ids, business-scoped user ids) go into a LIKE pattern: nothing there is a wildcard.</summary>
    private static bool IsPlainNeedle(string needle) => needle.Length >= 6 && needle.All(c => char.IsAsciiLetterOrDigit(c) || c == '.');

    public Task FinishRequestAsync(DbConnection connection, DbTransaction? transaction, long requestId, string status, string result, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(FinishRequestSql, new { id = requestId, status, result, now }, cancellationToken, transaction));

    /// <summary>The next live contacts without granted consent and without any sign of life since <paramref name="before"/>.</summary>
    public async Task<List<long>> InactiveAsync(long after, int limit, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(database.Command(InactiveSql, new { after, limit, before }, cancellationToken))).AsList();
    }
}

public sealed class ErasureRequest
{
    public long RequestId { get; set; }

    public string? Phone { get; set; }

    public long? ContactId { get; set; }
}

public sealed class ErasureContact
{
    public long ContactId { get; set; }

    public string? PhoneE164 { get; set; }

    public string? WhatsAppUserId { get; set; }
}

public sealed class ArchivedChat
{
    public long ImportId { get; set; }

    public string ArchiveName { get; set; } = "";
}
