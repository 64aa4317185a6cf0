using System.Data.Common;
using Dapper;
using Vinculo.Data;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>
/// The SQL of <c>dispatch-messages</c>: claiming due messages, the facts their re-check needs (read set-based per claimed
/// batch), the results of sends, the housekeeping of stale rows, and the halt.
/// </summary>
public sealed class DispatchStore(Database database) : ISqlStatements
{
    /// <summary>Statuses of messages that went out or are on their way: another of these within the cap keeps a message back.</summary>
    private const string OnTheWay = "'sending', 'sent', 'delivered', 'read'";

    private const string DueWhere = "status = 'queued' AND scheduled_at <= @now AND (next_attempt_at IS NULL OR next_attempt_at <= @now)";

    private const string ClaimSet = "status = 'sending', attempts = attempts + 1, claimed_by = @node, claimed_at = @now, updated_at = @now";

    private const string MessagesSql =
        "SELECT q.message_id AS MessageId, q.contact_id AS ContactId, q.content_id AS ContentId, q.phone_e164 AS Number, q.scheduled_at AS ScheduledAt, " +
        "q.body AS Body, q.template_params AS TemplateParams, q.attempts AS Attempts, k.name AS Name, k.phone_e164 AS ContactNumber, " +
        "k.phone_hash AS PhoneHash, k.phone_status AS PhoneStatus, k.time_zone AS TimeZone, k.erased_at AS ErasedAt, c.content_id AS ContentFound, " +
        "c.body AS ContentBody, c.template_name AS TemplateName, c.template_language AS TemplateLanguage, c.active AS Active, c.paused_at AS PausedAt, " +
        "c.starts_at AS StartsAt, c.ends_at AS EndsAt " +
        "FROM message_queue q JOIN contacts k ON k.contact_id = q.contact_id LEFT JOIN contents c ON c.content_id = q.content_id " +
        "WHERE q.message_id IN @ids";

    /// <summary>The granted consents of every live row of the numbers, with each row's own last sign of life.</summary>
    private const string ConsentsSql =
        "SELECT k.phone_e164 AS Number, k.contact_id AS ContactId, k.last_interaction_at AS LastInteractionAt, c.granted_at AS GrantedAt, " +
        "c.last_confirmed_at AS LastConfirmedAt, c.expires_at AS ExpiresAt " +
        "FROM contacts k JOIN consents c ON c.contact_id = k.contact_id " +
        "WHERE k.phone_e164 IN @numbers AND k.erased_at IS NULL AND c.status = 'granted'";

    /// <summary>Each row's latest interaction of any kind: it keeps consent fresh (as <c>expire-consents</c> counts it).</summary>
    private const string ActivitySql =
        "SELECT contact_id AS ContactId, MAX(occurred_at) AS LastAt FROM interactions WHERE contact_id IN @ids GROUP BY contact_id";

    private const string SuppressedSql = "SELECT phone_hash FROM suppression_list WHERE phone_hash IN @hashes";

    private const string OnTheWaySql =
        "SELECT message_id AS MessageId, phone_e164 AS Number, status AS Status, scheduled_at AS ScheduledAt, sent_at AS SentAt FROM message_queue " +
        $"WHERE phone_e164 IN @numbers AND status IN ({OnTheWay}) AND (scheduled_at >= @since OR sent_at >= @since)";

    /// <summary>When each number last wrote to the business (a message or a reply), within the last 24 hours.</summary>
    private const string LastInboundSql =
        "SELECT k.phone_e164 AS Number, MAX(i.occurred_at) AS LastAt FROM interactions i JOIN contacts k ON k.contact_id = i.contact_id " +
        "WHERE k.phone_e164 IN @numbers AND i.kind IN ('message_in', 'reply') AND i.occurred_at >= @since GROUP BY k.phone_e164";

    /// <summary>Inbound messages not yet applied by <c>process-inbound</c> (less than a minute old, normally): matched by sender.</summary>
    private const string UnprocessedInboundSql =
        "SELECT from_phone FROM inbound_messages WHERE processed_at IS NULL AND received_at >= @since AND from_phone IN @forms";

