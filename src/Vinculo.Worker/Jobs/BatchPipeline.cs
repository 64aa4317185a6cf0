using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Vinculo.Jobs;

/// <summary>
/// A job's batch pipeline: a source, optional steps and a writer, each on its own task, joined by bounded channels, so that
/// reading the next batch, computing on one and writing another overlap while at most <paramref name="buffer"/> batches
/// wait between two stages (memory stays flat whatever the size of the base). Nothing runs until
/// <see cref="BatchPipeline{T}.WriteAsync"/>, which returns when every stage has ended. The first stage to fail stops the
/// others and its exception is what the run throws; a cancelled run throws <see cref="OperationCanceledException"/>. With one
/// writer, batches reach it in the order the source gave them. A stage named with a phase adds the time it spends on each
/// batch (not the time it waits for a neighbour) to <paramref name="timings"/>.
/// </summary>
internal sealed class BatchPipeline(int buffer, PhaseTimings? timings = null)
{
    /// <summary>Starts with the batches <paramref name="source"/> gives, read with the run's cancellation.</summary>
    public BatchPipeline<T> Read<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, string? phase = null) => new(buffer, timings, run => run.Source(source, phase));

    /// <summary>A source that computes rather than waits (parsing a file): enumerated on its own task all the same.</summary>
    public BatchPipeline<T> Read<T>(IEnumerable<T> source, string? phase = null) => Read(_ => source.ToAsyncEnumerable(), phase);
}

/// <summary>A pipeline whose last stage gives batches of <typeparamref name="T"/>.</summary>
internal sealed class BatchPipeline<T>
{
    private readonly int buffer;
    private readonly PhaseTimings? timings;
    private readonly Func<PipelineRun, ChannelReader<T>> start;

    internal BatchPipeline(int buffer, PhaseTimings? timings, Func<PipelineRun, ChannelReader<T>> start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer, 1);
        (this.buffer, this.timings, this.start) = (buffer, timings, start);
    }

    /// <param name="workers">
    /// Tasks taking batches from the previous stage at once (a read that waits on the database while another runs); with
    /// more than one, batches leave this stage in the order they finish, not the source's.
    /// </param>
    public BatchPipeline<TNext> Then<TNext>(Func<T, CancellationToken, ValueTask<TNext>> step, string? phase = null, int workers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        return new(buffer, timings, run => run.Step(start(run), step, phase, workers));
    }

    public BatchPipeline<TNext> Then<TNext>(Func<T, TNext> step, string? phase = null) =>
        Then((item, _) => ValueTask.FromResult(step(item)), phase);

    /// <summary>Runs the pipeline into <paramref name="write"/>, called by <paramref name="writers"/> tasks at once.</summary>
    /// <param name="completed">Called once after the last batch was written (a flush), timed with the writer.</param>
    public async Task WriteAsync(
        Func<T, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken,
        string? phase = null,
        int writers = 1,
        Func<CancellationToken, ValueTask>? completed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        using var run = new PipelineRun(buffer, timings, cancellationToken);
        run.Sink(start(run), write, phase, writers, completed);
        await run.WaitAsync();
    }
}

/// <summary>One run of a <see cref="BatchPipeline{T}"/>: its stages, the stop they share and the first failure.</summary>
internal sealed class PipelineRun(int buffer, PhaseTimings? timings, CancellationToken cancellationToken) : IDisposable
{
    private readonly CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    private readonly List<Task> stages = [];
    private readonly Lock gate = new();
    private Exception? cause;
    private Exception? stopped;

    public ChannelReader<T> Source<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, string? phase)
    {
        var output = Buffer<T>(phase);
        Start(() => output.Writer.TryComplete(), async token =>
        {
            await using var items = source(token).GetAsyncEnumerator(token);
            var started = timings?.Start() ?? 0;
            while (await items.MoveNextAsync())
            {
                Measure(phase, started);
                await output.Writer.WriteAsync(items.Current, token);
                started = timings?.Start() ?? 0;
            }

            Measure(phase, started);
        });
        return output.Reader;
    }

    public ChannelReader<TNext> Step<T, TNext>(ChannelReader<T> input, Func<T, CancellationToken, ValueTask<TNext>> step, string? phase, int workers = 1)
    {
        var output = Buffer<TNext>(phase, singleWriter: workers == 1);
        var working = workers;
        for (var i = 0; i < workers; i++)
        {
            Start(Ended, async token =>
            {
                await foreach (var item in input.ReadAllAsync(token))
                {
                    var started = timings?.Start() ?? 0;
                    var next = await step(item, token);
                    Measure(phase, started);
                    await output.Writer.WriteAsync(next, token);
                }
            });
        }

        return output.Reader;

        // The output ends when the last of the stage's tasks has.
        void Ended()
        {
            if (Interlocked.Decrement(ref working) == 0)
            {
                output.Writer.TryComplete();
            }
        }
    }

    public void Sink<T>(ChannelReader<T> input, Func<T, CancellationToken, ValueTask> write, string? phase, int writers, Func<CancellationToken, ValueTask>? completed)
    {
        Include(phase);
        var writing = Enumerable.Range(0, writers).Select(_ => Start(null, async token =>
        {
            await foreach (var item in input.ReadAllAsync(token))
            {
                var started = timings?.Start() ?? 0;
                await write(item, token);
                Measure(phase, started);
            }
        })).ToArray();
        if (completed is not null)
        {
            Start(null, async token =>
            {
                // The writers' tasks end without throwing; a failure anywhere has stopped the run, and then nothing is flushed.
                await Task.WhenAll(writing);
                token.ThrowIfCancellationRequested();
                var started = timings?.Start() ?? 0;
                await completed(token);
                Measure(phase, started);
            });
        }
    }

    /// <summary>Waits for every stage, then throws what stopped the run, if anything did.</summary>
    public async Task WaitAsync()
    {
        await Task.WhenAll(stages);
        if ((cause ?? stopped) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    public void Dispose() => stop.Dispose();

    private Channel<T> Buffer<T>(string? phase, bool singleWriter = true)
    {
        Include(phase);
        return Channel.CreateBounded<T>(new BoundedChannelOptions(buffer) { SingleWriter = singleWriter });
    }

    /// <summary>
    /// Starts a stage on the thread pool; <paramref name="ended"/> completes its output. When it fails, the run stops (every other stage
    /// is cancelled, so none waits forever on a neighbour that is gone) and the failure is kept for <see cref="WaitAsync"/>.
    /// </summary>
    private Task Start(Action? ended, Func<CancellationToken, Task> body)
    {
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await body(stop.Token);
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        // The first failure is the cause; the others' cancellations, or the caller's, only follow it.
                        if (e is OperationCanceledException && stop.IsCancellationRequested)
                        {
                            stopped ??= e;
                        }
                        else
                        {
                            cause ??= e;
                        }
                    }

                    await stop.CancelAsync();
                }
                finally
                {
                    ended?.Invoke();
                }
            },
            CancellationToken.None);
        stages.Add(task);
        return task;
    }

    private void Include(string? phase)
    {
        if (phase is not null)
        {
            timings?.Include(phase);
        }
    }

    private void Measure(string? phase, long started)
    {
        if (phase is not null)
        {
            timings?.Add(phase, started);
        }
    }
}
