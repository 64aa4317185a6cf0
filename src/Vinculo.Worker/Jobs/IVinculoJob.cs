namespace Vinculo.Jobs;

/// <summary>
/// One of Vinculo's jobs. It is handed "now" (never reads the clock), does its work, and returns its
/// counters; <see cref="JobRunner"/> records the run in <c>job_runs</c> and keeps it from running twice at once.
/// </summary>
public interface IVinculoJob
{
    Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken);
}

/// <param name="JobKey">The job's SPEC key.</param>
/// <param name="RunId">Its <c>job_runs</c> row.</param>
/// <param name="Now">The instant the run works as of: the clock, or <c>--now</c>.</param>
/// <param name="Node">This worker's node name.</param>
public sealed record JobRunContext(string JobKey, long RunId, DateTimeOffset Now, string Node)
{
    /// <summary>Where the job reports its steps, once per batch (<see cref="JobProgress.None"/> when nobody follows the run).</summary>
    public JobProgress Progress { get; init; } = JobProgress.None;
}

/// <summary>What a run did: rows looked at, rows changed, and anything else worth keeping (stored as <c>job_runs.detail</c> JSON).</summary>
/// <param name="Failure">
/// Set when the run did part of its work and then could not go on for a reason a person must see (dispatching halted by
/// Meta): the run is recorded <c>failed</c> with this error, and its counters are kept.
/// </param>
public sealed record JobResult(long Scanned, long Changed, IReadOnlyDictionary<string, object?>? Detail = null, string? Failure = null)
{
    public static readonly JobResult Nothing = new(0, 0);
}