    private const string LastProductsSql =
        "SELECT contact_id AS ContactId, product AS Product, occurred_at AS OccurredAt FROM interactions " +
        "WHERE contact_id IN @ids AND kind = 'purchase' AND product IS NOT NULL";

    private const string CancelSql =
        "UPDATE message_queue SET status = 'cancelled', status_reason = @reason, updated_at = @now WHERE message_id = @id AND status = 'sending'";

    /// <summary>Back to the queue without counting the attempt (the window has not opened, a halt, a stop before sending).</summary>
    private const string ReleaseSql =
        "UPDATE message_queue SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, next_attempt_at = @notBefore, " +
        "error_code = COALESCE(@code, error_code), updated_at = @now WHERE message_id = @id AND status = 'sending'";

    /// <summary>
    /// A message whose person was erased while it was on its way keeps no trace of them: the row was anonymised
    /// (<c>phone_e164 = 'erased'</c>) and nothing personal is written back.
    /// </summary>
    private const string SentSql =
        "UPDATE message_queue SET status = 'sent', sent_as = @sentAs, sent_at = @at, " +
        "provider_message_id = CASE WHEN phone_e164 = 'erased' THEN NULL ELSE @providerId END, " +
        "body = CASE WHEN phone_e164 = 'erased' THEN NULL ELSE COALESCE(body, @body) END, " +
        "template_params = CASE WHEN phone_e164 = 'erased' THEN NULL ELSE COALESCE(template_params, @templateParams) END, " +
        "next_attempt_at = NULL, error_code = NULL, status_reason = NULL, updated_at = @now " +
        "WHERE message_id = @id AND status = 'sending'";

    private const string RetrySql =
        "UPDATE message_queue SET status = 'queued', next_attempt_at = @notBefore, error_code = @code, updated_at = @now WHERE message_id = @id AND status = 'sending'";

    private const string RescheduleSql =
        "UPDATE message_queue SET status = 'queued', scheduled_at = @at, plan_day = @day, next_attempt_at = NULL, error_code = @code, updated_at = @now " +
        "WHERE message_id = @id AND status = @from";

    private const string DayTakenSql =
        "SELECT COUNT(*) FROM message_queue WHERE phone_e164 = @number AND plan_day = @day AND message_id <> @id " +
        "AND status IN ('queued', 'sending', 'sent', 'delivered', 'read')";

    private const string FailSql =
        "UPDATE message_queue SET status = 'failed', status_reason = @reason, error_code = @code, updated_at = @now WHERE message_id = @id AND status = @from";

    private const string LearnWaIdSql =
        "UPDATE contacts SET whatsapp_id = @waId, updated_at = @now WHERE contact_id = @contactId AND erased_at IS NULL AND (whatsapp_id IS NULL OR whatsapp_id <> @waId)";

    /// <summary>An undeliverable report (131026): the row's count grows, and at the threshold a valid number becomes unreachable.</summary>
    private const string UndeliverableSql =
        "UPDATE contacts SET phone_failures = phone_failures + 1, " +
        "phone_status = CASE WHEN phone_failures + 1 >= @threshold AND phone_status IN ('valid', 'repaired') THEN 'unreachable' ELSE phone_status END, " +
        "updated_at = @now WHERE contact_id = @contactId";

    private const string LiveRowsSql = "SELECT contact_id FROM contacts WHERE phone_e164 = @number AND erased_at IS NULL";

    private const string PauseContentSql =
        "UPDATE contents SET paused_at = @now, paused_reason = @reason, updated_at = @now WHERE content_id = @contentId AND paused_at IS NULL";

    /// <summary>Messages left <c>sending</c> by a process that died (or rows another tool left there): never sent again blindly.</summary>
    private const string InterruptedSql =
        "UPDATE message_queue SET status = 'failed', status_reason = 'interrupted', updated_at = @now " +
        "WHERE status = 'sending' AND COALESCE(claimed_at, updated_at) < @cutoff";

