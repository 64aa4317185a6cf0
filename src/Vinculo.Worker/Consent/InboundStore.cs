using System.Data.Common;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Consent;

/// <summary>
/// The rows <c>process-inbound</c> applies (<c>inbound_messages</c>, <c>preference_events</c>), the contacts they
/// match, and the contact-side effects of a message. Every method works inside the caller's transaction.
/// </summary>
public sealed class InboundStore(Database database) : ISqlStatements
{
    private const string ContactColumns =
        "contact_id AS ContactId, phone_e164 AS PhoneE164, phone_hash AS PhoneHash, phone_status AS PhoneStatus, " +
        "whatsapp_id AS WhatsAppId, whatsapp_user_id AS WhatsAppUserId, last_interaction_at AS LastInteractionAt, created_at AS CreatedAt";

    public static readonly BulkWrite InteractionInsert = new(
        "interactions", null, [new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("source", BulkType.Text)]);

    public static readonly BulkWrite LastInteractionWrite = new(
        "contacts", new BulkColumn("contact_id", BulkType.Identifier), [new("last_interaction_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp)]);

    public static readonly BulkWrite LearnedIdsWrite = new(
        "contacts", new BulkColumn("contact_id", BulkType.Identifier), [new("whatsapp_id", BulkType.Text), new("whatsapp_user_id", BulkType.Text)]);

    public static readonly BulkWrite InboundProcessed = new(
        "inbound_messages",
        new BulkColumn("inbound_id", BulkType.Identifier),
        [new("processed_at", BulkType.Timestamp), new("outcome", BulkType.Text), new("contact_id", BulkType.Identifier)]);

    public static readonly BulkWrite PreferenceProcessed = new(
        "preference_events",
        new BulkColumn("preference_id", BulkType.Identifier),
        [new("processed_at", BulkType.Timestamp), new("outcome", BulkType.Text), new("contact_id", BulkType.Identifier)]);

    private const string MatchSql =
        $"SELECT {ContactColumns} FROM contacts WHERE erased_at IS NULL AND (phone_e164 IN @forms OR whatsapp_user_id IN @userIds)";

    /// <summary>SPEC section 3: an unreachable mark is cleared when the number writes to the business again.</summary>
    private const string ReachableAgainSql =
        "UPDATE contacts SET phone_status = CASE WHEN phone_note IS NULL THEN 'valid' ELSE 'repaired' END, phone_failures = 0, updated_at = @now " +
        "WHERE contact_id IN @ids AND phone_status = 'unreachable'";

    private const string ErasureRequestSql =
        "INSERT INTO erasure_requests (phone, contact_id, requested_at, status) VALUES (@phone, @contactId, @at, 'pending')";

    /// <summary>Tombstones (V012) among a batch's senders.</summary>
    private const string ErasedSql = "SELECT phone_hash FROM erased_numbers WHERE phone_hash IN @hashes";

    /// <summary>A message from an erased number keeps no body, number or id: nothing of the person is stored again.</summary>
    private const string ScrubErasedSql =
        "UPDATE inbound_messages SET body = NULL, from_phone = NULL, wa_user_id = NULL, provider_message_id = NULL WHERE inbound_id = @id";

    private const string ScrubErasedPreferenceSql = "UPDATE preference_events SET from_phone = NULL, wa_user_id = NULL WHERE preference_id = @id";

    /// <summary>The raw webhook bodies that brought it (number, profile name, text): emptied, the row and its hash kept, as erasure does.</summary>
    private const string ScrubErasedPayloadsSql =
        "UPDATE webhook_payloads SET body = '', outcome = 'erased', processed_at = COALESCE(processed_at, @now) WHERE body LIKE @pattern AND body <> ''";

    private const string LiftTombstoneSql = "DELETE FROM erased_numbers WHERE phone_hash IN @hashes";

    /// <summary>
    /// The person an opt-in from an erased number brings back, as a new contact: the number as WhatsApp gave it, unchecked,
    /// so that <c>revalidate-phones</c> classifies it like any new row (phone_checked_at stays NULL).
    /// </summary>
    private string ReturningContactSql => database.Dialect.InsertReturningKey(
        "contacts", "phone_raw, phone_e164, phone_hash, created_at, updated_at", "@e164, @e164, @hash, @now, @now", "contact_id");

    private string PendingInboundSql =>
        $"SELECT {database.Dialect.Top("@limit")} inbound_id AS Id, from_phone AS FromPhone, wa_user_id AS WaUserId, body AS Body, received_at AS ReceivedAt " +
        $"FROM inbound_messages WHERE processed_at IS NULL ORDER BY received_at, inbound_id {database.Dialect.Limit("@limit")}";

    private string PendingPreferencesSql =>
        $"SELECT {database.Dialect.Top("@limit")} preference_id AS Id, from_phone AS FromPhone, wa_user_id AS WaUserId, value AS Value, received_at AS ReceivedAt " +
        $"FROM preference_events WHERE processed_at IS NULL ORDER BY received_at, preference_id {database.Dialect.Limit("@limit")}";

    public IEnumerable<string> Statements => new[]
    {
        MatchSql, ReachableAgainSql, ErasureRequestSql, PendingInboundSql, PendingPreferencesSql,
        ErasedSql, ScrubErasedSql, ScrubErasedPreferenceSql, ScrubErasedPayloadsSql, LiftTombstoneSql, ReturningContactSql,
    }.Select(database.Sql).Concat(new[] { InteractionInsert, LastInteractionWrite, LearnedIdsWrite, InboundProcessed, PreferenceProcessed }.SelectMany(database.Dialect.BulkWriteStatements));

    public async Task<List<PendingInbound>> ReadInboundAsync(DbConnection connection, DbTransaction transaction, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PendingInbound>(database.Command(PendingInboundSql, new { limit }, cancellationToken, transaction))).AsList();

    public async Task<List<PendingPreference>> ReadPreferencesAsync(DbConnection connection, DbTransaction transaction, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PendingPreference>(database.Command(PendingPreferencesSql, new { limit }, cancellationToken, transaction))).AsList();

    /// <summary>Live contacts holding one of these numbers (E.164) or WhatsApp user ids: every sender of a batch in one query.</summary>
    public async Task<List<InboundContact>> MatchAllAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> e164Forms, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (e164Forms.Count == 0 && userIds.Count == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<InboundContact>(database.Command(database.Sql(MatchSql), new { forms = database.List(e164Forms), userIds = database.List(userIds) }, cancellationToken, transaction));
        return rows.AsList();
    }

    /// <summary>Writes a batch's plain effects (<see cref="InboundEffects"/>): a handful of set-based statements, whatever the batch's size.</summary>
    internal async Task WriteEffectsAsync(DbConnection connection, DbTransaction transaction, InboundEffects effects, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        if (effects.Interactions.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, InteractionInsert, effects.Interactions, cancellationToken);
        }

        if (effects.LastInteraction.Count > 0)
        {
            await dialect.BulkWriteAsync(
                connection, transaction, LastInteractionWrite, effects.LastInteraction.OrderBy(e => e.Key).Select(e => new object?[] { e.Key, e.Value, effects.Now }).ToList(), cancellationToken);
        }

        if (effects.ReachableAgain.Count > 0)
        {
            await connection.ExecuteAsync(database.Command(database.Sql(ReachableAgainSql), new { ids = database.List(effects.ReachableAgain), now = effects.Now }, cancellationToken, transaction));
        }

        if (effects.LearnedIds.Count > 0)
        {
            await dialect.BulkWriteAsync(
                connection, transaction, LearnedIdsWrite, effects.LearnedIds.OrderBy(e => e.Key).Select(e => new object?[] { e.Key, e.Value.WaId, e.Value.UserId }).ToList(), cancellationToken);
        }

        if (effects.Processed.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, InboundProcessed, effects.Processed, cancellationToken);
        }

        if (effects.PreferencesProcessed.Count > 0)
        {
            await dialect.BulkWriteAsync(connection, transaction, PreferenceProcessed, effects.PreferencesProcessed, cancellationToken);
        }
    }

    /// <summary>The hashes among these that are tombstones of erased numbers.</summary>
    public async Task<HashSet<string>> ErasedAmongAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        if (hashes.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var erased = await connection.QueryAsync<string>(database.Command(database.Sql(ErasedSql), new { hashes = database.List(hashes) }, cancellationToken, transaction));
        return erased.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// A message (or, with <paramref name="preference"/>, a preference event) from an erased number: the row keeps no number,
    /// id or body, and the raw webhook bodies that carry the number are emptied.
    /// </summary>
    public async Task ScrubErasedAsync(
        DbConnection connection, DbTransaction transaction, long id, bool preference, IReadOnlyList<string> forms, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(database.Command(preference ? ScrubErasedPreferenceSql : ScrubErasedSql, new { id }, cancellationToken, transaction));
        foreach (var digits in forms.Select(form => form.TrimStart('+')).Where(form => form.Length >= 8 && form.All(char.IsAsciiDigit)).Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(database.Command(ScrubErasedPayloadsSql, new { pattern = "%" + digits + "%", now }, cancellationToken, transaction));
        }
    }

    /// <summary>An opt-in from an erased number: the tombstones go, and the person comes back as a new contact (returned).</summary>
    public async Task<long> BringBackAsync(DbConnection connection, DbTransaction transaction, string e164, IReadOnlyCollection<string> hashes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(database.Command(database.Sql(LiftTombstoneSql), new { hashes = database.List(hashes) }, cancellationToken, transaction));
        return await connection.ExecuteScalarAsync<long>(database.Command(ReturningContactSql, new { e164, hash = Privacy.PhoneHash.Of(e164), now }, cancellationToken, transaction));
    }

    /// <summary>An erasure request (LGPD art. 18) for the <c>retention</c> job to carry out.</summary>
    public Task RequestErasureAsync(DbConnection connection, DbTransaction transaction, string? phoneE164, long? contactId, DateTimeOffset at, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(ErasureRequestSql, new { phone = phoneE164, contactId, at }, cancellationToken, transaction));
}

public sealed class InboundContact
{
    public long ContactId { get; set; }

    public string? PhoneE164 { get; set; }

    public string? PhoneHash { get; set; }

    public string PhoneStatus { get; set; } = "";

    public string? WhatsAppId { get; set; }

    public string? WhatsAppUserId { get; set; }

    public DateTimeOffset? LastInteractionAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
