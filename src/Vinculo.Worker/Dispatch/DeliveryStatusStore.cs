using System.Data.Common;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Dispatch;

/// <summary>
/// The SQL of applying delivery statuses: pending <c>message_status_events</c> read in arrival order with the message
/// each one is about, and the set-based writes of a batch (status moves, read interactions, reachable numbers, events
/// marked processed).
/// </summary>
public sealed class DeliveryStatusStore(Database database) : ISqlStatements
{
    public static readonly BulkWrite MessageMoves = new(
        "message_queue", new BulkColumn("message_id", BulkType.Identifier), [new("status", BulkType.Text), new("updated_at", BulkType.Timestamp)]);

    public static readonly BulkWrite EventsProcessed = new(
        "message_status_events", new BulkColumn("event_id", BulkType.Identifier), [new("processed_at", BulkType.Timestamp), new("outcome", BulkType.Text)]);

    /// <summary>A read is engagement and evidence of the habitual hour; its key (a hash of the message id) makes it one row however often it is reported.</summary>
    public static readonly BulkInsertIfAbsent ReadInteractions = new(
        "interactions",
        new BulkColumn("source_key", BulkType.Text),
        [new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("source", BulkType.Text)],
        PartialKey: true);

    /// <summary>SPEC section 3: a number that received a message is reachable, whatever was reported before.</summary>
    private const string ReachableSql =
        "UPDATE contacts SET phone_status = CASE WHEN phone_note IS NULL THEN 'valid' ELSE 'repaired' END, phone_failures = 0, updated_at = @now " +
        "WHERE contact_id IN @ids AND phone_status = 'unreachable'";

    private string PendingSql =>
        $"SELECT {database.Dialect.Top("@limit")} e.event_id AS EventId, e.provider_message_id AS ProviderMessageId, e.status AS Status, " +
        "e.error_code AS ErrorCode, e.occurred_at AS OccurredAt, e.received_at AS ReceivedAt, q.message_id AS MessageId, q.status AS MessageStatus, " +
        "q.contact_id AS ContactId, q.content_id AS ContentId, q.phone_e164 AS Number, q.scheduled_at AS ScheduledAt, q.attempts AS Attempts, k.time_zone AS TimeZone " +
        "FROM message_status_events e LEFT JOIN message_queue q ON q.provider_message_id = e.provider_message_id " +
        "LEFT JOIN contacts k ON k.contact_id = q.contact_id " +
        "WHERE e.processed_at IS NULL AND (e.occurred_at > @afterAt OR (e.occurred_at = @afterAt AND e.event_id > @afterId)) " +
        $"ORDER BY e.occurred_at, e.event_id {database.Dialect.Limit("@limit")}";

    public IEnumerable<string> Statements =>
    [
        PendingSql, database.Sql(ReachableSql), .. database.Dialect.BulkWriteStatements(MessageMoves), .. database.Dialect.BulkWriteStatements(EventsProcessed),
        .. ReadInteractions.Statements(database.Dialect),
    ];

    /// <summary>The next pending statuses after (<paramref name="afterAt"/>, <paramref name="afterId"/>), in arrival order.</summary>
    internal async Task<List<PendingStatus>> ReadPendingAsync(
        DbConnection connection, DbTransaction transaction, DateTimeOffset afterAt, long afterId, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PendingStatus>(database.Command(PendingSql, new { afterAt, afterId, limit }, cancellationToken, transaction))).AsList();

    internal Task<int> MoveAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(0) : database.Dialect.BulkWriteAsync(connection, transaction, MessageMoves, rows, cancellationToken);

    internal Task<int> MarkProcessedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(0) : database.Dialect.BulkWriteAsync(connection, transaction, EventsProcessed, rows, cancellationToken);

    internal Task<int> AddReadsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        ReadInteractions.WriteAsync(database.Dialect, connection, transaction, rows, cancellationToken);

    internal async Task<int> ReachableAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> contactIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return contactIds.Count == 0
            ? 0
            : await connection.ExecuteAsync(database.Command(database.Sql(ReachableSql), new { ids = database.List(contactIds), now }, cancellationToken, transaction));
    }
}