    /// <summary>
    /// A queued message more than a day past its slot: its send day's window closed long ago in any zone (the worker was
    /// down, the dispatch halted, the day's limit was reached). Fresher ones are judged exactly, in their own zone, when claimed.
    /// </summary>
    private const string LongMissedSql =
        "UPDATE message_queue SET status = 'cancelled', status_reason = 'missed_window', updated_at = @now WHERE status = 'queued' AND scheduled_at < @cutoff";

    /// <summary>
    /// The CASE is the point: with statistics of a large history, SQLite (3.53) answered a plain
    /// <c>COUNT(DISTINCT phone_e164)</c> by walking the whole number index to skip a sort, 3.5 s at 1.8 million messages
    /// on every dispatch run; over an expression it takes the day's rows from the <c>sent_at</c> index (30 ms), which holds
    /// the number too (V018), so that no send is looked up in the table.
    /// </summary>
    internal const string RecentRecipientsSql =
        "SELECT COUNT(DISTINCT CASE WHEN sent_at >= @since THEN phone_e164 END) FROM message_queue WHERE sent_at >= @since";

    private const string OpenHaltSql =
        "SELECT halt_id AS HaltId, error_code AS ErrorCode, reason AS Reason, halted_at AS HaltedAt, node AS Node, message_id AS MessageId " +
        "FROM dispatch_halts WHERE resumed_at IS NULL ORDER BY halted_at, halt_id";

    private const string InsertHaltSql =
        "INSERT INTO dispatch_halts (error_code, reason, halted_at, node, message_id) SELECT @code, @reason, @now, @node, @messageId " +
        "WHERE NOT EXISTS (SELECT 1 FROM dispatch_halts WHERE resumed_at IS NULL)";

    private const string ResumeSql = "UPDATE dispatch_halts SET resumed_at = @now, resumed_by = @by WHERE resumed_at IS NULL";

    private const string QueueSummarySql =
        "SELECT SUM(CASE WHEN status = 'queued' AND scheduled_at <= @now THEN 1 ELSE 0 END) AS Due, " +
        "SUM(CASE WHEN status = 'queued' AND scheduled_at > @now THEN 1 ELSE 0 END) AS Later, " +
        "SUM(CASE WHEN status = 'sending' THEN 1 ELSE 0 END) AS Sending " +
        "FROM message_queue WHERE status IN ('queued', 'sending')";

    private string ClaimSql => database.Dialect.ClaimSql("message_queue", "message_id", DueWhere, "scheduled_at, message_id", ClaimSet);

    public IEnumerable<string> Statements =>
        new[]
        {
            ClaimSql, MessagesSql, ConsentsSql, ActivitySql, SuppressedSql, OnTheWaySql, LastInboundSql, UnprocessedInboundSql, LastProductsSql,
            CancelSql, ReleaseSql, SentSql, RetrySql, RescheduleSql, DayTakenSql, FailSql, LearnWaIdSql, UndeliverableSql, LiveRowsSql,
            PauseContentSql, InterruptedSql, LongMissedSql, RecentRecipientsSql, OpenHaltSql, InsertHaltSql, ResumeSql, QueueSummarySql,
        }.Select(database.Sql);

    /// <summary>Fails messages left <c>sending</c> since before <paramref name="cutoff"/>; returns how many.</summary>
    public Task<int> FailInterruptedAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteUnitAsync("dispatch interrupted", InterruptedSql, new { cutoff, now }, cancellationToken);

    /// <summary>Cancels queued messages whose slot was before <paramref name="cutoff"/>; returns how many.</summary>
    public Task<int> CancelLongMissedAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteUnitAsync("dispatch missed window", LongMissedSql, new { cutoff, now }, cancellationToken);

    /// <summary>One statement that a second run finds done, as a unit retried after a transient fault.</summary>
    private Task<int> ExecuteUnitAsync(string unit, string sql, object parameters, CancellationToken cancellationToken) =>
        database.RunUnitAsync(
            unit,
            async token =>
            {
                await using var connection = await database.OpenAsync(token);
                return await connection.ExecuteAsync(database.Command(sql, parameters, token));
            },
            cancellationToken);

