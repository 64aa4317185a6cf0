using System.Diagnostics;
using System.Globalization;

namespace Vinculo.Faults;

/// <summary>How a worker process ended.</summary>
internal enum Ending
{
    Running,
    KilledByHarness,
    KilledAtFailpoint,
    Stopped,
    Unexpected,
}

/// <summary>One real worker process (<c>dotnet vinculo.dll</c>), its standard error appended to a log file.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource schedulerStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool killedByHarness;
    private volatile bool stopping;
    private volatile string? failpointKill;
    private volatile bool disposed;
    private readonly TimeProvider time;
    private int exitCode;

    private WorkerProcess(Process process, StreamWriter log, string slot, string? failpoints, TimeProvider time)
    {
        this.time = time;
        this.process = process;
        this.log = log;
        Slot = slot;
        Failpoints = failpoints;
        StartedAt = time.GetUtcNow();
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public string Slot { get; }

    public string? Failpoints { get; }

    public DateTimeOffset StartedAt { get; }

    public int Pid => process.Id;

    public bool HasExited => disposed || process.HasExited;

    public bool Paused { get; private set; }

    /// <summary>Completes once the process began its first job run.</summary>
    public Task Started => started.Task;

    /// <summary>Completes once the scheduler says it is starting (its first log line after start-up checks).</summary>
    public Task SchedulerStarted => schedulerStarted.Task;

    public string? LastLines { get; private set; }

    public static WorkerProcess Start(string workerDll, string configFile, string dataFolder, string slot, string? failpoints, string logFile, IDictionary<string, string> environment, TimeProvider time)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        start.ArgumentList.Add(workerDll);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configFile);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(dataFolder);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VINCULO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["VINCULO_Scheduler__InstanceId"] = slot;
        if (failpoints is not null)
        {
            start.Environment[Hosting.Failpoints.Variable] = failpoints;
        }

        var writer = new StreamWriter(logFile, append: true) { AutoFlush = true };
        writer.WriteLine($"==== {time.GetUtcNow():O} start {slot} failpoints={failpoints ?? "-"}");
        return new WorkerProcess(Process.Start(start)!, writer, slot, failpoints, time);
    }

    /// <summary>SIGKILL: no shutdown, no last write. True when this call killed a live process (not one already dying).</summary>
    public bool Kill()
    {
        if (killedByHarness || HasExited)
        {
            return false;
        }

        killedByHarness = true;
        try
        {
            process.Kill();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Pause()
    {
        Signal("STOP");
        Paused = true;
    }

    public void Resume()
    {
        Signal("CONT");
        Paused = false;
    }

    /// <summary>SIGTERM: the worker's own graceful shutdown.</summary>
    public async Task<int> StopAsync(TimeSpan patience)
    {
        stopping = true;
        Signal("TERM");
        try
        {
            await process.WaitForExitAsync().WaitAsync(patience);
        }
        catch (TimeoutException)
        {
            Kill();
            await process.WaitForExitAsync();
            return -1;
        }

        return process.ExitCode;
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => process.WaitForExitAsync(cancellationToken);

    public Ending Ending
    {
        get
        {
            if (!HasExited)
            {
                return Ending.Running;
            }

            if (!disposed)
            {
                // The exit is known before the last lines of the process's output are read (a busy machine delays them): the
                // line a kill failpoint writes just before the kill must be in before the death is told apart from an
                // unexpected one. Without a timeout, WaitForExit also waits for the output to be read to its end.
                process.WaitForExit();
            }

            return failpointKill is not null && !killedByHarness ? Ending.KilledAtFailpoint
                : killedByHarness ? Ending.KilledByHarness
                : stopping ? Ending.Stopped
                : Ending.Unexpected;
        }
    }

    public string? FailpointKill => failpointKill;

    public int ExitCode => disposed ? exitCode : process.HasExited ? process.ExitCode : 0;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        if (!process.HasExited)
        {
            Kill();
            process.WaitForExit();
        }

        process.WaitForExit();
        lock (log)
        {
            log.WriteLine($"==== {time.GetUtcNow():O} end {Slot}: {Ending} (exit {ExitCode.ToString(CultureInfo.InvariantCulture)})");
            log.Dispose();
        }

        exitCode = process.ExitCode;
        disposed = true;
        process.Dispose();
    }

    private void Signal(string name)
    {
        if (HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + name, process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("failpoint ", StringComparison.Ordinal) && line.Contains(": kill", StringComparison.Ordinal))
        {
            failpointKill = line["failpoint ".Length..line.IndexOf(':', StringComparison.Ordinal)];
        }

        if (line.Contains("Scheduler starting on node", StringComparison.Ordinal))
        {
            schedulerStarted.TrySetResult();
        }

        // The first run of a job this process began: from then on it has work in hand.
        if (line.Contains("Vinculo.Jobs.JobRunner[1000]", StringComparison.Ordinal))
        {
            started.TrySetResult();
        }

        LastLines = line;
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The process ended and its log was closed.
            }
        }
    }
}
