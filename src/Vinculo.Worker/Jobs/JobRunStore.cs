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

    private string StartSql => database.Dialect.InsertReturningKey(
        "job_runs", "job_key, node, started_at, status, scanned, changed", "@jobKey, @node, @startedAt, 'running', 0, 0", "run_id");

    public IEnumerable<string> Statements => [CloseAbandonedSql, FinishSql, StartSql];

    /// <summary>Closes rows left <c>running</c> by a process that died. Only call while holding the job's lease.</summary>
    public async Task<int> CloseAbandonedAsync(string jobKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Command(CloseAbandonedSql, new { jobKey, now, error = AbandonedError }, cancellationToken));
    }

    public async Task<long> StartAsync(string jobKey, string node, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(database.Command(StartSql, new { jobKey, node, startedAt }, cancellationToken));
    }

    public async Task FinishAsync(long runId, DateTimeOffset finishedAt, JobResult result, string? error, CancellationToken cancellationToken)
    {
        var detail = result.Detail is null ? null : JsonSerializer.Serialize(result.Detail);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(database.Command(
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