    /// <summary>Distinct numbers messages went to since <paramref name="since"/> (Meta's messaging limit counts unique recipients).</summary>
    public async Task<long> CountRecipientsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(database.Command(RecentRecipientsSql, new { since }, cancellationToken));
    }

    public async Task<DispatchHalt?> OpenHaltAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<DispatchHalt>(database.Command(OpenHaltSql, null, cancellationToken))).FirstOrDefault();
    }

    /// <summary>Closes every open halt; returns how many there were.</summary>
    public async Task<int> ResumeAsync(string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Command(ResumeSql, new { by, now }, cancellationToken));
    }

    /// <summary>Messages waiting now, waiting for later, and being sent.</summary>
    public async Task<QueueSummary> SummariseQueueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<QueueSummary>(database.Command(QueueSummarySql, new { now }, cancellationToken));
        return row;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages for <paramref name="node"/> and, in the same transaction, reads what
    /// their re-check needs and applies <paramref name="decide"/>'s verdicts on the ones that must not go (cancelled, or
    /// back to the queue until their window opens). The claim is committed before any of them is sent.
    /// </summary>
    /// <param name="decide">Decides every claimed message from its facts; returns those to send.</param>
    /// <remarks>
    /// A unit retried after a transient fault while its commit was not sent: a claim that committed unseen is not taken again
    /// (its messages end <c>interrupted</c>, never sent twice), and the run fails.
    /// </remarks>
    public Task<ClaimedBatch> ClaimAsync(
        string node, DateTimeOffset now, int limit, RecheckWindow window, Func<ClaimFacts, ClaimVerdicts> decide, CancellationToken cancellationToken) =>
        database.RunUnitAsync("dispatch claim", (attempt, token) => ClaimOnceAsync(attempt, node, now, limit, window, decide, token), cancellationToken);

    private async Task<ClaimedBatch> ClaimOnceAsync(
        UnitAttempt attempt, string node, DateTimeOffset now, int limit, RecheckWindow window, Func<ClaimFacts, ClaimVerdicts> decide, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<long>(database.Command(ClaimSql, new { node, now, limit }, cancellationToken, transaction))).AsList();
        if (ids.Count == 0)
        {
            await attempt.CommitAsync(transaction, cancellationToken);
            return ClaimedBatch.Empty;
        }

        var facts = await ReadFactsAsync(connection, transaction, ids, now, window, cancellationToken);
        var verdicts = decide(facts);

        // A claimed row the facts query did not return (its contact row is gone) is never left 'sending' in limbo.
        var decided = verdicts.Cancel.Select(c => c.Id).Concat(verdicts.Wait.Select(w => w.Id)).Concat(verdicts.Send.Select(m => m.Row.MessageId)).ToHashSet();
        verdicts.Cancel.AddRange(ids.Where(id => !decided.Contains(id)).Select(id => (id, DispatchReasons.ContactErased)));
        foreach (var (id, reason) in verdicts.Cancel)
        {
            await connection.ExecuteAsync(database.Command(CancelSql, new { id, reason, now }, cancellationToken, transaction));
        }

        foreach (var (id, notBefore) in verdicts.Wait)
        {
            await connection.ExecuteAsync(database.Command(ReleaseSql, new { id, notBefore, code = (int?)null, now }, cancellationToken, transaction));
        }

        Hosting.Failpoints.Hit("dispatch.before_claim");
        await attempt.CommitAsync(transaction, cancellationToken);
        return new ClaimedBatch(ids.Count, verdicts);
    }

    private async Task<ClaimFacts> ReadFactsAsync(
        DbConnection connection, DbTransaction transaction, List<long> ids, DateTimeOffset now, RecheckWindow window, CancellationToken cancellationToken)
    {
        var messages = (await connection.QueryAsync<ClaimedRow>(database.Command(database.Sql(MessagesSql), new { ids = database.List(ids) }, cancellationToken, transaction))).AsList();
        var numbers = messages.Select(m => m.Number).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList();
        var facts = new ClaimFacts(messages);
        if (numbers.Count == 0)
        {
            return facts;
        }

        var listOfNumbers = database.List(numbers);
        facts.Consents.AddRange(await connection.QueryAsync<ConsentRow>(database.Command(database.Sql(ConsentsSql), new { numbers = listOfNumbers }, cancellationToken, transaction)));
        var holders = facts.Consents.Select(c => c.ContactId).Distinct().ToList();
        if (holders.Count > 0)
        {
            foreach (var row in await connection.QueryAsync<ActivityRow>(
                database.Command(database.Sql(ActivitySql), new { ids = database.List(holders) }, cancellationToken, transaction)))
            {
                facts.LastActivity[row.ContactId] = row.LastAt;
            }
        }

        var hashes = facts.Hashes();
        if (hashes.Count > 0)
        {
            facts.SuppressedHashes.UnionWith(await connection.QueryAsync<string>(
                database.Command(database.Sql(SuppressedSql), new { hashes = database.List(hashes) }, cancellationToken, transaction)));
        }

        facts.OnTheWay.AddRange(await connection.QueryAsync<OnTheWayRow>(database.Command(
            database.Sql(OnTheWaySql), new { numbers = listOfNumbers, since = now.AddDays(-window.CapDays) }, cancellationToken, transaction)));

        var sessionSince = now.AddHours(-24);
        foreach (var row in await connection.QueryAsync<LastInboundRow>(
            database.Command(database.Sql(LastInboundSql), new { numbers = listOfNumbers, since = sessionSince }, cancellationToken, transaction)))
        {
            facts.WroteRecently.Add(row.Number);
        }

        var forms = facts.SenderForms();
        foreach (var from in await connection.QueryAsync<string>(database.Command(
            database.Sql(UnprocessedInboundSql), new { since = sessionSince, forms = database.List(forms.Keys) }, cancellationToken, transaction)))
        {
            if (forms.TryGetValue(from, out var number))
            {
                facts.WroteRecently.Add(number);
            }
        }

        // Rows other tools queued carry no rendered body or parameters: the contact's last product fills them in.
        var unrendered = messages.Where(m => m.Body is null || m.TemplateParams is null).Select(m => m.ContactId).Distinct().ToList();
        if (unrendered.Count > 0)
        {
            foreach (var row in await connection.QueryAsync<ProductRow>(
                database.Command(database.Sql(LastProductsSql), new { ids = database.List(unrendered) }, cancellationToken, transaction)))
            {
                if (!facts.LastProducts.TryGetValue(row.ContactId, out var known) || row.OccurredAt > known.At)
                {
                    facts.LastProducts[row.ContactId] = (row.Product, row.OccurredAt);
                }
            }
        }

        return facts;
    }

    /// <summary>
    /// Records the outcomes of sends, in one transaction; returns what was counted, once it committed. A unit retried after a
    /// transient fault while its commit was not sent: a message sent is recorded sent even when the database blinked meanwhile.
    /// </summary>
    internal Task<List<(string Key, long Count)>> RecordAsync(IReadOnlyList<SendOutcome> outcomes, DispatchRecorder recorder, CancellationToken cancellationToken) =>
        database.RunUnitAsync("dispatch record", (attempt, token) => RecordOnceAsync(attempt, outcomes, recorder, token), cancellationToken);

    /// <summary>Whether retrying what threw <paramref name="exception"/> may succeed (the engine's own judgement).</summary>
    internal bool IsTransient(Exception exception) => database.Dialect.IsTransient(exception);

    private async Task<List<(string Key, long Count)>> RecordOnceAsync(UnitAttempt attempt, IReadOnlyList<SendOutcome> outcomes, DispatchRecorder recorder, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var context = new RecordContext(this, connection, transaction, [], cancellationToken);
        foreach (var outcome in outcomes)
        {
            await recorder.ApplyAsync(context, outcome);
        }

        Hosting.Failpoints.Hit("dispatch.before_record");
        await attempt.CommitAsync(transaction, cancellationToken);
        Hosting.Failpoints.Hit("dispatch.after_record");
        return context.Counts;
    }

    internal Task<int> MarkSentAsync(RecordContext c, long id, string sentAs, DateTimeOffset at, string providerId, string? body, string? templateParams, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(SentSql, new { id, sentAs, at, providerId, body, templateParams, now }, c.CancellationToken, c.Transaction));

    internal Task<int> LearnWaIdAsync(RecordContext c, long contactId, string waId, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(LearnWaIdSql, new { contactId, waId, now }, c.CancellationToken, c.Transaction));

    internal Task<int> RetryAsync(RecordContext c, long id, DateTimeOffset notBefore, int? code, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(RetrySql, new { id, notBefore, code, now }, c.CancellationToken, c.Transaction));

    internal Task<int> ReleaseAsync(RecordContext c, long id, int? code, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(ReleaseSql, new { id, notBefore = (DateTimeOffset?)null, code, now }, c.CancellationToken, c.Transaction));

    internal Task<int> FailAsync(RecordContext c, long id, string reason, int? code, DateTimeOffset now, string from) =>
        c.Connection.ExecuteAsync(database.Command(FailSql, new { id, reason, code, now, from }, c.CancellationToken, c.Transaction));

    internal async Task<bool> IsDayTakenAsync(RecordContext c, long id, string number, DateOnly day) =>
        await c.Connection.ExecuteScalarAsync<long>(database.Command(DayTakenSql, new { id, number, day }, c.CancellationToken, c.Transaction)) > 0;

    internal Task<int> RescheduleAsync(RecordContext c, long id, DateTimeOffset at, DateOnly day, int? code, DateTimeOffset now, string from) =>
        c.Connection.ExecuteAsync(database.Command(RescheduleSql, new { id, at, day, code, now, from }, c.CancellationToken, c.Transaction));

    internal Task<int> CountUndeliverableAsync(RecordContext c, long contactId, int threshold, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(UndeliverableSql, new { contactId, threshold, now }, c.CancellationToken, c.Transaction));

    internal async Task<List<long>> LiveRowsAsync(RecordContext c, string number) =>
        (await c.Connection.QueryAsync<long>(database.Command(LiveRowsSql, new { number }, c.CancellationToken, c.Transaction))).AsList();

    internal Task<int> PauseContentAsync(RecordContext c, long contentId, string reason, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(PauseContentSql, new { contentId, reason, now }, c.CancellationToken, c.Transaction));

    internal Task<int> HaltAsync(RecordContext c, int? code, string reason, string node, long? messageId, DateTimeOffset now) =>
        c.Connection.ExecuteAsync(database.Command(InsertHaltSql, new { code, reason, node, messageId, now }, c.CancellationToken, c.Transaction));
}

