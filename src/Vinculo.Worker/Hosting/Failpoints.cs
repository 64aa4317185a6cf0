using System.Diagnostics;
using System.Globalization;

namespace Vinculo.Hosting;

/// <summary>
/// Named points at the step boundaries of the jobs (before and after each claim, send, record and commit) where a fault
/// can be injected on purpose, to prove what the worker promises when a process dies, stalls or fails there. Inert unless
/// the environment variable <c>VINCULO_FAILPOINTS</c> is set when the process starts, for example
/// <c>dispatch.after_claim=kill;inbound.before_commit=throw;phones.after_write=pause:30s</c>. Actions:
/// <list type="bullet">
/// <item><c>kill</c>: the process ends at once, as SIGKILL would end it (no shutdown, no last write);</item>
/// <item><c>throw</c>: the point throws <see cref="FailpointException"/> (a fault no retry cures);</item>
/// <item><c>transient</c>: the point throws <see cref="TransientFailpointException"/>, which reads as a database timeout: the
/// unit of work around it is retried (<see cref="Data.Database.RunUnitAsync{T}"/>);</item>
/// <item><c>pause:30s</c> (also <c>ms</c>, <c>m</c>): the calling thread stops that long.</item>
/// </list>
/// An action fires at every hit, or with <c>@N</c> (<c>kill@3</c>) at the N-th hit of that point only. Unset, a hit is one
/// read of a static field.
/// </summary>
public static class Failpoints
{
    public const string Variable = "VINCULO_FAILPOINTS";

    /// <summary>Every point compiled into the worker, for the fault harness and for checking a spec.</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        "job.after_start", "job.before_finish",
        "phones.before_write", "phones.after_write",
        "consents.before_commit", "consents.after_commit",
        "plan.before_commit", "plan.after_commit",
        "inbound.before_commit", "inbound.after_commit",
        "status.before_commit", "status.after_commit",
        "dispatch.before_claim", "dispatch.after_claim",
        "dispatch.before_send", "dispatch.after_send",
        "dispatch.before_record", "dispatch.after_record",
        "import.before_commit", "import.after_commit",
    ];

    private static readonly Dictionary<string, Failpoint>? Points = Load(Environment.GetEnvironmentVariable(Variable), out _);

    /// <summary>Points armed for one flow of work only (<see cref="Arm"/>), for tests in a process whose variable is unset.</summary>
    private static readonly AsyncLocal<Dictionary<string, Failpoint>?> Scoped = new();

    /// <summary>Why the variable's value cannot be used, or null (unset or good).</summary>
    public static string? Problem { get; } = Load(Environment.GetEnvironmentVariable(Variable), out var problem) is null ? problem : null;

    /// <summary>Passes through the named point; does what <c>VINCULO_FAILPOINTS</c> says for it, if anything.</summary>
    public static void Hit(string name)
    {
        if (Points is null && Scoped.Value is null)
        {
            return;
        }

        Fire(name);
    }

    /// <summary>
    /// Arms <paramref name="spec"/> (the variable's syntax) for the calling flow of work and what it starts, until the result
    /// is disposed: a test injects a fault into the job it runs without touching other tests running at the same time.
    /// </summary>
    internal static IDisposable Arm(string spec)
    {
        var points = Load(spec, out var problem) ?? throw new ArgumentException(problem ?? "empty failpoint spec", nameof(spec));
        var previous = Scoped.Value;
        Scoped.Value = points;
        return new Disarm(previous);
    }

    private sealed class Disarm(Dictionary<string, Failpoint>? previous) : IDisposable
    {
        public void Dispose() => Scoped.Value = previous;
    }

    /// <summary>Reads a spec; null when it is empty or cannot be read (<paramref name="problem"/> then says why).</summary>
    internal static Dictionary<string, Failpoint>? Load(string? spec, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(spec))
        {
            return null;
        }

        var points = new Dictionary<string, Failpoint>(StringComparer.Ordinal);
        foreach (var entry in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? entry : entry[..equals].Trim();
            if (equals < 0 || !Known.Contains(name))
            {
                problem = $"{Variable}: '{entry}' não é um ponto conhecido (name=action); os pontos são {string.Join(", ", Known)}.";
                return null;
            }

            if (Parse(entry[(equals + 1)..].Trim()) is not { } point)
            {
                problem = $"{Variable}: '{entry}': a ação deve ser kill, throw, transient ou pause:<duração> (30s, 500ms, 2m), com @N opcional.";
                return null;
            }

            points[name] = point;
        }

        return points.Count == 0 ? null : points;
    }

    private static Failpoint? Parse(string action)
    {
        var at = 0;
        var hash = action.IndexOf('@', StringComparison.Ordinal);
        if (hash >= 0)
        {
            if (!int.TryParse(action[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out at) || at < 1)
            {
                return null;
            }

            action = action[..hash];
        }

        if (action is "kill" or "throw" or "transient")
        {
            return new Failpoint(action, TimeSpan.Zero, at);
        }

        if (!action.StartsWith("pause:", StringComparison.Ordinal))
        {
            return null;
        }

        var text = action["pause:".Length..];
        var (digits, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : text.EndsWith('m') ? (text[..^1], 60_000.0)
            : (text, double.NaN);
        return !double.IsNaN(unit) && double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount >= 0
            ? new Failpoint("pause", TimeSpan.FromMilliseconds(amount * unit), at)
            : null;
    }

    private static void Fire(string name)
    {
        var points = Scoped.Value ?? Points;
        if (points is null || !points.TryGetValue(name, out var point))
        {
            return;
        }

        var hit = point.NextHit();
        if (point.At > 0 && hit != point.At)
        {
            return;
        }

        // One line on standard error (the harness counts what fired); no data, only the point's name.
        Console.Error.WriteLine($"failpoint {name}: {point.Action} (hit {hit.ToString(CultureInfo.InvariantCulture)})");
        switch (point.Action)
        {
            case "kill":
                Console.Error.Flush();
                // SIGKILL on Unix, TerminateProcess on Windows: nothing runs after this line, no finally, no flush of ours.
                Process.GetCurrentProcess().Kill();
                Thread.Sleep(Timeout.Infinite);
                break;
            case "throw":
                throw new FailpointException(name);
            case "transient":
                throw new TransientFailpointException(name);
            default:
                Thread.Sleep(point.Pause);
                break;
        }
    }

    internal sealed class Failpoint(string action, TimeSpan pause, int at)
    {
        private int hits;

        public string Action { get; } = action;

        public TimeSpan Pause { get; } = pause;

        public int At { get; } = at;

        public int NextHit() => Interlocked.Increment(ref hits);
    }
}

/// <summary>A fault injected on purpose at a named point (<see cref="Failpoints"/>).</summary>
public sealed class FailpointException(string point) : Exception($"failpoint {point}: injected fault")
{
    public string Point { get; } = point;
}

/// <summary>
/// A transient fault injected on purpose at a named point: it reads as a timeout of the database, so the unit of work around
/// the point is retried as it would be after a dropped connection or a deadlock.
/// </summary>
public sealed class TransientFailpointException(string point) : TimeoutException($"failpoint {point}: injected transient fault")
{
    public string Point { get; } = point;
}
