using System.Data.Common;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Consent;

/// <summary>
/// The set-based SQL of <c>expire-consents</c>. The base is walked in ranges of consents (keyset on
/// <c>contact_id</c>), each expired in one short transaction by three statements: mark the stale consents, append an
/// <c>expired</c> event for each consent just marked, cancel their queued messages.
/// </summary>
public sealed class ConsentExpiryStore(Database database) : ISqlStatements
{
    /// <summary><c>message_queue.status_reason</c> of messages cancelled because consent expired.</summary>
    public const string CancelReason = "consent_expired";

    private const string InRange = "{0}.contact_id > @after AND {0}.contact_id <= @upto";

    /// <summary>
    /// SPEC section 4 in SQL, the same rule as <see cref="ConsentFreshness"/>: granted, and either <c>expires_at</c>
    /// has passed or no sign of life (grant, renewal, <c>last_interaction_at</c>, any interaction) is newer than
    /// <c>@idleBefore</c> (now minus <c>Consent:MaxIdleDays</c>). Every comparison is guarded against NULL. The range
    /// repeated in both subqueries lets a planner that hashes a subquery read only the range's rows, not the whole table:
    /// PostgreSQL then reads the range's contacts once instead of looking each consent's contact up (four buffers each,
    /// 40,000 per range), and reads them from V019's index of latest interactions rather than the table (on a 10M base
    /// larger than memory, 140 pages from disk a range instead of about 2,000). SQLite reads them from the same index (V021)
    /// when told to (<c>{1}</c>, <see cref="LatestInteractions"/>), and a contact's interactions from the index of kinds
    /// plan-messages reads after it (<c>{2}</c>, <see cref="InteractionsByKind"/>).
    /// </summary>
    private const string Stale =
        "{0}.status = 'granted' AND " + InRange + " AND (" +
        "({0}.expires_at IS NOT NULL AND {0}.expires_at <= @now) OR NOT (" +
        "({0}.granted_at IS NOT NULL AND {0}.granted_at > @idleBefore) OR ({0}.last_confirmed_at IS NOT NULL AND {0}.last_confirmed_at > @idleBefore) " +
        "OR EXISTS (SELECT 1 FROM {1} WHERE k.contact_id = {0}.contact_id AND k.contact_id > @after AND k.contact_id <= @upto AND k.last_interaction_at > @idleBefore) " +
        "OR EXISTS (SELECT 1 FROM {2} WHERE i.contact_id = {0}.contact_id AND i.contact_id > @after AND i.contact_id <= @upto AND i.occurred_at > @idleBefore)))";

    private const string Reason =
        "CASE WHEN {0}.expires_at IS NOT NULL AND {0}.expires_at <= @now THEN '" + StaleReasons.ExpiresAtPassed + "' ELSE '" + StaleReasons.Idle + "' END";

    /// <summary>
    /// The events of the consents this instant just expired in the range, read back by their mark (status, reason
    /// and <c>changed_at = @now</c>) rather than by evaluating staleness a second time; the NOT EXISTS keeps a second run
    /// with the same <c>--now</c> from writing them again.
    /// </summary>
    private static readonly string EventsSql =
        "INSERT INTO consent_events (contact_id, event, source, detail, occurred_at) " +
        "SELECT c.contact_id, 'expired', NULL, CASE WHEN c.reason = '" + StaleReasons.ExpiresAtPassed + "' THEN '{\"reason\":\"" + StaleReasons.ExpiresAtPassed + "\"}' " +
        "ELSE '{\"reason\":\"" + StaleReasons.Idle + "\"}' END, @now FROM consents c " +
        $"WHERE c.status = 'expired' AND c.changed_at = @now AND c.reason IN ('{StaleReasons.ExpiresAtPassed}', '{StaleReasons.Idle}') AND {Format(InRange, "c")} " +
        "AND NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.contact_id = c.contact_id AND e.occurred_at = @now AND e.event = 'expired')";

    /// <summary>
    /// V021's index of latest interactions. Named for SQLite: given <c>contact_id = ?</c> it looks the row up by id even with
    /// this covering index there, and reads a table page for every dozen contacts instead of an index page for every two hundred.
    /// </summary>
    private const string LatestInteractions = "ix_contacts_last_interaction_at";

    /// <summary>
    /// The index of interactions by kind, the one plan-messages reads. Named for SQLite: given <c>contact_id = ?</c> and a
    /// range of <c>occurred_at</c> it picks <c>(contact_id, occurred_at)</c>, and on a base larger than memory each of the
    /// two indexes a night then read came from disk.
    /// </summary>
    private const string InteractionsByKind = "ix_interactions_contact_id_kind_occurred_at";

