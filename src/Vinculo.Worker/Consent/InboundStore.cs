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
        "whatsapp_id AS WhatsAppId, whatsapp_user_id AS WhatsAppUserId, created_at AS CreatedAt";

    private const string MatchSql =
        $"SELECT {ContactColumns} FROM contacts WHERE erased_at IS NULL AND (phone_e164 IN @forms OR whatsapp_user_id IN @userIds)";

    private const string MarkInboundSql =
        "UPDATE inbound_messages SET processed_at = @now, outcome = @outcome, contact_id = @contactId WHERE inbound_id = @id AND processed_at IS NULL";

    private const string MarkPreferenceSql =
        "UPDATE preference_events SET processed_at = @now, outcome = @outcome, contact_id = @contactId WHERE preference_id = @id AND processed_at IS NULL";

    private const string InteractionSql =
        "INSERT INTO interactions (contact_id, kind, occurred_at, source) VALUES (@contactId, 'message_in', @at, 'whatsapp')";

    private const string LastInteractionSql =
        "UPDATE contacts SET last_interaction_at = @at, updated_at = @now " +
        "WHERE contact_id IN @ids AND (last_interaction_at IS NULL OR last_interaction_at < @at)";

    /// <summary>SPEC section 3: an unreachable mark is cleared when the number writes to the business again.</summary>
    private const string ReachableAgainSql =
        "UPDATE contacts SET phone_status = CASE WHEN phone_note IS NULL THEN 'valid' ELSE 'repaired' END, phone_failures = 0, updated_at = @now " +
        "WHERE contact_id IN @ids AND phone_status = 'unreachable'";

    private const string LearnIdsSql =
        "UPDATE contacts SET whatsapp_id = COALESCE(whatsapp_id, @waId), whatsapp_user_id = COALESCE(whatsapp_user_id, @userId) " +
        "WHERE contact_id IN @ids AND ((whatsapp_id IS NULL AND @waId IS NOT NULL) OR (whatsapp_user_id IS NULL AND @userId IS NOT NULL))";

    private const string ErasureRequestSql =
        "INSERT INTO erasure_requests (phone, contact_id, requested_at, status) VALUES (@phone, @contactId, @at, 'pending')";

    private string PendingInboundSql =>
        $"SELECT {database.Dialect.Top("@limit")} inbound_id AS Id, from_phone AS FromPhone, wa_user_id AS WaUserId, body AS Body, received_at AS ReceivedAt " +
        $"FROM inbound_messages WHERE processed_at IS NULL ORDER BY received_at, inbound_id {database.Dialect.Limit("@limit")}";

    private string PendingPreferencesSql =>
        $"SELECT {database.Dialect.Top("@limit")} preference_id AS Id, from_phone AS FromPhone, wa_user_id AS WaUserId, value AS Value, received_at AS ReceivedAt " +
        $"FROM preference_events WHERE processed_at IS NULL ORDER BY received_at, preference_id {database.Dialect.Limit("@limit")}";

    public IEnumerable<string> Statements => new[]
    {
        MatchSql, MarkInboundSql, MarkPreferenceSql, InteractionSql, LastInteractionSql, ReachableAgainSql, LearnIdsSql, ErasureRequestSql,
        PendingInboundSql, PendingPreferencesSql,
    }.Select(database.Sql);

    public async Task<List<PendingInbound>> ReadInboundAsync(DbConnection connection, DbTransaction transaction, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PendingInbound>(database.Command(PendingInboundSql, new { limit }, cancellationToken, transaction))).AsList();

    public async Task<List<PendingPreference>> ReadPreferencesAsync(DbConnection connection, DbTransaction transaction, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PendingPreference>(database.Command(PendingPreferencesSql, new { limit }, cancellationToken, transaction))).AsList();

    /// <summary>Live contacts holding one of these numbers (E.164) or WhatsApp user ids, oldest first.</summary>
    public async Task<List<InboundContact>> MatchAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> e164Forms, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (e164Forms.Count == 0 && userIds.Count == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<InboundContact>(database.Command(database.Sql(MatchSql), new { forms = database.List(e164Forms), userIds = database.List(userIds) }, cancellationToken, transaction));
        return [.. rows.OrderBy(c => c.CreatedAt).ThenBy(c => c.ContactId)];
    }

    public Task MarkInboundAsync(DbConnection connection, DbTransaction transaction, long id, string outcome, long? contactId, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(MarkInboundSql, new { id, outcome, contactId, now }, cancellationToken, transaction));

    public Task MarkPreferenceAsync(DbConnection connection, DbTransaction transaction, long id, string outcome, long? contactId, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(MarkPreferenceSql, new { id, outcome, contactId, now }, cancellationToken, transaction));

    /// <summary>
    /// The person wrote: one <c>message_in</c> interaction on the number's main contact, <c>last_interaction_at</c> on
    /// every contact of the number (it keeps each one's consent fresh), and an unreachable mark cleared.
    /// </summary>
    public async Task RecordMessageAsync(
        DbConnection connection, DbTransaction transaction, long mainContactId, IReadOnlyCollection<long> contactIds, DateTimeOffset at, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(database.Command(InteractionSql, new { contactId = mainContactId, at }, cancellationToken, transaction));
        await connection.ExecuteAsync(database.Command(database.Sql(LastInteractionSql), new { ids = database.List(contactIds), at, now }, cancellationToken, transaction));
        await connection.ExecuteAsync(database.Command(database.Sql(ReachableAgainSql), new { ids = database.List(contactIds), now }, cancellationToken, transaction));
    }

    /// <summary>Remembers the WhatsApp identifiers a contact wrote from, so that a later message carrying only one of them still matches.</summary>
    public Task LearnIdsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> contactIds, string? waId, string? userId, CancellationToken cancellationToken) =>
        waId is null && userId is null
            ? Task.CompletedTask
            : connection.ExecuteAsync(database.Command(database.Sql(LearnIdsSql), new { ids = database.List(contactIds), waId, userId }, cancellationToken, transaction));

    /// <summary>An erasure request (LGPD art. 18) for the <c>retention</c> job to carry out.</summary>
    public Task RequestErasureAsync(DbConnection connection, DbTransaction transaction, string? phoneE164, long? contactId, DateTimeOffset at, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(ErasureRequestSql, new { phone = phoneE164, contactId, at }, cancellationToken, transaction));
}

public sealed class PendingInbound
{
    public long Id { get; set; }

    public string? FromPhone { get; set; }

    public string? WaUserId { get; set; }

    public string? Body { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

public sealed class PendingPreference
{
    public long Id { get; set; }

    public string? FromPhone { get; set; }

    public string? WaUserId { get; set; }

    public string Value { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }
}

public sealed class InboundContact
{
    public long ContactId { get; set; }

    public string? PhoneE164 { get; set; }

    public string? PhoneHash { get; set; }

    public string PhoneStatus { get; set; } = "";

    public string? WhatsAppId { get; set; }

    public string? WhatsAppUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
