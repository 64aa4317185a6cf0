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
    ILogger<JobRunner> logger)
{
    private readonly Dictionary<string, JobDefinition> jobs = definitions.ToDictionary(d => d.Key, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Task> inFlight = new();

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

        await using var lease = await database.Dialect.TryAcquireLeaseAsync(database, LeaseName(jobKey), cancellationToken);
        if (lease is null)
        {
            Log.JobAlreadyRunning(logger, jobKey);
            return JobRunOutcome.AlreadyRunning(jobKey);
        }

        var startedAt = timeProvider.GetUtcNow();
        var abandoned = await runs.CloseAbandonedAsync(jobKey, startedAt, cancellationToken);
        if (abandoned > 0)
        {
            Log.AbandonedRunsClosed(logger, jobKey, abandoned);
        }

        var node = scheduler.Value.Node;
        var runId = await runs.StartAsync(jobKey, node, startedAt, cancellationToken);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        inFlight[runId] = done.Task;
        Log.JobStarted(logger, jobKey, runId, startedAt);
        try
        {
            JobResult result;
            string? error = null;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var job = (IVinculoJob)scope.ServiceProvider.GetRequiredService(definition.JobType);
                result = await job.RunAsync(new JobRunContext(jobKey, runId, startedAt, node), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = JobResult.Nothing;
                error = "interrupted: the worker was asked to stop before the job finished";
            }
            catch (Exception e)
            {
                result = JobResult.Nothing;
                error = $"{e.GetType().Name}: {e.Message}";
                Log.JobFailed(logger, e, jobKey, runId);
            }

            var finishedAt = timeProvider.GetUtcNow();
            try
            {
                await runs.FinishAsync(runId, finishedAt, result, error, CancellationToken.None);
            }
            catch (Exception e) when (e is DatabaseUnavailableException or System.Data.Common.DbException)
            {
                // The row stays 'running'; the next run of this job closes it as abandoned.
                Log.RunNotRecorded(logger, e, jobKey, runId);
            }

            Log.JobFinished(logger, jobKey, runId, error is null ? "succeeded" : "failed", result.Scanned, result.Changed, finishedAt - startedAt);
            return error is null ? JobRunOutcome.Succeeded(jobKey, runId, result) : JobRunOutcome.Failed(jobKey, runId, error);
        }
        finally
        {
            inFlight.TryRemove(runId, out _);
            done.SetResult();
        }
    }

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

    public static JobRunOutcome Failed(string jobKey, long runId, string error) => new(jobKey, JobRunStatus.Failed, runId, null, error);

    public static JobRunOutcome AlreadyRunning(string jobKey) =>
        new(jobKey, JobRunStatus.AlreadyRunning, null, null, "another run of this job is in progress");
}
