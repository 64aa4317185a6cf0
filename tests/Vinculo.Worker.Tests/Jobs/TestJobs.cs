using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Hosting;

namespace Vinculo.Jobs;

/// <summary>
/// Jobs that exist only in the tests, to prove the job machinery (runner, job_runs, leases,
/// scheduler, command line) before any product job is built.
/// </summary>
public static class TestJobs
{
    public const string Record = "test-record";
    public const string Fail = "test-fail";
    public const string Block = "test-block";

    /// <summary>Registers the three test jobs and the probe they report to.</summary>
    public static Action<HostApplicationBuilder> Register(JobProbe probe, string? blockCron = null) => builder =>
    {
        builder.Services.AddSingleton(probe);
        builder.Services.AddVinculoJob<RecordingJob>(Record, "0 0 2 * * ?", "Records what it was asked to do.");
        builder.Services.AddVinculoJob<FailingJob>(Fail, "0 0 2 * * ?", "Always throws.");
        builder.Services.AddVinculoJob<BlockingJob>(Block, blockCron ?? "0 0 2 * * ?", "Runs until released or interrupted.");
    };
}

/// <summary>What the test jobs saw, and a way to hold the blocking one.</summary>
public sealed class JobProbe
{
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];
    private int blockStarts;

    public List<JobRunContext> Recorded { get; } = [];

    public TaskCompletionSource FirstBlockStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource BlockEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource RecordedOnce { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int BlockStarts => Volatile.Read(ref blockStarts);

    /// <summary>Completes once the recording job has run <paramref name="count"/> times in all.</summary>
    public Task RecordedCount(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Recorded)
        {
            if (Recorded.Count >= count)
            {
                reached.TrySetResult();
            }
            else
            {
                waiters.Add((count, reached));
            }
        }

        return reached.Task;
    }

    internal void OnRecorded(JobRunContext context)
    {
        lock (Recorded)
        {
            Recorded.Add(context);
            foreach (var waiter in waiters.Where(w => Recorded.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                waiters.Remove(waiter);
            }
        }

        RecordedOnce.TrySetResult();
    }

    public bool BlockWasCancelled { get; set; }

    public void Release() => release.TrySetResult();

    internal async Task BlockAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref blockStarts);
        FirstBlockStarted.TrySetResult();
        try
        {
            await release.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            BlockWasCancelled = true;
            throw;
        }
        finally
        {
            BlockEnded.TrySetResult();
        }
    }
}

internal sealed class RecordingJob(JobProbe probe) : IVinculoJob
{
    public static readonly ProgressStep Recording = new("recording", "rows", "gravando", "linhas");

    public Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        context.Progress.Report(Recording, 3, 3);
        probe.OnRecorded(context);

        return Task.FromResult(new JobResult(3, 1, new Dictionary<string, object?> { ["now"] = context.Now.ToString("o"), ["kind"] = "test" }));
    }
}

internal sealed class FailingJob : IVinculoJob
{
    public Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the test job failed on purpose");
}

internal sealed class BlockingJob(JobProbe probe) : IVinculoJob
{
    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        await probe.BlockAsync(cancellationToken);
        return new JobResult(1, 0);
    }
}