/// <summary>The connection and transaction results are recorded in, and what they count once committed.</summary>
internal readonly record struct RecordContext(
    DispatchStore Store, DbConnection Connection, DbTransaction Transaction, List<(string Key, long Count)> Counts, CancellationToken CancellationToken)
{
    public void Count(string key, long by = 1) => Counts.Add((key, by));
}

/// <summary>A stored halt of all dispatching.</summary>
public sealed class DispatchHalt
{
    public long HaltId { get; set; }

    public int? ErrorCode { get; set; }

    public string Reason { get; set; } = "";

    public DateTimeOffset HaltedAt { get; set; }

    public string? Node { get; set; }

    public long? MessageId { get; set; }
}

public sealed class QueueSummary
{
    public long? Due { get; set; }

    public long? Later { get; set; }

    public long? Sending { get; set; }
}

/// <summary>The frequency cap the re-check applies.</summary>
public readonly record struct RecheckWindow(int CapDays);

public sealed class ActivityRow
{
    public long ContactId { get; set; }

    public DateTimeOffset LastAt { get; set; }
}

public sealed class LastInboundRow
{
    public string Number { get; set; } = "";

    public DateTimeOffset LastAt { get; set; }
}

public sealed class ProductRow
{
    public long ContactId { get; set; }

    public string Product { get; set; } = "";

    public DateTimeOffset OccurredAt { get; set; }
}

public sealed record ClaimedBatch(int Claimed, ClaimVerdicts Verdicts)
{
    public static readonly ClaimedBatch Empty = new(0, new ClaimVerdicts());
}