    /// <summary>
    /// V022's index of queued messages by contact (SQLite only). Named because, even with statistics, SQLite keeps to
    /// <c>ix_message_queue_contact_id</c>, every message ever queued, and reads each message's row for its status.
    /// </summary>
    private const string QueuedByContact = "ix_message_queue_queued_contact";

    private readonly string expireSql =
        $"UPDATE consents SET status = 'expired', reason = {Format(Reason, "consents")}, changed_at = @now " +
        $"WHERE {Format(Stale, "consents", database.Dialect.IndexedBy("contacts", LatestInteractions, "k"), database.Dialect.IndexedBy("interactions", InteractionsByKind, "i"))}";

    /// <summary>
    /// Cancels the queued messages of the range's contacts whose consent is expired, found among the few waiting to go out
    /// rather than through every message the contacts were ever sent: SQLite through V022's index of queued messages, which
    /// it must be told to use (<see cref="QueuedByContact"/>), PostgreSQL through the index by status.
    /// </summary>
    private readonly string cancelSql =
        $"UPDATE {database.Dialect.IndexedBy("message_queue", QueuedByContact)} SET status = 'cancelled', status_reason = '" + CancelReason + "', updated_at = @now " +
        $"WHERE status = 'queued' AND {Format(InRange, "message_queue")} AND contact_id IN (" +
        $"SELECT c.contact_id FROM consents c WHERE c.status = 'expired' AND {Format(InRange, "c")})";

    private static readonly string CountByReasonSql =
        "SELECT reason AS Reason, COUNT(*) AS Consents FROM consents WHERE status = 'expired' AND changed_at = @now GROUP BY reason";

    private string RangeSql =>
        "SELECT MAX(contact_id) AS Upto, COUNT(*) AS Granted FROM (" +
        $"SELECT {database.Dialect.Top("@limit")} contact_id FROM consents WHERE status = 'granted' AND contact_id > @after " +
        $"ORDER BY contact_id {database.Dialect.Limit("@limit")}) AS b";

    public IEnumerable<string> Statements => [RangeSql, EventsSql, expireSql, cancelSql, CountByReasonSql];

    /// <summary>The next range: the last <c>contact_id</c> among the next <paramref name="limit"/> granted consents, and how many there are.</summary>
    public Task<(long? Upto, long Granted)> NextRangeAsync(long after, int limit, CancellationToken cancellationToken) =>
        database.RunUnitAsync(
            "expire-consents range",
            async token =>
            {
                await using var connection = await database.OpenAsync(token);
                var range = await connection.QuerySingleAsync<RangeRow>(database.Command(RangeSql, new { after, limit }, token));
                return (range.Upto, range.Granted);
            },
            cancellationToken);

    /// <summary>
    /// Expires the stale consents of one range in one transaction; returns (consents expired, messages cancelled). A unit retried
    /// after a transient fault: a range whose commit landed unseen finds nothing stale the second time.
    /// </summary>
    public Task<(int Expired, int Cancelled)> ExpireRangeAsync(long after, long upto, DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken) =>
        database.RunUnitAsync("expire-consents range", token => ExpireRangeOnceAsync(after, upto, now, idleBefore, token), cancellationToken);

    private async Task<(int Expired, int Cancelled)> ExpireRangeOnceAsync(long after, long upto, DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken)
    {
        var parameters = new { after, upto, now, idleBefore };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
        var expired = await connection.ExecuteAsync(database.Command(expireSql, parameters, cancellationToken, transaction));
        var events = await connection.ExecuteAsync(database.Command(EventsSql, parameters, cancellationToken, transaction));
        if (events != expired)
        {
            // The UPDATE holds the rows it changed until commit, so this cannot happen; if it ever did, no change may stand without its event.
            throw new InvalidOperationException($"expire-consents wrote {events} event(s) for {expired} expired consent(s); the range was rolled back.");
        }

        var cancelled = await connection.ExecuteAsync(database.Command(cancelSql, parameters, cancellationToken, transaction));
        Hosting.Failpoints.Hit("consents.before_commit");
        await transaction.CommitAsync(cancellationToken);
        Hosting.Failpoints.Hit("consents.after_commit");
        return (expired, cancelled);
    }

    /// <summary>Consents this run (<paramref name="now"/>) expired, per reason.</summary>
    public async Task<SortedDictionary<string, long>> CountByReasonAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Reason, long Consents)>(database.Command(CountByReasonSql, new { now }, cancellationToken));
        return new SortedDictionary<string, long>(rows.ToDictionary(r => r.Reason, r => r.Consents), StringComparer.Ordinal);
    }

    /// <summary>A template with its table aliases (and, for <see cref="Stale"/>, the contacts source) filled in: constants, never values.</summary>
    private static string Format(string template, params object[] names) => string.Format(System.Globalization.CultureInfo.InvariantCulture, template, names);

    private sealed class RangeRow
    {
        public long? Upto { get; set; }

        public long Granted { get; set; }
    }
}
