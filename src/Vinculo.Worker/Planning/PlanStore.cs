using System.Data.Common;
using Dapper;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Jobs;

namespace Vinculo.Planning;

/// <summary>
/// The SQL of <c>plan-messages</c>: the night's contents, people in keyset batches with their consents and signals
/// (one set-based query per kind of signal and batch, never one per person), learned hours, and the queue insert.
/// </summary>
public sealed class PlanStore(Database database) : ISqlStatements
{
    /// <summary><c>message_queue.status_reason</c> of a message cancelled because its number was suppressed while it was being planned.</summary>
    public const string SuppressedReason = "suppressed";

    /// <summary>
    /// The statuses the frequency cap, novelty and the daily limit count (<see cref="FrequencyCap.Counts"/>). V020's partial
    /// index of these messages repeats the list word for word: SQLite uses a partial index only for a query that repeats
    /// its condition.
    /// </summary>
    private const string Counted = "'queued', 'sending', 'sent', 'delivered', 'read'";

    private const string ContentsSql =
        "SELECT content_id AS ContentId, name AS Name, category AS Category, body AS Body, priority AS Priority, starts_at AS StartsAt, ends_at AS EndsAt " +
        "FROM contents WHERE active = @active AND paused_at IS NULL AND (starts_at IS NULL OR starts_at < @to) AND (ends_at IS NULL OR ends_at > @from) " +
        "ORDER BY content_id";

    /// <summary>
    /// Messages that count towards the day's limit: planned for it, or (rows other tools wrote without a plan day)
    /// scheduled within its hours in the business's zone.
    /// </summary>
    private const string PlannedForDaySql =
        $"SELECT COUNT(*) FROM message_queue WHERE status IN ({Counted}) AND (plan_day = @day OR (plan_day IS NULL AND scheduled_at >= @from AND scheduled_at < @to))";

    /// <summary>
    /// The granted consents of the other live rows of the batch's numbers: revalidate-phones marks every newer row of a
    /// number <c>duplicate</c> of the oldest, so a range of the oldest rows' ids finds them through the link's index.
    /// </summary>
    private const string DuplicateConsentsSql =
        "SELECT d.duplicate_of, d.contact_id, d.phone_e164, d.last_interaction_at, c.granted_at, c.last_confirmed_at, c.expires_at " +
        "FROM contacts d JOIN consents c ON c.contact_id = d.contact_id " +
        "WHERE d.duplicate_of > @after AND d.duplicate_of <= @upto AND d.phone_status = 'duplicate' AND d.erased_at IS NULL AND c.status = 'granted'";

    /// <summary>
    /// The latest message, reply, read and click of each listed row, however old: each is one seek at the end of a range of
    /// <c>(contact_id, kind, occurred_at)</c>, whatever the years of history behind it, all four in the same few pages of
    /// that index. The latest purchase comes from <see cref="PurchasesSql"/>; with it, these are the latest interaction of
    /// every kind (the kinds a row may hold are these five), without a seek in <c>(contact_id, occurred_at)</c>: on a base
    /// larger than memory that index was a third of the interaction pages a night's planning read from disk. Recency,
    /// consent freshness and the unanswered streak need nothing else of old interactions.
    /// </summary>
    internal const string LatestSql =
        "SELECT k.contact_id, " +
        "(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.contact_id = k.contact_id AND i.kind = 'message_in'), " +
        "(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.contact_id = k.contact_id AND i.kind = 'reply'), " +
        "(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.contact_id = k.contact_id AND i.kind = 'read'), " +
        "(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.contact_id = k.contact_id AND i.kind = 'click') " +
        "FROM contacts k WHERE k.contact_id IN @ids";

    /// <summary>
    /// <see cref="LatestSql"/> as one pass over each row's entries of (<c>contact_id</c>, <c>kind</c>, <c>occurred_at</c>),
    /// read from the index alone. PostgreSQL runs each correlated seek of <see cref="LatestSql"/> as a sub-plan of its own,
    /// which on a base with years of history (about fifteen interactions a person) cost 2.5 times this pass.
    /// </summary>
    internal const string LatestGroupedSql =
        "SELECT contact_id, MAX(CASE WHEN kind = 'message_in' THEN occurred_at END), MAX(CASE WHEN kind = 'reply' THEN occurred_at END), " +
        "MAX(CASE WHEN kind = 'read' THEN occurred_at END), MAX(CASE WHEN kind = 'click' THEN occurred_at END) " +
        "FROM interactions WHERE contact_id IN @ids GROUP BY contact_id";

