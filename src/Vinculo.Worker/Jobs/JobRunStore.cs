using System.Data.Common;
using System.Text.Json;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Jobs;

/// <summary>The <c>job_runs</c> table: one row per execution, from <c>running</c> to <c>succeeded</c> or <c>failed</c>.</summary>
public sealed class JobRunStore(Database database) : ISqlStatements
{
    public const string AbandonedError = "abandoned: the process running this job stopped before it finished";

    private const string CloseAbandonedSql =
        "UPDATE job_runs SET status = 'failed', finished_at = @now, error = @error WHERE job_key = @jobKey AND status = 'running'";

    private const string FinishSql =
        "UPDATE job_runs SET status = @status, finished_at = @finishedAt, scanned = @scanned, changed = @changed, error = @error, detail = @detail " +
        "WHERE run_id = @runId";

    /// <summary>Rows deleted per statement by <see cref="PruneAsync"/>: below SQL Server's lock escalation (5,000 locks), one short transaction each.</summary>
    public const int PruneBatchSize = 4_000;

    private const string JobKeysSql = "SELECT DISTINCT job_key FROM job_runs";

    private string StartSql => database.Dialect.InsertReturningKey(
        "job_runs", "job_key, node, started_at, status, scanned, changed", "@jobKey, @node, @startedAt, 'running', 0, 0", "run_id");

    /// <summary>A job's latest run with a status, in the order <c>report</c> and <c>health</c> read them (backwards along the (job_key, started_at) index).</summary>
    private string LatestWithStatusSql =>
        $"SELECT {database.Dialect.Top("@limit")} run_id FROM job_runs WHERE job_key = @jobKey AND status = @status " +
        $"ORDER BY started_at DESC, run_id DESC {database.Dialect.Limit("@limit")}";

    /// <summary>One batch of one job's finished runs started before <c>@before</c>, oldest first along the (job_key, started_at) index.</summary>
    private string PruneSql =>
        $"DELETE FROM job_runs WHERE run_id IN (SELECT {database.Dialect.Top("@limit")} run_id FROM job_runs " +
        "WHERE job_key = @jobKey AND started_at < @before AND status <> 'running' AND run_id <> @lastSucceeded AND run_id <> @lastFailed " +
        $"ORDER BY started_at {database.Dialect.Limit("@limit")})";

    /// <summary>
    /// The start of a job's latest succeeded run (by run id), with the earliest start of the runs after it: a run that
    /// failed, one still running, this one.
    /// </summary>
    private const string LastSucceededSql =
        "SELECT s.started_at AS StartedAt, (SELECT MIN(r.started_at) FROM job_runs r WHERE r.job_key = s.job_key AND r.run_id > s.run_id) AS EarliestAfter " +
        "FROM job_runs s WHERE s.run_id = (SELECT MAX(run_id) FROM job_runs WHERE job_key = @jobKey AND status = 'succeeded')";

    public IEnumerable<string> Statements => [CloseAbandonedSql, FinishSql, StartSql, JobKeysSql, LatestWithStatusSql, PruneSql, LastSucceededSql];

    /// <summary>
    /// The instant a job's latest succeeded run worked as of (its <c>started_at</c>, which is the run's "now"), when every
    /// run recorded after it started later; null when the job never succeeded, or a later run started at or before that
    /// instant (a clock set back, or <c>--now</c> in the past): then nothing can be told from check times.
    /// </summary>
    public async Task<DateTimeOffset?> LastSucceededStartAsync(string jobKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var last = await connection.QueryFirstOrDefaultAsync<LastSucceeded>(database.Command(LastSucceededSql, new { jobKey }, cancellationToken));
        return last is null || (last.EarliestAfter is { } after && after <= last.StartedAt) ? null : last.StartedAt;
    }

    private sealed class LastSucceeded
    {
        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? EarliestAfter { get; set; }
    }

    /// <summary>Closes rows left <c>running</c> by a process that died. Only call while holding the job's lease.</summary>
    public async Task<int> CloseAbandonedAsync(string jobKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Command(CloseAbandonedSql, new { jobKey, now, error = AbandonedError }, cancellationToken));
    }

    /// <summary>
    /// The run's row, <c>running</c>. Retried after a transient fault: a row whose insert landed unseen stays <c>running</c>
    /// until the job's next run closes it as abandoned.
    /// </summary>
    public Task<long> StartAsync(string jobKey, string node, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        database.RunUnitAsync(
            "job_runs start",
            async token =>
            {
                await using var connection = await database.OpenAsync(token);
                return await connection.ExecuteScalarAsync<long>(database.Command(StartSql, new { jobKey, node, startedAt }, token));
            },
            cancellationToken);

    /// <summary>
    /// Deletes finished runs started before <paramref name="before"/>, in batches of <paramref name="batchSize"/>. Never a
    /// <c>running</c> row, and never a job's latest succeeded or latest failed run, however old: with the running rows, they
    /// are every row <c>report</c> and <c>health</c> read (latest run, latest finished, latest success, latest failure).
    /// Returns how many rows went.
    /// </summary>
    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken, int batchSize = PruneBatchSize)
    {
        List<string> jobKeys;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            jobKeys = (await connection.QueryAsync<string>(database.Command(JobKeysSql, null, cancellationToken))).AsList();
        }

        long deleted = 0;
        foreach (var jobKey in jobKeys)
        {
            long lastSucceeded, lastFailed;
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                lastSucceeded = await LatestWithStatusAsync(connection, jobKey, "succeeded", cancellationToken);
                lastFailed = await LatestWithStatusAsync(connection, jobKey, "failed", cancellationToken);
            }

            int batch;
            do
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                batch = await connection.ExecuteAsync(database.Command(
                    PruneSql, new { jobKey, before, lastSucceeded, lastFailed, limit = batchSize }, cancellationToken));
                deleted += batch;
            }
            while (batch == batchSize);
        }

        return deleted;
    }

    /// <summary>The run id, or 0 (no row has it) when the job never ended that way.</summary>
    private async Task<long> LatestWithStatusAsync(DbConnection connection, string jobKey, string status, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(database.Command(LatestWithStatusSql, new { jobKey, status, limit = 1 }, cancellationToken)) ?? 0;

    /// <summary>Records how a run ended (a write of values, retried after a transient fault).</summary>
    public Task FinishAsync(long runId, DateTimeOffset finishedAt, JobResult result, string? error, CancellationToken cancellationToken) =>
        database.RunUnitAsync("job_runs finish", token => FinishOnceAsync(runId, finishedAt, result, error, token), cancellationToken);

    private async Task<int> FinishOnceAsync(long runId, DateTimeOffset finishedAt, JobResult result, string? error, CancellationToken cancellationToken)
    {
        var detail = result.Detail is null ? null : JsonSerializer.Serialize(result.Detail);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Command(
            FinishSql,
            new
            {
                runId,
                status = error is null ? "succeeded" : "failed",
                finishedAt,
                scanned = result.Scanned,
                changed = result.Changed,
                error,
                detail,
            },
            cancellationToken));
    }
}
