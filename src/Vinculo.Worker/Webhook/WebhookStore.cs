using System.Data.Common;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Webhook;

/// <summary>
/// The SQL of the webhook: raw payloads kept as they arrived (one row per body hash), the normaliser's claim on each,
/// and the rows it writes into <c>inbound_messages</c>, <c>message_status_events</c>, <c>preference_events</c> and <c>sender_health</c>, each
/// written only when the same message, status or choice is not there already.
/// </summary>
public sealed class WebhookStore(Database database) : ISqlStatements
{
    /// <summary><c>webhook_payloads.outcome</c> holds at most this much on every engine.</summary>
    public const int OutcomeWidth = 400;

    private const string SavePayloadSql =
        "INSERT INTO webhook_payloads (received_at, body, body_sha256) SELECT @receivedAt, @body, @sha256 " +
        "WHERE NOT EXISTS (SELECT 1 FROM webhook_payloads WHERE body_sha256 = @sha256)";

    private const string PayloadExistsSql = "SELECT COUNT(*) FROM webhook_payloads WHERE body_sha256 = @sha256";

    private const string PingSql = "SELECT 1";

    /// <summary>Taken first, inside the payload's transaction: a second normaliser waits on the row, then finds it taken.</summary>
    private const string ClaimSql =
        "UPDATE webhook_payloads SET processed_at = @now, outcome = 'normalising' WHERE payload_id = @id AND processed_at IS NULL";

    private const string BodySql = "SELECT body FROM webhook_payloads WHERE payload_id = @id";

    private const string OutcomeSql = "UPDATE webhook_payloads SET outcome = @outcome WHERE payload_id = @id";

    private const string InboundSql =
        "INSERT INTO inbound_messages (provider_message_id, from_phone, wa_user_id, body, kind, context_id, received_at, payload_id) " +
        "SELECT @ProviderMessageId, @FromPhone, @WaUserId, @Body, @Kind, @ContextId, @ReceivedAt, @payloadId " +
        "WHERE NOT EXISTS (SELECT 1 FROM inbound_messages WHERE provider_message_id = @ProviderMessageId)";

    private const string StatusSql =
        "INSERT INTO message_status_events (provider_message_id, status, error_code, error_title, occurred_at, received_at, recipient_id, recipient_user_id, payload_id) " +
        "SELECT @ProviderMessageId, @Status, @ErrorCode, @ErrorTitle, @OccurredAt, @now, @RecipientId, @RecipientUserId, @payloadId " +
        "WHERE NOT EXISTS (SELECT 1 FROM message_status_events WHERE provider_message_id = @ProviderMessageId AND status = @Status)";

    /// <remarks>
    /// received_at is when WhatsApp says the choice was made, as inbound messages carry their own timestamp: process-inbound
    /// merges both tables by received_at, so "stop" then "sim" ends granted and "sim" then "stop" revoked, in the order the
    /// person did them, whenever the payloads arrive.
    /// </remarks>
    private const string PreferenceSql =
        "INSERT INTO preference_events (from_phone, wa_user_id, category, value, occurred_at, received_at, event_key, payload_id) " +
        "SELECT @FromPhone, @WaUserId, @Category, @Value, @OccurredAt, @OccurredAt, @EventKey, @payloadId " +
        "WHERE NOT EXISTS (SELECT 1 FROM preference_events WHERE event_key = @EventKey)";

    /// <remarks>Applied later by process-inbound (<see cref="Dispatch.SenderHealthApplier"/>), in the order Meta says the signals happened.</remarks>
    private const string SignalSql =
        "INSERT INTO sender_health (field, event, tier, template_name, template_language, ban_state, reason, occurred_at, received_at, event_key, payload_id) " +
        "SELECT @Field, @Event, @Tier, @TemplateName, @TemplateLanguage, @BanState, @Reason, @OccurredAt, @now, @EventKey, @payloadId " +
        "WHERE NOT EXISTS (SELECT 1 FROM sender_health WHERE event_key = @EventKey)";

    private string PendingSql =>
        $"SELECT {database.Dialect.Top("@limit")} payload_id AS PayloadId, received_at AS ReceivedAt FROM webhook_payloads " +
        "WHERE processed_at IS NULL AND (received_at > @afterAt OR (received_at = @afterAt AND payload_id > @afterId)) " +
        $"ORDER BY received_at, payload_id {database.Dialect.Limit("@limit")}";

