using Microsoft.Extensions.Logging;
using Quartz;

namespace Vinculo.Jobs;

/// <summary>
/// The one Quartz job class: each Vinculo job is a durable Quartz job whose key is the SPEC job key.
/// Quartz keeps a job from overlapping itself on one node; <see cref="JobRunner"/>'s database lease
/// does so across nodes, even when Quartz wrongly declares a slow node dead.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class QuartzJob(JobRunner runner, ILogger<QuartzJob> logger) : IJob
{
    public const string Group = "vinculo";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);

        // Failures are recorded in job_runs by the runner. Quartz hears of one only where the trigger's retry policy
        // (nightly jobs, SchedulerSetup.RetryPolicyFor) makes something of it: it then fires the trigger again later,
        // and that retry is a run like any other. A run refused because another held the lease is not a failure.
        var jobKey = context.JobDetail.Key.Name;
        var outcome = await runner.RunAsync(jobKey, linked.Token);
        if (outcome.Status != JobRunStatus.Failed || context.RetryPolicy is not { } retry)
        {
            return;
        }

        var attempt = context.RetryAttempt + 1;
        if (attempt <= retry.MaxAttempts)
        {
            RetryDue(logger, jobKey, attempt, retry.MaxAttempts, retry.DelayFor(attempt));
        }
        else
        {
            RetriesSpent(logger, jobKey, retry.MaxAttempts);
        }

        throw new JobExecutionException(outcome.Error ?? "failed") { RefireImmediately = false };
    }

    [LoggerMessage(3010, LogLevel.Warning, "Job {JobKey} will be run again in {Delay} (retry {Attempt} of {MaxAttempts}), unless its next scheduled fire comes first")]
    private static partial void RetryDue(ILogger logger, string jobKey, int attempt, int maxAttempts, TimeSpan delay);

    [LoggerMessage(3011, LogLevel.Warning, "Job {JobKey} failed again after {MaxAttempts} retries; it runs next at its next scheduled fire")]
    private static partial void RetriesSpent(ILogger logger, string jobKey, int maxAttempts);
}
