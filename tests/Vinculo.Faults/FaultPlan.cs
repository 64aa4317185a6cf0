using System.Globalization;
using System.Text;

namespace Vinculo.Faults;

internal enum FaultKind
{
    Pause,
    PostgresRestart,
    Outage,
    Storm,
}

/// <summary>One fault of the schedule, <see cref="At"/> seconds after the faults begin.</summary>
internal sealed record Fault(double At, FaultKind Kind, int Slot, double Seconds);

/// <summary>The size of a run: the short form (CI) or the long form (by hand).</summary>
internal sealed record Form(
    string Name,
    int Slots,
    int TargetKills,
    int Pauses,
    double PauseSeconds,
    int PostgresRestarts,
    double[] Outages,
    int Storms,
    double MinFaultSeconds,
    double MaxFaultSeconds,
    double MaxLife,
    int Messages,
    int SqliteCycles)
{
    public static readonly Form Short = new("short", 3, 100, 1, 20, 2, [], 1, 90, 900, 2.5, 2500, 50);

    public static readonly Form Long = new("long", 3, 1000, 20, 25, 10, [60, 300], 20, 2400, 7200, 2.5, 40000, 200);
}

/// <summary>
/// The whole schedule of faults, drawn from the seed before anything starts: when each random kill lands and on which
/// node, when pauses, PostgreSQL restarts, outages and start-up storms happen, and which failpoint each restart of each
/// node carries. The same seed gives the same schedule.
/// </summary>
internal sealed class FaultPlan
{
    private readonly List<(string? Failpoints, double Life)>[] incarnations;

    public FaultPlan(int seed, Form form)
    {
        Seed = seed;
        var random = new Random(seed);
        var faults = new List<Fault>();
        // The special faults spread over the minimum duration, away from each other.
        var specials = new List<(FaultKind Kind, double Seconds)>();
        specials.AddRange(Enumerable.Repeat((FaultKind.Pause, form.PauseSeconds), form.Pauses));
        specials.AddRange(Enumerable.Repeat((FaultKind.PostgresRestart, 1.0), form.PostgresRestarts));
        specials.AddRange(form.Outages.Select(o => (FaultKind.Outage, o)));
        specials.AddRange(Enumerable.Repeat((FaultKind.Storm, 0.0), form.Storms));
        specials = [.. specials.OrderBy(_ => random.Next())];
        var span = form.MinFaultSeconds * 0.85 / Math.Max(1, specials.Count);
        for (var i = 0; i < specials.Count; i++)
        {
            var when = 5 + (i * span) + (random.NextDouble() * span * 0.5);
            faults.Add(new Fault(Math.Round(when, 2), specials[i].Kind, random.Next(form.Slots), specials[i].Seconds));
        }

        Faults = [.. faults.OrderBy(f => f.At)];
        // Each start of each node: the failpoint it carries, and when it is killed at random: seconds after its scheduler
        // started, or (negative) seconds after the process started, whatever it is doing then (a kill during start-up).
        incarnations = [.. Enumerable.Range(0, 5).Select(_ => new List<(string?, double)>())];
        foreach (var list in incarnations)
        {
            for (var i = 0; i < 4000; i++)
            {
                var life = random.NextDouble() < 0.15 ? -(0.2 + (random.NextDouble() * 2)) : 0.5 + (random.NextDouble() * (form.MaxLife - 0.5));
                var failpoint = DrawFailpoint(random);
                // A start that carries a kill point lives longer, so that the point, not the clock, usually ends it.
                list.Add((failpoint, Math.Round(failpoint?.Contains("=kill", StringComparison.Ordinal) == true ? Math.Abs(life) + (2 * form.MaxLife) : life, 2)));
            }
        }
    }

    public int Seed { get; }

    public IReadOnlyList<Fault> Faults { get; }

    /// <summary>The failpoints the <paramref name="start"/>-th start of node <paramref name="slot"/> carries (null: none), and its life.</summary>
    public (string? Failpoints, double Life) Incarnation(int slot, int start) => incarnations[slot][start % incarnations[slot].Count];

    public string Describe(int first)
    {
        var text = new StringBuilder();
        foreach (var fault in Faults)
        {
            text.Append(CultureInfo.InvariantCulture, $"  t+{fault.At,7:0.00}s {fault.Kind}{(fault.Kind == FaultKind.Pause ? $" node-{fault.Slot + 1}" : "")}{(fault.Seconds > 0 ? $" {fault.Seconds:0}s" : "")}\n");
        }

        for (var slot = 0; slot < 3; slot++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  node-{slot + 1} starts: ");
            text.AppendJoin(", ", incarnations[slot].Take(first).Select(i => $"{(i.Life < 0 ? $"kill {-i.Life:0.0}s into start-up" : $"kill after {i.Life:0.0}s")}{(i.Failpoints is null ? "" : " or at " + i.Failpoints)}"));
            text.Append('\n');
        }

        return text.ToString();
    }

    private static string? DrawFailpoint(Random random)
    {
        var roll = random.NextDouble();
        if (roll < 0.35)
        {
            return null;
        }

        var point = Hosting.Failpoints.Known[random.Next(Hosting.Failpoints.Known.Count)];
        // Dispatch is where a second send would hurt: its points are drawn twice as often.
        if (random.NextDouble() < 0.4)
        {
            point = Hosting.Failpoints.Known.Where(p => p.StartsWith("dispatch.", StringComparison.Ordinal)).ElementAt(random.Next(6));
        }

        var nth = 1 + random.Next(3);
        return roll switch
        {
            < 0.85 => $"{point}=kill",
            < 0.91 => $"{point}=throw@{nth}",
            < 0.96 => $"{point}=transient@{nth}",
            _ => $"{point}=pause:{1 + random.Next(4)}s@{nth}",
        };
    }
}