    public IEnumerable<string> Statements =>
        new[] { SavePayloadSql, PayloadExistsSql, PingSql, ClaimSql, BodySql, OutcomeSql, InboundSql, StatusSql, PreferenceSql, SignalSql, PendingSql }.Select(database.Sql);

    /// <summary>Keeps a body as it arrived; false when the same body (by its hash) is already kept.</summary>
    public async Task<bool> SavePayloadAsync(DateTimeOffset receivedAt, string body, string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(database.Command(SavePayloadSql, new { receivedAt, body, sha256 }, cancellationToken)) == 1;
        }
        catch (DbException)
        {
            // The same body, delivered twice at once: the other request's insert won the unique index.
            if (await ExistsAsync(connection, sha256, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    private async Task<bool> ExistsAsync(DbConnection connection, string sha256, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(database.Command(PayloadExistsSql, new { sha256 }, cancellationToken)) > 0;

    /// <summary>A trivial query: throws when the database does not answer.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(database.Command(PingSql, null, cancellationToken));
    }

    /// <summary>Unprocessed payloads after (<paramref name="afterAt"/>, <paramref name="afterId"/>), in arrival order.</summary>
    public async Task<List<PendingPayload>> PendingAsync(
        DbConnection connection, DateTimeOffset afterAt, long afterId, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PendingPayload>(database.Command(PendingSql, new { afterAt, afterId, limit }, cancellationToken))).AsList();

    /// <summary>Marks the payload processed (inside the caller's transaction) and returns its body, or null when another run has it.</summary>
    public async Task<string?> ClaimAsync(DbConnection connection, DbTransaction transaction, long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteAsync(database.Command(ClaimSql, new { id, now }, cancellationToken, transaction)) != 1)
        {
            return null;
        }

        return await connection.ExecuteScalarAsync<string>(database.Command(BodySql, new { id }, cancellationToken, transaction));
    }

    public Task SetOutcomeAsync(DbConnection connection, DbTransaction transaction, long id, string outcome, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(OutcomeSql, new { id, outcome = outcome.Length <= OutcomeWidth ? outcome : outcome[..OutcomeWidth] }, cancellationToken, transaction));

    /// <returns>Whether the message was new.</returns>
    public Task<bool> AddInboundAsync(DbConnection connection, DbTransaction transaction, InboundMessageRow row, long payloadId, CancellationToken cancellationToken) =>
        InsertIfNewAsync(
            connection, transaction, InboundSql,
            new { row.ProviderMessageId, row.FromPhone, row.WaUserId, row.Body, row.Kind, row.ContextId, row.ReceivedAt, payloadId }, cancellationToken);

    /// <returns>Whether the status was new for that message.</returns>
    public Task<bool> AddStatusAsync(
        DbConnection connection, DbTransaction transaction, StatusEventRow row, long payloadId, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertIfNewAsync(
            connection, transaction, StatusSql,
            new { row.ProviderMessageId, row.Status, row.ErrorCode, row.ErrorTitle, row.OccurredAt, now, row.RecipientId, row.RecipientUserId, payloadId }, cancellationToken);

    /// <returns>Whether the choice was new.</returns>
    public Task<bool> AddPreferenceAsync(
        DbConnection connection, DbTransaction transaction, PreferenceEventRow row, long payloadId, CancellationToken cancellationToken) =>
        InsertIfNewAsync(
            connection, transaction, PreferenceSql,
            new { row.FromPhone, row.WaUserId, row.Category, row.Value, row.OccurredAt, row.EventKey, payloadId }, cancellationToken);

    /// <returns>Whether the signal was new.</returns>
    public Task<bool> AddSignalAsync(
        DbConnection connection, DbTransaction transaction, SenderSignalRow row, long payloadId, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertIfNewAsync(
            connection, transaction, SignalSql,
            new { row.Field, row.Event, row.Tier, row.TemplateName, row.TemplateLanguage, row.BanState, row.Reason, row.OccurredAt, now, row.EventKey, payloadId }, cancellationToken);

    /// <summary>Runs an insert that writes nothing when the row is already there.</summary>
    /// <returns>Whether it wrote the row.</returns>
    private async Task<bool> InsertIfNewAsync(DbConnection connection, DbTransaction transaction, string sql, object parameters, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(database.Command(sql, parameters, cancellationToken, transaction)) == 1;
}

public sealed class PendingPayload
{
    public long PayloadId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
