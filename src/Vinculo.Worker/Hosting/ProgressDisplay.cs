using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;
using Vinculo.Jobs;

namespace Vinculo.Hosting;

/// <summary>
/// Shows the runs of a <see cref="ProgressFeed"/>. On a terminal: Spectre.Console live progress on standard error, a row
/// per step of each run (job, step, counts, a bar when the total is known, time so far), cleared when the command ends.
/// Anywhere else (standard error redirected, <c>TERM=dumb</c>, systemd, the scheduler): every <see cref="LogInterval"/>,
/// one Information log line per run that has lasted that long. Counts only: never a number, a name or a text of anyone.
/// </summary>
/// <remarks>
/// While the live display is up it owns standard error: log lines, and what the command writes through
/// <see cref="Output"/>, first clear it and are written above it, so neither stream ever holds a half-drawn display.
/// </remarks>
public sealed class ProgressDisplay : IHostedService, IAsyncDisposable
{
    /// <summary>How often a long run gets its log line.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RefreshRate = TimeSpan.FromMilliseconds(150);

    private static readonly CultureInfo Br = CultureInfo.GetCultureInfo("pt-BR");

    private readonly ProgressFeed feed;
    private readonly TimeSpan interval;
    private readonly IAnsiConsole? terminal;
    private readonly TextWriter? replacedError;
    private readonly Lock gate = new();
    private readonly Lock writes = new();
    private readonly Dictionary<JobProgress, long> logged = [];
    private ILogger? logger;
    private ITimer? timer;
    private CancellationTokenSource? stopping;
    private Task? showing;
    private CancellationTokenSource? sessionStop;
    private Task? session;
    private int pauses;
    private bool ownsConsoleError;
    private bool disposed;

    /// <summary>Log lines only: the scheduler's display, a hosted service.</summary>
    public ProgressDisplay(ProgressFeed feed, ILogger<ProgressDisplay> logger)
        : this(feed, logger, LogInterval)
    {
    }

    internal ProgressDisplay(ProgressFeed feed, ILogger? logger, TimeSpan interval, TextWriter? output = null)
    {
        this.feed = feed;
        this.logger = logger;
        this.interval = interval;
        Output = output ?? TextWriter.Null;
    }

    /// <summary>The live display on <paramref name="terminal"/>; <see cref="Error"/> is what must write to the same stream.</summary>
    internal ProgressDisplay(ProgressFeed feed, IAnsiConsole terminal, TextWriter standardError, TextWriter output)
        : this(feed, null, LogInterval)
    {
        this.terminal = terminal;
        Output = new PausingWriter(output, this);
        Error = new PausingWriter(standardError, this);
        replacedError = standardError;
    }

    /// <summary>Where the command writes what it reports (its standard output), without ever cutting into the live display.</summary>
    public TextWriter Output { get; }

    /// <summary>On a terminal, standard error through the display (each write clears it first); else null.</summary>
    internal TextWriter? Error { get; }

    /// <summary>Whether the progress is drawn on a terminal rather than logged.</summary>
    public bool IsLive => terminal is not null;

