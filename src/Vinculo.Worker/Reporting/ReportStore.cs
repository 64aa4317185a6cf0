using System.Data.Common;
using System.Globalization;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Reporting;

/// <summary>
/// The SQL of <c>report</c> and <c>health</c>: aggregates read from the dashboard views (so the report and a BI tool
/// agree) and from <c>message_queue</c>, <c>suppression_list</c> and <c>job_runs</c>. Every window is computed by the
/// caller and passed in; nothing reads the database clock.
/// </summary>
public sealed class ReportStore(Database database) : ISqlStatements
{
    private const string ContactHealthSql =
        "SELECT phone_status AS PhoneStatus, contacts AS Contacts, consent_granted AS ConsentGranted, suppressed AS Suppressed FROM v_contact_health";

    private const string ConsentSql = "SELECT consent_status AS ConsentStatus, source AS Source, contacts AS Contacts FROM v_consent_summary";

    private const string SuppressionSql = "SELECT reason AS Reason, COUNT(*) AS Numbers FROM suppression_list GROUP BY reason ORDER BY reason";

    /// <remarks>The sums are cast back to bigint: PostgreSQL's SUM of a bigint is numeric.</remarks>
    private const string PlanSql =
        "SELECT send_day AS SendDay, CAST(SUM(messages) AS bigint) AS Messages, CAST(SUM(queued) AS bigint) AS Queued, " +
        "MIN(first_scheduled_at) AS FirstScheduledAt, MAX(last_scheduled_at) AS LastScheduledAt " +
        "FROM v_plan_by_day WHERE send_day >= @today GROUP BY send_day ORDER BY send_day";

    private const string MessagesSql = "SELECT status AS Status, sent_as AS SentAs, COUNT(*) AS Messages FROM message_queue GROUP BY status, sent_as";

    private const string MessagesBetweenSql =
        "SELECT status AS Status, sent_as AS SentAs, COUNT(*) AS Messages FROM message_queue " +
        "WHERE scheduled_at >= @since AND scheduled_at <= @now GROUP BY status, sent_as";

    /// <summary>The same recipients <c>content list</c> counts opt-outs among: messages that went out, people not erased.</summary>
    private const string RecipientsSql =
        "SELECT content_id AS ContentId, COUNT(DISTINCT phone_e164) AS Recipients FROM message_queue " +
        "WHERE sent_at IS NOT NULL AND phone_e164 <> 'erased' GROUP BY content_id";

    private const string FirstRunSql = "SELECT MIN(started_at) FROM job_runs";

    private const string RunColumns =
        "run_id AS RunId, job_key AS JobKey, node AS Node, status AS Status, started_at AS StartedAt, finished_at AS FinishedAt, error AS Error";

    public IEnumerable<string> Statements =>
        new[]
        {
            ContactHealthSql, ConsentSql, SuppressionSql, PlanSql, MessagesSql, MessagesBetweenSql, RecipientsSql,
            LatestRunSql(""), LatestRunSql(" AND status = @status"), LatestRunSql(" AND status <> 'running'"), FirstRunSql,
        }.Select(database.Sql);

    /// <summary>A connection for several reads in a row.</summary>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    public async Task<List<PhoneStatusRow>> ContactHealthAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PhoneStatusRow>(database.Command(ContactHealthSql, null, cancellationToken))).AsList();

