using Quartz;

namespace Vinculo.Jobs;

/// <summary>
/// The one Quartz job class: each Vinculo job is a durable Quartz job whose key is the SPEC job key.
/// Quartz keeps a job from overlapping itself on one node; <see cref="JobRunner"/>'s database lease
/// does so across nodes, even when Quartz wrongly declares a slow node dead.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class QuartzJob(JobRunner runner) : IJob
{
    public const string Group = "vinculo";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);

        // Failures are recorded in job_runs by the runner; Quartz is not asked to refire.
        await runner.RunAsync(context.JobDetail.Key.Name, linked.Token);
    }
}