    /// <summary>
    /// The purchases of the listed rows, from the partial index of purchases alone (<c>ix_interactions_purchases</c>, which
    /// holds category, instant and product): affinity weighs the share of all of a person's purchases in a category, however
    /// old (SPEC section 5 gives it no window), recency and consent freshness the latest purchase, and <c>{product}</c> the
    /// latest purchase that names one. One pass, summed up as it is read: a second pass for the product (its latest
    /// instant, then a seek for the product at it) cost as much again.
    /// </summary>
    internal const string PurchasesSql =
        "SELECT contact_id, category, occurred_at, product FROM interactions WHERE contact_id IN @ids AND kind = 'purchase'";

    /// <summary>
    /// The messages, replies and reads of the listed rows within the lookback (<see cref="NightPlanner.LookbackDays"/>): the
    /// habitual hour's evidence and the replies engagement counts. Older ones weigh in nowhere.
    /// </summary>
    internal const string RecentSql =
        "SELECT contact_id, CASE kind WHEN 'message_in' THEN 2 WHEN 'reply' THEN 3 ELSE 4 END, occurred_at FROM interactions " +
        "WHERE contact_id IN @ids AND kind IN ('message_in', 'reply', 'read') AND occurred_at >= @since";

    /// <summary>The status of a message as a small code: queued 1, sending 2, sent 3, delivered 4, read 5; failed or cancelled 0 (they never reached the person).</summary>
    private const string StatusCode =
        "CASE status WHEN 'queued' THEN 1 WHEN 'sending' THEN 2 WHEN 'sent' THEN 3 WHEN 'delivered' THEN 4 WHEN 'read' THEN 5 ELSE 0 END";

    /// <summary>
    /// Every message of the listed numbers that reached or may still reach the person (queued, sending, sent, delivered,
    /// read), however old, with its content, <see cref="StatusCode"/>, planned and sent instants: one seek per number in the
    /// partial index of these messages (<c>ix_message_queue_counted</c>, V020), which holds every column read here. Those
    /// planned or sent within the window (<see cref="PlanWindows.MessagesSince"/>) count for engagement and the frequency
    /// cap; of the earlier ones, those that went out count for novelty (a content the person got, however long ago, is not
    /// sent again) and for the part of the unanswered streak older than the window. Before, those were three reads: the
    /// window's by (<c>phone_e164</c>, <c>scheduled_at</c>) with a table row per message, the earlier ones from a second
    /// index, and those planned earlier but sent within the window once a run; on a base larger than memory each was a
    /// random read per number (the window's alone, 101 s of a 10M night's readers).
    /// </summary>
    internal const string CountedMessagesSql =
        $"SELECT phone_e164, content_id, {StatusCode}, scheduled_at, sent_at FROM message_queue WHERE phone_e164 IN @numbers AND status IN ({Counted})";

    /// <summary>
    /// Closes the window between reading a person and queueing their message: a number an opt-out suppressed meanwhile
    /// has the message just planned for it cancelled in the same transaction as the insert.
    /// </summary>
    private const string CancelSuppressedSql =
        "UPDATE message_queue SET status = 'cancelled', status_reason = '" + SuppressedReason + "', updated_at = @now " +
        "WHERE plan_day = @day AND created_at = @now AND status = 'queued' AND EXISTS (" +
        "SELECT 1 FROM contacts k JOIN suppression_list s ON s.phone_hash = k.phone_hash WHERE k.contact_id = message_queue.contact_id)";

    public static readonly BulkWrite PreferredHourWrite = new(
        "contacts",
        new BulkColumn("contact_id", BulkType.Identifier),
        [new("preferred_hour", BulkType.Number), new("updated_at", BulkType.Timestamp)]);

