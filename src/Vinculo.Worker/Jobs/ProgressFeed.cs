using System.Collections.Concurrent;

namespace Vinculo.Jobs;

/// <summary>
/// The runs in progress in this process (one per command-line invocation, shared by the hosts it builds), each with what
/// it last reported, for whoever shows progress: the live display on a terminal, or the periodic log line.
/// </summary>
/// <param name="clock">Real time, for how long each run has been going: never a job's clock (<c>--now</c>, the demo's simulated days).</param>
public sealed class ProgressFeed(TimeProvider? clock = null)
{
    private readonly ConcurrentDictionary<JobProgress, long> running = new();
    private volatile string? caption;
    private long started;

    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>What the command as a whole is doing, shown above the runs on a terminal (the demo's simulated day); null for nothing.</summary>
    public string? Caption
    {
        get => caption;
        set => caption = value;
    }

    /// <summary>The runs in progress, oldest first.</summary>
    public IReadOnlyList<JobProgress> Running => [.. running.ToArray().OrderBy(r => r.Value).Select(r => r.Key)];

    /// <summary>Starts following a run; disposing the returned progress ends it.</summary>
    public JobProgress Begin(string jobKey)
    {
        var progress = new JobProgress(this, jobKey, Clock.GetTimestamp());
        running[progress] = Interlocked.Increment(ref started);
        return progress;
    }

    internal void End(JobProgress progress) => running.TryRemove(progress, out _);
}

/// <summary>
/// What one run reports, once per batch: for each step it goes through, how much is done and, when the job knows it
/// cheaply, of how much. A report replaces an immutable snapshot (no lock); reports come from one thread at a time,
/// readers may be on any thread.
/// </summary>
public sealed class JobProgress : IDisposable
{
    private readonly ProgressFeed? feed;
    private readonly long startedAt;
    private volatile ProgressReading[] readings = [];

    internal JobProgress(ProgressFeed? feed, string jobKey, long startedAt)
    {
        this.feed = feed;
        JobKey = jobKey;
        this.startedAt = startedAt;
    }

    /// <summary>Progress nobody follows: what a job is handed when it runs outside <see cref="JobRunner"/>; reports are ignored.</summary>
    public static JobProgress None { get; } = new(null, "", 0);

    public string JobKey { get; }

    /// <summary>Real time since the run began.</summary>
    public TimeSpan Elapsed => feed?.Clock.GetElapsedTime(startedAt) ?? TimeSpan.Zero;

    /// <summary>The last reading of each step reported so far, in the order the steps began.</summary>
    public IReadOnlyList<ProgressReading> Readings => readings;

    /// <param name="total">Null when the job does not know how much there is without another scan of a large table.</param>
    public void Report(ProgressStep step, long done, long? total = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (feed is null)
        {
            return;
        }

        var reading = new ProgressReading(step, done, total);
        var current = readings;
        var index = Array.FindIndex(current, r => ReferenceEquals(r.Step, step));
        var next = new ProgressReading[index < 0 ? current.Length + 1 : current.Length];
        current.CopyTo(next, 0);
        next[index < 0 ? current.Length : index] = reading;
        readings = next;
    }

    public void Dispose() => feed?.End(this);
}

/// <summary>
/// A step of a job, named for the log (English, with the unit it counts) and for a person at the terminal (Portuguese):
/// <c>classifying … contacts</c>, <c>classificando … contatos</c>. Declared once, next to the job; never holds data.
/// </summary>
public sealed record ProgressStep(string Phase, string Unit, string PortuguesePhase, string PortugueseUnit);

/// <param name="Total">Null when unknown.</param>
public sealed record ProgressReading(ProgressStep Step, long Done, long? Total)
{
    /// <summary>Whole percent done, when the total is known and not zero.</summary>
    public int? Percent => Total is { } total && total > 0 ? (int)Math.Clamp(Done * 100 / total, 0, 100) : null;
}
