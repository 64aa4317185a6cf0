using Dapper;
using Vinculo.Data;
using Vinculo.Privacy;

namespace Vinculo.Bench;

/// <summary>
/// The base the feedback benchmarks start from: people 1..N with fresh consent, each sent one template an hour before
/// <c>anchor</c> whose WhatsApp id is known, written in bulk.
/// </summary>
internal static class SentBase
{
    private const int InsertBatch = 20_000;

    private static readonly BulkWrite ContactRows = new(
        "contacts",
        null,
        [
            new("contact_id", BulkType.Identifier), new("name", BulkType.Text), new("phone_e164", BulkType.Text), new("phone_hash", BulkType.Text),
            new("phone_status", BulkType.Text), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite ConsentRows = new(
        "consents",
        null,
        [new("contact_id", BulkType.Identifier), new("status", BulkType.Text), new("source", BulkType.Text), new("granted_at", BulkType.Timestamp), new("changed_at", BulkType.Timestamp)]);

    private static readonly BulkWrite MessageRows = new(
        "message_queue",
        null,
        [
            new("contact_id", BulkType.Identifier), new("content_id", BulkType.Identifier), new("phone_e164", BulkType.Text), new("scheduled_at", BulkType.Timestamp),
            new("relevance", BulkType.Fraction), new("status", BulkType.Text), new("sent_as", BulkType.Text), new("provider_message_id", BulkType.Text),
            new("attempts", BulkType.Number), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp), new("sent_at", BulkType.Timestamp),
        ]);

    /// <param name="numberOf">Person i's number (E.164).</param>
    /// <param name="wamidOf">The WhatsApp id of the message person i was sent.</param>
    /// <param name="statusOf">Person i's <c>phone_status</c>.</param>
    public static async Task InsertAsync(
        Database database, int people, Func<long, string> numberOf, Func<long, string> wamidOf, Func<long, string> statusOf, DateTimeOffset anchor, CancellationToken cancellationToken)
    {
        long content;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            content = await connection.ExecuteScalarAsync<long>(database.Command(
                database.Dialect.InsertReturningKey("contents", "name, body, created_at, updated_at", "'Bench', 'Oi {first_name}', @at, @at", "content_id"),
                new { at = anchor.AddDays(-30) },
                cancellationToken));
        }

        var ids = Enumerable.Range(1, people).Select(i => (long)i);
        await WriteAsync(database, ContactRows, ids.Select(i => new object?[] { i, "Cliente", numberOf(i), PhoneHash.Of(numberOf(i)), statusOf(i), anchor.AddDays(-400), anchor.AddDays(-400) }), cancellationToken);
        await WriteAsync(database, ConsentRows, ids.Select(i => new object?[] { i, "granted", "form", anchor.AddDays(-90), anchor.AddDays(-90) }), cancellationToken);
        await WriteAsync(
            database,
            MessageRows,
            ids.Select(i => new object?[] { i, content, numberOf(i), anchor.AddHours(-1), 0.6, "sent", "template", wamidOf(i), 1, anchor.AddHours(-10), anchor.AddHours(-1), anchor.AddHours(-1) }),
            cancellationToken);
    }

    public static async Task WriteAsync(Database database, BulkWrite write, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(InsertBatch))
        {
            await database.BulkWriteAsync(write, chunk, cancellationToken);
        }
    }
}