    public static readonly BulkWrite QueueInsert = new(
        "message_queue",
        null,
        [
            new("contact_id", BulkType.Identifier), new("content_id", BulkType.Identifier), new("phone_e164", BulkType.Text),
            new("scheduled_at", BulkType.Timestamp), new("relevance", BulkType.Fraction), new("score_detail", BulkType.Text),
            new("body", BulkType.Text), new("template_params", BulkType.Text), new("status", BulkType.Text), new("plan_day", BulkType.Date),
            new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    /// <summary>
    /// The oldest live row of each number (duplicates have their own status), keyset-ordered, with its consent and
    /// whether its number is suppressed. The range repeated on consents keeps PostgreSQL's merge join from walking
    /// the consents index from its start for every batch.
    /// </summary>
    private string PeopleSql =>
        $"SELECT {database.Dialect.Top("@limit")} k.contact_id, k.name, k.phone_e164, k.time_zone, CAST(k.preferred_hour AS int), k.last_interaction_at, " +
        "CASE WHEN s.phone_hash IS NULL THEN 0 ELSE 1 END, CASE WHEN c.status = 'granted' THEN 1 ELSE 0 END, c.granted_at, c.last_confirmed_at, c.expires_at " +
        "FROM contacts k LEFT JOIN consents c ON c.contact_id = k.contact_id AND c.contact_id > @after LEFT JOIN suppression_list s ON s.phone_hash = k.phone_hash " +
        "WHERE k.contact_id > @after AND k.erased_at IS NULL AND k.phone_status IN ('valid', 'repaired') AND k.phone_e164 IS NOT NULL " +
        $"ORDER BY k.contact_id {database.Dialect.Limit("@limit")}";

    /// <summary>The read of each row's latest interactions this engine runs fastest (<see cref="LatestGroupedSql"/>).</summary>
    private string Latest => database.Dialect.FastCorrelatedSeeks ? LatestSql : LatestGroupedSql;

    public IEnumerable<string> Statements =>
    [
        ContentsSql, PlannedForDaySql, PeopleSql, DuplicateConsentsSql, database.Sql(LatestSql), database.Sql(LatestGroupedSql), database.Sql(PurchasesSql),
        database.Sql(RecentSql), database.Sql(CountedMessagesSql), CancelSuppressedSql,
        .. database.Dialect.BulkWriteStatements(PreferredHourWrite), .. database.Dialect.BulkWriteStatements(QueueInsert),
    ];

    /// <summary>Active, unpaused contents whose validity overlaps <paramref name="from"/>–<paramref name="to"/>.</summary>
    internal async Task<List<ContentRow>> ReadContentsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ContentRow>(database.Command(ContentsSql, new { active = true, from, to }, cancellationToken));
        return rows.AsList();
    }

    /// <summary>Messages that already count towards <paramref name="day"/>'s limit (<paramref name="from"/>–<paramref name="to"/>: the day in the business's zone).</summary>
    internal async Task<long> CountPlannedAsync(DateOnly day, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(database.Command(PlannedForDaySql, new { day, from, to }, cancellationToken));
    }

    /// <summary>The next <paramref name="limit"/> people after contact <paramref name="after"/>, with their own row's consent.</summary>
    internal async Task<List<PlanPerson>> ReadPeopleAsync(long after, int limit, CancellationToken cancellationToken)
    {
        var people = new List<PlanPerson>(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var rows = await database.ReadRowsAsync(connection, PeopleSql, new Dictionary<string, object?> { ["after"] = after, ["limit"] = limit }, cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            var lastInteractionAt = rows.GetInstant(5);
            var person = new PlanPerson
            {
                ContactId = rows.GetInt64(0),
                Name = rows.GetString(1),
                Phone = rows.GetString(2)!,
                TimeZone = rows.GetString(3),
                PreferredHour = rows.IsNull(4) ? null : rows.GetInt32(4),
                LastInteractionAt = lastInteractionAt,
                Suppressed = rows.GetInt32(6) == 1,
            };
            if (rows.GetInt32(7) == 1)
            {
                var consent = new ConsentState(ConsentStatuses.Granted, rows.GetInstant(8), rows.GetInstant(9), rows.GetInstant(10));
                person.Consents.Add(new ConsentHolder(person.ContactId, lastInteractionAt, consent));
            }

            people.Add(person);
        }

        return people;
    }

    /// <summary>
    /// Fills in, for the people of one batch that may be messageable, the granted consents of their numbers' other rows,
    /// the signals of those rows (the latest interactions, purchases per category and the latest product, the messages,
    /// replies and reads of the lookback) and of their numbers (the messages that reach into the window; of those that went
    /// out before it, the night's contents among them and how many the person left unanswered): set-based queries, none of
    /// which reads a row no rule needs, and none whose rows grow with the years of history behind a person.
    /// </summary>
    /// <param name="after">The batch's keyset start (exclusive).</param>
    /// <param name="upto">The batch's last contact id.</param>
    /// <param name="candidates">People of the batch worth the signals (not suppressed); those without consent are dropped on the way.</param>
    /// <param name="windows">How far back the windowed signals reach.</param>
    /// <param name="contentIds">The night's contents (<see cref="NightPlanner.ContentIds"/>): novelty looks for these alone.</param>
    internal async Task<List<PlanPerson>> ReadSignalsAsync(
        long after, long upto, List<PlanPerson> candidates, PlanWindows windows, IReadOnlyList<long> contentIds,
        PhaseTimings timings, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var started = timings.Start();
        var byContact = new Dictionary<long, PlanPerson>(candidates.Count);
        foreach (var person in candidates)
        {
            byContact[person.ContactId] = person;
        }

        var holders = new Dictionary<long, (PlanPerson Person, ConsentHolder? Holder)>(candidates.Count);
        await using (var rows = await database.ReadRowsAsync(connection, DuplicateConsentsSql, new Dictionary<string, object?> { ["after"] = after, ["upto"] = upto }, cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                if (byContact.TryGetValue(rows.GetInt64(0), out var person) && string.Equals(person.Phone, rows.GetString(2), StringComparison.Ordinal))
                {
                    var consent = new ConsentState(ConsentStatuses.Granted, rows.GetInstant(4), rows.GetInstant(5), rows.GetInstant(6));
                    var holder = new ConsentHolder(rows.GetInt64(1), rows.GetInstant(3), consent);
                    person.Consents.Add(holder);
                    holders[holder.ContactId] = (person, holder);
                }
            }
        }

        started = timings.Add("signals_consents", started);
        var people = new List<PlanPerson>(candidates.Count);
        foreach (var person in candidates)
        {
            if (person.Consents.Count > 0)
            {
                people.Add(person);
                holders[person.ContactId] = (person, person.Consents[0].ContactId == person.ContactId ? person.Consents[0] : null);
            }
        }

        if (people.Count == 0)
        {
            return people;
        }

        var list = database.List(holders.Keys);
        var ids = new Dictionary<string, object?> { ["ids"] = list };
        await using (var rows = await database.ReadRowsAsync(connection, database.Sql(Latest), ids, cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                if (!holders.TryGetValue(rows.GetInt64(0), out var owner))
                {
                    continue;
                }

                var (message, reply) = (rows.GetInstant(1), rows.GetInstant(2));
                if (Later(Later(message, reply), Later(rows.GetInstant(3), rows.GetInstant(4))) is { } latest)
                {
                    SawActivity(owner, latest);
                }

                owner.Person.SawInbound(message);
                owner.Person.SawInbound(reply);
            }
        }

        started = timings.Add("signals_latest", started);
        await using (var rows = await database.ReadRowsAsync(connection, database.Sql(PurchasesSql), ids, cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                if (!holders.TryGetValue(rows.GetInt64(0), out var owner))
                {
                    continue;
                }

                var at = rows.GetInstant(2)!.Value;
                if (owner.Holder is { } buyer && (buyer.LastPurchaseAt is null || at > buyer.LastPurchaseAt))
                {
                    buyer.LastPurchaseAt = at;
                }

                // A purchase is an interaction too: the latest of any kind, for recency and consent freshness.
                SawActivity(owner, at);

                owner.Person.AddPurchases(rows.GetCode(1), 1, at);
                owner.Person.SawProduct(at, rows.GetCode(3));
            }
        }

        started = timings.Add("signals_purchases", started);
        await using (var rows = await database.ReadRowsAsync(connection, database.Sql(RecentSql), new Dictionary<string, object?> { ["ids"] = list, ["since"] = windows.RecentSince }, cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                if (holders.TryGetValue(rows.GetInt64(0), out var owner))
                {
                    owner.Person.AddRecent(rows.GetInstant(2)!.Value, rows.GetInt32(1) is 2 or 3);
                }
            }
        }

        started = timings.Add("signals_recent", started);
        var byNumber = new Dictionary<string, PlanPerson>(people.Count, StringComparer.Ordinal);
        foreach (var person in people)
        {
            byNumber.TryAdd(person.Phone, person);
        }

        // Before the window, only novelty and the unanswered streak count; only a person who has not written since the
        // window began can have an unanswered message from before it.
        var nightContents = contentIds.Count > 0 ? new HashSet<long>(contentIds) : null;
        // Compared as the stored instants are: whole milliseconds, as a bound parameter would have been.
        var since = new DateTimeOffset(UtcTimestampHandler.Truncate(windows.MessagesSince));
        await using (var rows = await database.ReadRowsAsync(connection, database.Sql(CountedMessagesSql), new Dictionary<string, object?> { ["numbers"] = database.List(byNumber.Keys) }, cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                if (!byNumber.TryGetValue(rows.GetString(0)!, out var person) || Queued(rows) is not { } message)
                {
                    continue;
                }

                if (message.ScheduledAt >= since || message.SentAt >= since)
                {
                    // Planned within the window, or planned earlier and sent within it (a retry, a slot another tool set long before).
                    person.AddMessage(message);
                    continue;
                }

                if (!message.WentOut)
                {
                    continue;
                }

                if (nightContents is not null && nightContents.Contains(message.ContentId))
                {
                    person.AddSentEarlier(message.ContentId);
                }

                if (person.LastInboundAt is not { } wrote || (wrote < since && message.At > wrote))
                {
                    person.UnansweredEarlier++;
                }
            }
        }

        timings.Add("signals_messages", started);
        return people;
    }

    /// <summary>The later of two instants, either of which may be missing.</summary>
    private static DateTimeOffset? Later(DateTimeOffset? first, DateTimeOffset? second) =>
        first is null || (second is not null && second > first) ? second : first;

    /// <summary>An interaction of one of a person's rows: the latest of any kind, of the row (its consent's freshness) and of the person.</summary>
    private static void SawActivity((PlanPerson Person, ConsentHolder? Holder) owner, DateTimeOffset at)
    {
        if (owner.Holder is { } holder && (holder.LastActivityAt is null || at > holder.LastActivityAt))
        {
            holder.LastActivityAt = at;
        }

        owner.Person.SawActivity(at);
    }

    /// <summary>A message row (number, content, <see cref="StatusCode"/>, planned, sent); null for one that never reached the person.</summary>
    private static QueuedMessage? Queued(RowReader rows)
    {
        var status = rows.GetInt32(2) switch
        {
            0 => null,
            1 => MessageStatuses.Queued,
            2 => MessageStatuses.Sending,
            3 => MessageStatuses.Sent,
            4 => MessageStatuses.Delivered,
            _ => MessageStatuses.Read,
        };
        return status is null ? null : new QueuedMessage(rows.GetInt64(1), status, rows.GetInstant(3)!.Value, rows.GetInstant(4));
    }

    /// <summary>Writes learned habitual hours (only rows whose value changes are passed in).</summary>
    internal Task<int> WritePreferredHoursAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        database.BulkWriteAsync(PreferredHourWrite, rows, cancellationToken);

    /// <summary>
    /// Inserts the night's messages in one transaction (rows in <see cref="QueueInsert"/> order), then cancels any whose
    /// number was suppressed meanwhile. Returns (inserted, cancelled). The unique key on (phone_e164, plan_day) refuses
    /// the whole insert if another planner queued one of these numbers for the day first.
    /// </summary>
    /// <remarks>
    /// A unit retried after a transient fault while its commit was not sent; one whose commit may have landed is not inserted
    /// again (the run fails, and the next finds those people planned).
    /// </remarks>
    internal Task<(int Inserted, int Cancelled)> InsertPlanAsync(IReadOnlyList<object?[]> rows, DateOnly day, DateTimeOffset now, CancellationToken cancellationToken) =>
        rows.Count == 0
            ? Task.FromResult((0, 0))
            : database.RunUnitAsync("plan-messages insert", (attempt, token) => InsertPlanOnceAsync(attempt, rows, day, now, token), cancellationToken);

    private async Task<(int Inserted, int Cancelled)> InsertPlanOnceAsync(
        UnitAttempt attempt, IReadOnlyList<object?[]> rows, DateOnly day, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await database.Dialect.BulkWriteAsync(connection, transaction, QueueInsert, rows, cancellationToken);
        var cancelled = await connection.ExecuteAsync(database.Command(CancelSuppressedSql, new { day, now }, cancellationToken, transaction));
        Hosting.Failpoints.Hit("plan.before_commit");
        await attempt.CommitAsync(transaction, cancellationToken);
        Hosting.Failpoints.Hit("plan.after_commit");
        return (inserted, cancelled);
    }

    internal sealed class ContentRow
    {
        public long ContentId { get; set; }

        public string Name { get; set; } = "";

        public string? Category { get; set; }

        public string? Body { get; set; }

        public int Priority { get; set; }

        public DateTimeOffset? StartsAt { get; set; }

        public DateTimeOffset? EndsAt { get; set; }
    }
}