    /// <summary>
    /// The display of a command: live when <paramref name="error"/> is this process's standard error, a terminal that
    /// understands ANSI (not <c>TERM=dumb</c>; <c>NO_COLOR</c> gives a display without colours), else log lines.
    /// Made before the command's host is built, so that its log lines reach standard error through the display.
    /// </summary>
    public static ProgressDisplay ForCommandLine(ProgressFeed feed, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(output);
        if (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb")
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(error),
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                // Spectre asks all three streams to be terminals; standard output may well go to a file meanwhile.
                Interactive = InteractionSupport.Yes,
            });
            if (console.Profile.Capabilities.Ansi)
            {
                var live = new ProgressDisplay(feed, console, error, output);
                // The console logger takes standard error when its host is built: from now on its lines pause the display.
                Console.SetError(live.Error!);
                live.ownsConsoleError = true;
                return live;
            }
        }

        return new ProgressDisplay(feed, null, LogInterval, output);
    }

    /// <summary>Starts showing, once the command's host (for its log) is built.</summary>
    public void Start(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (terminal is null)
        {
            logger ??= services.GetRequiredService<ILogger<ProgressDisplay>>();
            StartLogging();
            return;
        }

        stopping ??= new CancellationTokenSource();
        showing ??= Task.Run(() => ShowWhileRunningAsync(stopping.Token), CancellationToken.None);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartLogging();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (timer is not null)
        {
            await timer.DisposeAsync();
        }
    }

    /// <summary>Stops showing: the live display is cleared and standard error given back.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await StopAsync(CancellationToken.None);
        if (stopping is not null)
        {
            await stopping.CancelAsync();
            await showing!;
            stopping.Dispose();
        }

        if (ownsConsoleError)
        {
            Console.SetError(replacedError!);
        }
    }

    /// <summary>Looks at the runs ten times an interval, so that each gets its line when it has lasted one more interval.</summary>
    private void StartLogging()
    {
        var check = interval / 10;
        timer ??= feed.Clock.CreateTimer(_ => LogRuns(), null, check, check);
    }

    /// <summary>One line for each run that has lasted another interval since its last: what each of its steps has done so far.</summary>
    private void LogRuns()
    {
        lock (logged)
        {
            var runs = feed.Running;
            foreach (var ended in logged.Keys.Except(runs).ToList())
            {
                logged.Remove(ended);
            }

            foreach (var run in runs)
            {
                var elapsed = run.Elapsed;
                var intervals = elapsed.Ticks / interval.Ticks;
                if (intervals <= logged.GetValueOrDefault(run))
                {
                    continue;
                }

                logged[run] = intervals;
                LogRun(run, elapsed);
            }
        }
    }

    private void LogRun(JobProgress run, TimeSpan elapsed)
    {
        var seconds = (long)elapsed.TotalSeconds;
        var readings = run.Readings;
        try
        {
            if (readings.Count == 0)
            {
                Log.JobStillRunning(logger!, run.JobKey, seconds);
            }
            else
            {
                Log.JobInProgress(logger!, run.JobKey, string.Join("; ", readings.Select(Describe)), seconds);
            }
        }
        catch (ObjectDisposedException)
        {
            // The command's host (and its log) ended a moment before the display.
        }
    }

    /// <summary><c>classifying 120000 of 1000000 contacts (12 %)</c>, for the log.</summary>
    internal static string Describe(ProgressReading reading) => reading.Total is { } total
        ? string.Create(CultureInfo.InvariantCulture, $"{reading.Step.Phase} {reading.Done} of {total} {reading.Step.Unit}") +
          (reading.Percent is { } percent ? string.Create(CultureInfo.InvariantCulture, $" ({percent} %)") : "")
        : string.Create(CultureInfo.InvariantCulture, $"{reading.Step.Phase} {reading.Done} {reading.Step.Unit}");

    /// <summary><c>classificando 120.000 de 1.000.000 contatos (12 %)</c>, for a person.</summary>
    private static string Show(ProgressReading reading) => reading.Total is { } total
        ? string.Create(Br, $"{reading.Step.PortuguesePhase} {reading.Done:N0} de {total:N0} {reading.Step.PortugueseUnit}") +
          (reading.Percent is { } percent ? string.Create(Br, $" ({percent} %)") : "")
        : string.Create(Br, $"{reading.Step.PortuguesePhase} {reading.Done:N0} {reading.Step.PortugueseUnit}");

    private bool HasSomethingToShow => feed.Caption is not null || feed.Running.Count > 0;

    /// <summary>Keeps a live session up whenever there is something to show and nothing is being written; ends with the command.</summary>
    private async Task ShowWhileRunningAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Task? shown = null;
            lock (gate)
            {
                if (pauses == 0 && HasSomethingToShow)
                {
                    sessionStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    shown = session = ShowAsync(sessionStop.Token);
                }
            }

            if (shown is null)
            {
                try
                {
                    await Task.Delay(RefreshRate, feed.Clock, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                await shown;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                // A terminal that cannot be drawn on is no reason to fail the command: it goes on without the display.
                return;
            }
            finally
            {
                lock (gate)
                {
                    session = null;
                    sessionStop!.Dispose();
                    sessionStop = null;
                }
            }
        }
    }

    /// <summary>
    /// One live session, until stopped (the command writes, or ends) or nothing is left to show; then cleared. Above the
    /// rows: the command's caption, and each run with its time so far; then a row per step: a bar (pulsing while the total
    /// is unknown) and the counts.
    /// </summary>
    private Task ShowAsync(CancellationToken stop) =>
        terminal!.Progress()
            .AutoClear(true)
            .ExcludeVerticalPadding()
            .Columns(new SpinnerColumn(), new ProgressBarColumn { Width = 20 }, new TaskDescriptionColumn { Alignment = Justify.Left })
            .UseRenderHook((rows, _) => new Rows([.. Headings(), rows]))
            .StartAsync(async context =>
            {
                var rows = new Dictionary<(JobProgress Run, ProgressStep? Step), ProgressTask>();
                while (!stop.IsCancellationRequested && HasSomethingToShow)
                {
                    Update(context, rows);
                    try
                    {
                        await Task.Delay(RefreshRate, feed.Clock, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            });

    private IEnumerable<IRenderable> Headings()
    {
        if (feed.Caption is { } caption)
        {
            yield return new Markup($"[bold]{Markup.Escape(caption)}[/]");
        }

        foreach (var run in feed.Running)
        {
            var elapsed = run.Elapsed;
            yield return new Markup($"[bold]{Markup.Escape(run.JobKey)}[/] [grey]{(elapsed.TotalHours >= 1 ? elapsed.ToString(@"h\:mm\:ss", Br) : elapsed.ToString(@"m\:ss", Br))}[/]");
        }
    }

    /// <summary>A row per step of each run in progress (named after its job when several run at once); rows of runs that ended go.</summary>
    private void Update(ProgressContext context, Dictionary<(JobProgress Run, ProgressStep? Step), ProgressTask> rows)
    {
        var runs = feed.Running;
        var shown = new HashSet<(JobProgress Run, ProgressStep? Step)>();
        foreach (var run in runs)
        {
            var prefix = runs.Count > 1 ? run.JobKey + ": " : "";
            var readings = run.Readings;
            if (readings.Count == 0)
            {
                Row(context, rows, shown, (run, null), prefix + "em andamento", null);
            }

            foreach (var reading in readings)
            {
                Row(context, rows, shown, (run, reading.Step), prefix + Show(reading), reading);
            }
        }

        foreach (var gone in rows.Keys.Where(key => !shown.Contains(key)).ToList())
        {
            context.RemoveTask(rows[gone]);
            rows.Remove(gone);
        }
    }

    private static void Row(
        ProgressContext context, Dictionary<(JobProgress Run, ProgressStep? Step), ProgressTask> rows, HashSet<(JobProgress Run, ProgressStep? Step)> shown,
        (JobProgress Run, ProgressStep? Step) key, string text, ProgressReading? reading)
    {
        shown.Add(key);
        var description = Markup.Escape(text);
        if (!rows.TryGetValue(key, out var row))
        {
            row = rows[key] = context.AddTask(description);
        }

        row.Description = description;
        if (reading?.Total is { } total)
        {
            row.IsIndeterminate = false;
            row.MaxValue = Math.Max(total, 1);
            row.Value = Math.Min(reading.Done, total);
        }
        else
        {
            row.IsIndeterminate = true;
        }
    }

    /// <summary>Stops the live session (cleared from the terminal) until <see cref="Resume"/>; a new one starts after.</summary>
    private void Pause()
    {
        Task? shown;
        lock (gate)
        {
            pauses++;
            sessionStop?.Cancel();
            shown = session;
        }

        try
        {
            shown?.Wait();
        }
        catch (AggregateException)
        {
            // Reported by the loop that started the session.
        }
    }

    private void Resume()
    {
        lock (gate)
        {
            pauses--;
        }
    }

    /// <summary>A writer that clears the live display before each write (a line of the command, a log line).</summary>
    private sealed class PausingWriter(TextWriter inner, ProgressDisplay display) : TextWriter(inner.FormatProvider)
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Paused(() => inner.Write(value));

        public override void Write(string? value) => Paused(() => inner.Write(value));

        public override void Write(char[] buffer, int index, int count) => Paused(() => inner.Write(buffer, index, count));

        public override void WriteLine() => Paused(inner.WriteLine);

        public override void WriteLine(string? value) => Paused(() => inner.WriteLine(value));

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync()
        {
            WriteLine();
            return Task.CompletedTask;
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync() => inner.FlushAsync();

        private void Paused(Action write)
        {
            display.Pause();
            try
            {
                // One write at a time, from whichever thread: the command, the log, both on one terminal.
                lock (display.writes)
                {
                    write();
                }
            }
            finally
            {
                display.Resume();
            }
        }
    }
}
