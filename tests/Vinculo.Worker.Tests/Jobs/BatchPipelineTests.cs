using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Vinculo.Hosting;

namespace Vinculo.Jobs;

/// <summary>
/// The stage helper the batch jobs share: order, bounded buffers, failures and cancellation, and the phase timings it
/// records for <c>job_runs.detail</c> and for the <c>vinculo.job.phase.duration</c> histogram.
/// </summary>
public sealed class BatchPipelineTests
{
    /// <summary>A guard against a pipeline that hangs: the test fails instead of waiting forever.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Batches_ReachTheWriter_InTheOrderTheSourceGaveThem(int buffer)
    {
        var written = new List<int>();

        await new BatchPipeline(buffer)
            .Read(token => CountAsync(500, token))
            .Then(async (n, _) =>
            {
                // Steps that finish on other threads still hand their batches on in order.
                await Task.Yield();
                return n * 2;
            })
            .Then(n => n + 1)
            .WriteAsync(Into(written.Add), CancellationToken.None)
            .WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 500).Select(n => (n * 2) + 1), written);
    }

    [Fact]
    public async Task Completed_RunsOnceAfterTheLastBatch()
    {
        var events = new List<string>();

        await new BatchPipeline(2)
            .Read(Enumerable.Range(0, 3))
            .WriteAsync(
                (n, _) =>
                {
                    events.Add($"write {n}");
                    return ValueTask.CompletedTask;
                },
                CancellationToken.None,
                completed: _ =>
                {
                    events.Add("completed");
                    return ValueTask.CompletedTask;
                })
            .WaitAsync(Patience);

        Assert.Equal(["write 0", "write 1", "write 2", "completed"], events);
    }

    /// <summary>
    /// While the writers hold their batches, the source gives only what fits: one batch in each writer's hands, the buffer
    /// full, and the one it is trying to hand on. Then nothing more, whatever the source could give.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(2, 3)]
    public async Task WhileTheWritersHold_TheSourceStops_AtTheBuffersBound(int buffer, int writers)
    {
        var bound = writers + buffer + 1;
        var given = 0;
        var reachedBound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IEnumerable<int> Source()
        {
            for (var n = 0; n < 1_000; n++)
            {
                if (Interlocked.Increment(ref given) == bound)
                {
                    reachedBound.SetResult();
                }

                yield return n;
            }
        }

        using var cancel = new CancellationTokenSource();
        var run = new BatchPipeline(buffer)
            .Read(Source())
            .WriteAsync(async (_, token) => await Never.WaitAsync(token), cancel.Token, writers: writers);
        await reachedBound.Task.WaitAsync(Patience);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
        Assert.Equal(bound, Volatile.Read(ref given));
    }

    [Fact]
    public async Task AFailingSource_FailsTheRun_WithItsOwnException_AndStopsTheWriter()
    {
        var failure = new InvalidOperationException("arquivo danificado");
        var writerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<int> Source([EnumeratorCancellation] CancellationToken token)
        {
            yield return 0;
            await writerStarted.Task.WaitAsync(token);
            throw failure;
        }

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new BatchPipeline(2)
            .Read(Source)
            .WriteAsync(
                async (_, token) =>
                {
                    writerStarted.TrySetResult();
                    await BlockUntilCancelledAsync(writerStopped, token);
                },
                CancellationToken.None)
            .WaitAsync(Patience));

        Assert.Same(failure, thrown);
        Assert.True(writerStopped.Task.IsCompleted);
    }

    [Fact]
    public async Task AFailingStep_FailsTheRun_AndStopsTheSourceAndTheWriter()
    {
        var failure = new InvalidOperationException("passo");
        var sourceStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new BatchPipeline(1)
            .Read(Endless(sourceStopped))
            // The writer holds batch 0 and the buffer batch 1 when batch 2 fails.
            .Then(n => n < 2 ? n : throw failure)
            .WriteAsync(async (_, token) => await BlockUntilCancelledAsync(writerStopped, token), CancellationToken.None)
            .WaitAsync(Patience));

        Assert.Same(failure, thrown);
        Assert.True(sourceStopped.Task.IsCompleted);
        Assert.True(writerStopped.Task.IsCompleted);
    }

    [Fact]
    public async Task AStepOfSeveralWorkers_WorksOnBatchesAtOnce_AndHandsEachOnOnce()
    {
        var inside = 0;
        var bothInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = new ConcurrentBag<int>();

        await new BatchPipeline(1)
            .Read(token => CountAsync(200, token))
            .Then(
                async (n, _) =>
                {
                    // The first two batches each wait until the other is inside: one worker alone would never get past them.
                    if (Interlocked.Increment(ref inside) == 2)
                    {
                        bothInside.SetResult();
                    }

                    await bothInside.Task;
                    return n * 2;
                },
                workers: 2)
            .WriteAsync(Into(written.Add), CancellationToken.None)
            .WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 200).Select(n => n * 2), written.Order());
    }

    [Fact]
    public async Task AFailingWorker_FailsTheRun_AndStopsTheOtherWorkers()
    {
        var failure = new InvalidOperationException("leitura");
        var otherStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new BatchPipeline(1)
            .Read(token => CountAsync(10, token))
            .Then(
                async (n, token) =>
                {
                    if (n == 0)
                    {
                        await BlockUntilCancelledAsync(otherStopped, token);
                    }

                    return n == 1 ? throw failure : n;
                },
                workers: 2)
            .WriteAsync((_, _) => ValueTask.CompletedTask, CancellationToken.None)
            .WaitAsync(Patience));

        Assert.Same(failure, thrown);
        Assert.True(otherStopped.Task.IsCompleted);
    }

    /// <summary>A writer that fails must fail the run, not leave the source waiting forever on a full buffer.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task AFailingWriter_FailsTheRun_AndStopsTheSourceAndTheOtherWriters(int writers)
    {
        var failure = new InvalidOperationException("gravação");
        var sourceStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var othersStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new BatchPipeline(1)
            .Read(Endless(sourceStopped))
            .WriteAsync(
                async (n, token) =>
                {
                    if (n == writers - 1)
                    {
                        throw failure;
                    }

                    await BlockUntilCancelledAsync(othersStopped, token);
                },
                CancellationToken.None,
                writers: writers)
            .WaitAsync(Patience));

        Assert.Same(failure, thrown);
        Assert.True(sourceStopped.Task.IsCompleted);
        Assert.Equal(writers > 1, othersStopped.Task.IsCompleted);
    }

    [Fact]
    public async Task AFailingCompletion_FailsTheRun()
    {
        var failure = new InvalidOperationException("última gravação");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new BatchPipeline(1)
            .Read(Enumerable.Range(0, 3))
            .WriteAsync((_, _) => ValueTask.CompletedTask, CancellationToken.None, completed: _ => throw failure)
            .WaitAsync(Patience));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task AfterAFailure_NothingIsCompleted()
    {
        var completed = false;

        await Assert.ThrowsAsync<InvalidOperationException>(() => new BatchPipeline(1)
            .Read(Enumerable.Range(0, 3))
            .WriteAsync(
                (n, _) => n == 1 ? throw new InvalidOperationException("gravação") : ValueTask.CompletedTask,
                CancellationToken.None,
                completed: _ =>
                {
                    completed = true;
                    return ValueTask.CompletedTask;
                })
            .WaitAsync(Patience));

        Assert.False(completed);
    }

    [Fact]
    public async Task ACancelledRun_ThrowsOperationCanceled_AndStopsEveryStage()
    {
        using var cancel = new CancellationTokenSource();
        var sourceStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchPipeline(1)
            .Read(Endless(sourceStopped))
            .WriteAsync(
                async (_, token) =>
                {
                    writerStarted.TrySetResult();
                    await BlockUntilCancelledAsync(writerStopped, token);
                },
                cancel.Token);

        await writerStarted.Task.WaitAsync(Patience);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
        Assert.True(sourceStopped.Task.IsCompleted);
        Assert.True(writerStopped.Task.IsCompleted);
    }

    /// <summary>
    /// Each named stage adds the time it spends on each batch, not the time it waits for its neighbours: the clock here
    /// moves only for the work on its own thread, so each phase's total is exactly what its stage spent, though the stages
    /// run at once. A run's histogram measurements of a phase add up to the same figure.
    /// </summary>
    [Fact]
    public async Task NamedStages_AddTheirBusyTime_ToTheRunsTimings_AndToTheHistogram()
    {
        var job = "pipeline-test-" + Guid.NewGuid().ToString("N");
        var timings = new PhaseTimings(job, new ThreadClock());
        using var measurements = new PhaseMeasurements(job);
        IEnumerable<int> Source()
        {
            for (var n = 0; n < 3; n++)
            {
                ThreadClock.Advance(TimeSpan.FromMilliseconds(1));
                yield return n;
            }

            // Finding that there is no more costs a read too.
            ThreadClock.Advance(TimeSpan.FromMilliseconds(1));
        }

        await new BatchPipeline(1, timings)
            .Read(Source(), phase: "read")
            .Then(
                n =>
                {
                    ThreadClock.Advance(TimeSpan.FromMilliseconds(10));
                    return n;
                },
                phase: "compute")
            .Then(n => n)
            .WriteAsync(
                (_, _) =>
                {
                    ThreadClock.Advance(TimeSpan.FromMilliseconds(100));
                    return ValueTask.CompletedTask;
                },
                CancellationToken.None,
                phase: "write",
                completed: _ =>
                {
                    ThreadClock.Advance(TimeSpan.FromMilliseconds(1_000));
                    return ValueTask.CompletedTask;
                })
            .WaitAsync(Patience);

        Assert.Equal(new Dictionary<string, double> { ["read"] = 0.004, ["compute"] = 0.03, ["write"] = 1.3 }, timings.Seconds());
        Assert.Equal(new SortedDictionary<string, long> { ["compute"] = 30, ["read"] = 4, ["write"] = 1_300 }, timings.Milliseconds());
        Assert.Equal([0.001, 0.001, 0.001, 0.001], measurements.Of("read"));
        Assert.Equal([0.01, 0.01, 0.01], measurements.Of("compute"));
        Assert.Equal([0.1, 0.1, 0.1, 1], measurements.Of("write").Order());
    }

    [Fact]
    public async Task ANamedStageThatSawNoBatch_IsListedAtZero_AndMeasuresNothing()
    {
        var job = "pipeline-test-" + Guid.NewGuid().ToString("N");
        var timings = new PhaseTimings(job, new ThreadClock());
        using var measurements = new PhaseMeasurements(job);

        await new BatchPipeline(2, timings)
            .Read(Enumerable.Empty<int>(), phase: "read")
            .Then(n => n, phase: "compute")
            .WriteAsync((_, _) => ValueTask.CompletedTask, CancellationToken.None, phase: "write")
            .WaitAsync(Patience);

        Assert.Equal(new Dictionary<string, double> { ["read"] = 0, ["compute"] = 0, ["write"] = 0 }, timings.Seconds());
        Assert.Equal([0.0], measurements.Of("read"));
        Assert.Empty(measurements.Of("compute"));
        Assert.Empty(measurements.Of("write"));
    }

    [Fact]
    public void PhaseTimings_SumAPhasesIntervals_ChainSequentialPhases_AndRoundForTheDetail()
    {
        var job = "pipeline-test-" + Guid.NewGuid().ToString("N");
        var timings = new PhaseTimings(job, new ThreadClock());
        using var measurements = new PhaseMeasurements(job);

        var started = timings.Start();
        ThreadClock.Advance(TimeSpan.FromTicks(12_345_678));
        started = timings.Add("count", started);
        ThreadClock.Advance(TimeSpan.FromMilliseconds(2.6));
        timings.Add("duplicates", started);
        timings.Add("duplicates", TimeSpan.FromMilliseconds(1));

        Assert.Equal(new Dictionary<string, double> { ["count"] = 1.235, ["duplicates"] = 0.004 }, timings.Seconds());
        Assert.Equal(new SortedDictionary<string, long> { ["count"] = 1_235, ["duplicates"] = 4 }, timings.Milliseconds());
        Assert.Equal(TimeSpan.FromMilliseconds(3.6), timings["duplicates"]);
        Assert.Equal([1.2345678], measurements.Of("count"));
        Assert.Equal([0.0026, 0.001], measurements.Of("duplicates"));
    }

    /// <summary>A writer that keeps each batch it is given.</summary>
    private static Func<int, CancellationToken, ValueTask> Into(Action<int> keep) => (n, _) =>
    {
        keep(n);
        return ValueTask.CompletedTask;
    };

    private static async IAsyncEnumerable<int> CountAsync(int count, [EnumeratorCancellation] CancellationToken token)
    {
        for (var n = 0; n < count; n++)
        {
            if (n % 7 == 0)
            {
                await Task.Yield();
            }

            token.ThrowIfCancellationRequested();
            yield return n;
        }
    }

    /// <summary>Batches without end; <paramref name="stopped"/> completes when the pipeline lets go of it.</summary>
    private static IEnumerable<int> Endless(TaskCompletionSource stopped)
    {
        try
        {
            for (var n = 0; ; n++)
            {
                yield return n;
            }
        }
        finally
        {
            stopped.TrySetResult();
        }
    }

    /// <summary>A task that never completes: a stage awaiting it holds its batch until it is cancelled, with no clock involved.</summary>
    private static readonly Task Never = new TaskCompletionSource().Task;

    /// <summary>Holds a batch until the stage is cancelled, and says so.</summary>
    private static async Task BlockUntilCancelledAsync(TaskCompletionSource stopped, CancellationToken token)
    {
        try
        {
            await Never.WaitAsync(token);
        }
        finally
        {
            stopped.TrySetResult();
        }
    }

    /// <summary>
    /// A clock of which each thread has its own time, moved only by the work running on that thread: a stage's interval
    /// (taken on the thread that does its work) counts what that work advanced, whatever the other stages do meanwhile.
    /// </summary>
    private sealed class ThreadClock : TimeProvider
    {
        [ThreadStatic]
        private static long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public static void Advance(TimeSpan by) => ticks += by.Ticks;

        public override long GetTimestamp() => ticks;
    }

    /// <summary>The <c>vinculo.job.phase.duration</c> measurements of one job key (the meter is shared by tests running at once).</summary>
    private sealed class PhaseMeasurements : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string Phase, double Seconds)> seen = new();

        public PhaseMeasurements(string jobKey)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == VinculoMetrics.MeterName && instrument.Name == "vinculo.job.phase.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                string? job = null, phase = null;
                foreach (var tag in tags)
                {
                    job = tag.Key == VinculoMetrics.JobKeyTag ? tag.Value as string : job;
                    phase = tag.Key == VinculoMetrics.PhaseTag ? tag.Value as string : phase;
                }

                if (job == jobKey && phase is not null)
                {
                    seen.Enqueue((phase, value));
                }
            });
            listener.Start();
        }

        public double[] Of(string phase) => [.. seen.Where(m => m.Phase == phase).Select(m => Math.Round(m.Seconds, 9))];

        public void Dispose() => listener.Dispose();
    }
}
