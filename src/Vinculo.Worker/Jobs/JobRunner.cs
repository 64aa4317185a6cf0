using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Jobs;

/// <summary>
/// Runs one job once, whoever asks (the scheduler or the command line): takes the job's database
/// lease so it never runs twice at the same time on any node, closes rows a dead process left
/// <c>running</c>, and records the run in <c>job_runs</c> whatever happens.
/// </summary>
public sealed class JobRunner(
    IServiceScopeFactory scopes,
    IEnumerable<JobDefinition> definitions,
    Database database,
    JobRunStore runs,
    TimeProvider timeProvider,
    IOptions<SchedulerOptions> scheduler,
    ProgressFeed progressFeed,
    ILogger<JobRunner> logger)
{
    private readonly Dictionary<string, JobDefinition> jobs = definitions.ToDictionary(d => d.Key, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Task> inFlight = new();

    /// <summary>Ends of runs the database was not there to record, written by the next run this process starts.</summary>
    private readonly ConcurrentDictionary<long, UnrecordedEnd> unrecorded = new();
    private long attempts;

    public IReadOnlyCollection<JobDefinition> Jobs => jobs.Values;

    /// <summary>Runs in progress in this process, for a graceful shutdown to wait on.</summary>
    public IReadOnlyCollection<Task> InFlight => inFlight.Values.ToList();

    public bool IsKnown(string jobKey) => jobs.ContainsKey(jobKey);

    public static string LeaseName(string jobKey) => "job-" + jobKey;

    public async Task<JobRunOutcome> RunAsync(string jobKey, CancellationToken cancellationToken)
    {
        if (!jobs.TryGetValue(jobKey, out var definition))
        {
            throw new ArgumentException($"Unknown job key '{jobKey}'.", nameof(jobKey));
        }

        // Counted from the first moment, so a graceful shutdown also waits for a run that is still taking its lease.
        var attempt = Interlocked.Increment(ref attempts);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        inFlight[attempt] = done.Task;
        try
        {
            return await RunLeasedAsync(jobKey, definition, cancellationToken);
        }
        finally
        {
            inFlight.TryRemove(attempt, out _);
            done.SetResult();
        }
    }

    private async Task<JobRunOutcome> RunLeasedAsync(string jobKey, JobDefinition definition, CancellationToken cancellationToken)
    {
        await using var lease = await database.Dialect.TryAcquireLeaseAsync(database, LeaseName(jobKey), cancellationToken);
        if (lease is null)
        {
            Log.JobAlreadyRunning(logger, jobKey);
            VinculoMetrics.RecordRun(jobKey, JobRunStatus.AlreadyRunning, null, null);
            return JobRunOutcome.AlreadyRunning(jobKey);
        }

        await RecordEarlierEndsAsync(cancellationToken);
        var startedAt = timeProvider.GetUtcNow();
        var abandoned = await runs.CloseAbandonedAsync(jobKey, startedAt, cancellationToken);
        if (abandoned > 0)
        {
            Log.AbandonedRunsClosed(logger, jobKey, abandoned);
        }

        var node = scheduler.Value.Node;
        var runId = await runs.StartAsync(jobKey, node, startedAt, cancellationToken);
        Log.JobStarted(logger, jobKey, runId, startedAt);
        Failpoints.Hit("job.after_start");
        using var progress = progressFeed.Begin(jobKey);

        // A lease the engine dropped (a dead session) stops the job: it must not go on unprotected.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        JobResult result;
        string? error = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var job = (IVinculoJob)scope.ServiceProvider.GetRequiredService(definition.JobType);
            result = await job.RunAsync(new JobRunContext(jobKey, runId, startedAt, node) { Progress = progress }, stop.Token);
            if (result.Failure is { } failure)
            {
                error = failure;
                Log.JobFailed(logger, jobKey, runId, error);
            }
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            result = JobResult.Nothing;
            error = "interrupted: the database dropped this run's lease (its session ended)";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = JobResult.Nothing;
            error = "interrupted: the worker was asked to stop before the job finished";
        }
        catch (Exception e)
        {
            result = JobResult.Nothing;
            error = ErrorText.Describe(e);
            Log.JobFailed(logger, jobKey, runId, error);
            Log.JobFailedDetail(logger, e, jobKey, runId);
        }

        var finishedAt = timeProvider.GetUtcNow();
        try
        {
            Failpoints.Hit("job.before_finish");
            await runs.FinishAsync(runId, finishedAt, result, error, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database stayed away past the retries: the row stays 'running' until the next run this process starts
            // writes this end (or, if this process dies first, the job's next run anywhere closes it as abandoned).
            unrecorded[runId] = new UnrecordedEnd(jobKey, runId, finishedAt, result, error ?? "");
            Log.RunNotRecorded(logger, e, jobKey, runId);
        }

        if (error is null)
        {
            await RefreshStatisticsAsync(jobKey);
        }

        Log.JobFinished(logger, jobKey, runId, error is null ? "succeeded" : "failed", result.Scanned, result.Changed, finishedAt - startedAt);
        VinculoMetrics.RecordRun(jobKey, error is null ? JobRunStatus.Succeeded : JobRunStatus.Failed, finishedAt - startedAt, result);
        return error is null ? JobRunOutcome.Succeeded(jobKey, runId, result) : JobRunOutcome.Failed(jobKey, runId, error, result.Failure is null ? null : result);
    }

    /// <summary>
    /// The engine's routine upkeep of statistics (<see cref="SqlDialect.RoutineStatisticsSql"/>), after a run that succeeded
    /// (one that failed may have failed for want of the database): the run may have grown a table (an import) that the next
    /// reads must plan for. Never fails the run.
    /// </summary>
    private async Task RefreshStatisticsAsync(string jobKey)
    {
        if (database.Dialect.RoutineStatisticsSql is not { } sql)
        {
            return;
        }

        try
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await Dapper.SqlMapper.ExecuteAsync(connection, database.Command(sql, null, CancellationToken.None));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.StatisticsNotRefreshed(logger, e, jobKey);
        }
    }

    /// <summary>Writes the ends of earlier runs the database was not there to record; those it still cannot write wait again.</summary>
    private async Task RecordEarlierEndsAsync(CancellationToken cancellationToken)
    {
        foreach (var end in unrecorded.Values.OrderBy(e => e.RunId))
        {
            await runs.FinishAsync(end.RunId, end.FinishedAt, end.Result, end.Error.Length == 0 ? null : end.Error, cancellationToken);
            unrecorded.TryRemove(end.RunId, out _);
            Log.RunRecordedLate(logger, end.JobKey, end.RunId);
        }
    }

    private sealed record UnrecordedEnd(string JobKey, long RunId, DateTimeOffset FinishedAt, JobResult Result, string Error);

    /// <summary>At start-up: closes every run that a crashed process left <c>running</c>, for jobs nobody is running now.</summary>
    public async Task CloseAbandonedRunsAsync(CancellationToken cancellationToken)
    {
        foreach (var jobKey in jobs.Keys)
        {
            await using var lease = await database.Dialect.TryAcquireLeaseAsync(database, LeaseName(jobKey), cancellationToken);
            if (lease is null)
            {
                continue;
            }

            var closed = await runs.CloseAbandonedAsync(jobKey, timeProvider.GetUtcNow(), cancellationToken);
            if (closed > 0)
            {
                Log.AbandonedRunsClosed(logger, jobKey, closed);
            }
        }
    }
}

public enum JobRunStatus
{
    Succeeded,
    Failed,
    AlreadyRunning,
}

public sealed record JobRunOutcome(string JobKey, JobRunStatus Status, long? RunId, JobResult? Result, string? Error)
{
    public static JobRunOutcome Succeeded(string jobKey, long runId, JobResult result) => new(jobKey, JobRunStatus.Succeeded, runId, result, null);

    /// <param name="result">The counters of a run that reported its own failure (<see cref="JobResult.Failure"/>).</param>
    public static JobRunOutcome Failed(string jobKey, long runId, string error, JobResult? result = null) => new(jobKey, JobRunStatus.Failed, runId, result, error);

    public static JobRunOutcome AlreadyRunning(string jobKey) =>
        new(jobKey, JobRunStatus.AlreadyRunning, null, null, "another run of this job is in progress");
}
