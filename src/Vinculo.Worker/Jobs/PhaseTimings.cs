using Vinculo.Hosting;

namespace Vinculo.Jobs;

/// <summary>
/// Where one job run's time goes, by phase. Each interval measured is added to its phase's total for the run (what the
/// job reports in <c>job_runs.detail</c>) and recorded on <see cref="VinculoMetrics.PhaseDuration"/> tagged with the job
/// and the phase (what OpenTelemetry exports), so that both read the same figures. Safe to use from several threads.
/// </summary>
internal sealed class PhaseTimings(string jobKey, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    /// <summary>In the order phases were first named or measured (the order of the detail's keys).</summary>
    private readonly Dictionary<string, TimeSpan> totals = new(StringComparer.Ordinal);

    public TimeSpan this[string phase]
    {
        get
        {
            lock (totals)
            {
                return totals.GetValueOrDefault(phase);
            }
        }
    }

    /// <summary>A timestamp to measure a phase from (<see cref="Add(string, long)"/>).</summary>
    public long Start() => time.GetTimestamp();

    /// <summary>Adds the time since <paramref name="started"/> (from <see cref="Start"/>) to <paramref name="phase"/>.</summary>
    /// <returns>When the phase ended, for the next one to start from.</returns>
    public long Add(string phase, long started)
    {
        var ended = time.GetTimestamp();
        Add(phase, time.GetElapsedTime(started, ended));
        return ended;
    }

    public void Add(string phase, TimeSpan elapsed)
    {
        lock (totals)
        {
            totals[phase] = totals.GetValueOrDefault(phase) + elapsed;
        }

        VinculoMetrics.PhaseDuration.Record(
            elapsed.TotalSeconds, new KeyValuePair<string, object?>(VinculoMetrics.JobKeyTag, jobKey), new KeyValuePair<string, object?>(VinculoMetrics.PhaseTag, phase));
    }

    /// <summary>Names a phase that the detail lists even when nothing was measured in it (at zero).</summary>
    public void Include(string phase)
    {
        lock (totals)
        {
            totals.TryAdd(phase, TimeSpan.Zero);
        }
    }

    /// <summary>Seconds per phase, to the millisecond.</summary>
    public Dictionary<string, double> Seconds()
    {
        lock (totals)
        {
            return totals.ToDictionary(t => t.Key, t => Math.Round(t.Value.TotalSeconds, 3), StringComparer.Ordinal);
        }
    }

    /// <summary>Whole milliseconds per phase.</summary>
    public SortedDictionary<string, long> Milliseconds()
    {
        lock (totals)
        {
            return new(totals.ToDictionary(t => t.Key, t => (long)Math.Round(t.Value.TotalMilliseconds), StringComparer.Ordinal), StringComparer.Ordinal);
        }
    }
}