    public async Task<List<ConsentRow>> ConsentAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ConsentRow>(database.Command(ConsentSql, null, cancellationToken))).AsList();

    public async Task<List<SuppressionReason>> SuppressionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<SuppressionRow>(database.Command(SuppressionSql, null, cancellationToken)))
            .Select(r => new SuppressionReason(r.Reason, r.Numbers))
            .ToList();

    /// <summary>Each send day from <paramref name="today"/> on, with its messages and its first and last slot.</summary>
    public async Task<List<PlannedDay>> PlanAsync(DbConnection connection, DateOnly today, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PlanRow>(database.Command(PlanSql, new { today }, cancellationToken)))
            .Select(r => new PlannedDay(Day(r.SendDay), r.Messages ?? 0, r.Queued ?? 0, r.FirstScheduledAt, r.LastScheduledAt))
            .ToList();

    /// <summary>Messages per status and <c>sent_as</c>: all of them, or those whose slot lies in [<paramref name="since"/>, <paramref name="now"/>].</summary>
    public async Task<List<MessageRow>> MessagesAsync(DbConnection connection, DateTimeOffset? since, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<MessageRow>(since is { } from
            ? database.Command(MessagesBetweenSql, new { since = from, now }, cancellationToken)
            : database.Command(MessagesSql, null, cancellationToken))).AsList();

    public async Task<Dictionary<long, long>> RecipientsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<RecipientsRow>(database.Command(RecipientsSql, null, cancellationToken)))
            .ToDictionary(r => r.ContentId, r => r.Recipients);

    /// <summary>When the first run still on record, of any job, started: roughly when the scheduler first ran here. Null when none has.</summary>
    public async Task<DateTimeOffset?> FirstRunStartedAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<DateTimeOffset?>(database.Command(FirstRunSql, null, cancellationToken));

    /// <summary>The job's latest run whatever its status (a run in progress included).</summary>
    public Task<JobRunRow?> LatestRunAsync(DbConnection connection, string jobKey, CancellationToken cancellationToken) =>
        LatestAsync(connection, LatestRunSql(""), new { jobKey, limit = 1 }, cancellationToken);

    /// <summary>The job's latest run with this status (<c>succeeded</c> or <c>failed</c>).</summary>
    public Task<JobRunRow?> LatestRunAsync(DbConnection connection, string jobKey, string status, CancellationToken cancellationToken) =>
        LatestAsync(connection, LatestRunSql(" AND status = @status"), new { jobKey, status, limit = 1 }, cancellationToken);

    /// <summary>The job's latest run that has ended, well or badly.</summary>
    public Task<JobRunRow?> LatestFinishedRunAsync(DbConnection connection, string jobKey, CancellationToken cancellationToken) =>
        LatestAsync(connection, LatestRunSql(" AND status <> 'running'"), new { jobKey, limit = 1 }, cancellationToken);

    private async Task<JobRunRow?> LatestAsync(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<JobRunRow>(database.Command(database.Sql(sql), parameters, cancellationToken));

    /// <summary>
    /// The latest row of one job (read backwards along <c>ix_job_runs_job_key_started_at</c>, so a job that runs every
    /// minute for years costs no more than one that ran once).
    /// </summary>
    private string LatestRunSql(string condition) =>
        $"SELECT {database.Dialect.Top("@limit")} {RunColumns} FROM job_runs WHERE job_key = @jobKey{condition} " +
        $"ORDER BY started_at DESC, run_id DESC {database.Dialect.Limit("@limit")}";

    /// <summary>A send day as each engine hands it back: text on SQLite, a date elsewhere.</summary>
    private static DateOnly Day(object value) => value switch
    {
        DateOnly day => day,
        DateTime dateTime => DateOnly.FromDateTime(dateTime),
        DateTimeOffset instant => DateOnly.FromDateTime(instant.UtcDateTime),
        string text => DateOnly.ParseExact(text[..Math.Min(text.Length, 10)], "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => throw new InvalidCastException($"Cannot read a send day from a {value.GetType().Name}."),
    };

    private sealed class SuppressionRow
    {
        public string Reason { get; set; } = "";

        public long Numbers { get; set; }
    }

    private sealed class PlanRow
    {
        public object SendDay { get; set; } = "";

        public long? Messages { get; set; }

        public long? Queued { get; set; }

        public DateTimeOffset? FirstScheduledAt { get; set; }

        public DateTimeOffset? LastScheduledAt { get; set; }
    }

    private sealed class RecipientsRow
    {
        public long ContentId { get; set; }

        public long Recipients { get; set; }
    }
}


public sealed class PhoneStatusRow
{
    public string PhoneStatus { get; set; } = "";

    public long Contacts { get; set; }

    public long? ConsentGranted { get; set; }

    public long? Suppressed { get; set; }
}

/// <summary>One row of <c>v_consent_summary</c>: <c>none</c> (with no source) counts contacts without a consents row.</summary>
public sealed class ConsentRow
{
    public string ConsentStatus { get; set; } = "";

    public string? Source { get; set; }

    public long Contacts { get; set; }
}

public sealed class MessageRow
{
    public string Status { get; set; } = "";

    public string? SentAs { get; set; }

    public long Messages { get; set; }
}

/// <summary>One row of <c>job_runs</c>, without its counters and detail.</summary>
public sealed class JobRunRow
{
    public long RunId { get; set; }

    public string JobKey { get; set; } = "";

    public string Node { get; set; } = "";

    public string Status { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Error { get; set; }
}
