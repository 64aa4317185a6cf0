using System.Diagnostics;
using System.Text;

namespace Vinculo.Hosting;

/// <summary>The real worker binary, started with no verb as a service manager would start it, and stopped with SIGTERM.</summary>
public sealed class WorkerProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task Worker_MigratesStartsTheScheduler_AndStopsCleanlyOnSigterm()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGTERM is a Unix signal.");
        var root = Directory.CreateTempSubdirectory("vinculo-process-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), """{ "Database": { "ConnectionString": "Data Source=data/ignored.db" } }""");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vinculo.dll"));
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VINCULO_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            // The environment overrides appsettings.json.
            start.Environment["VINCULO_Database__ConnectionString"] = "Data Source=data/worker.db";

            using var process = Process.Start(start)!;
            var log = new StringBuilder();
            var schedulerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Collect(object sender, DataReceivedEventArgs e)
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (log)
                {
                    log.AppendLine(e.Data);
                }

                if (e.Data.Contains("Scheduler starting on node", StringComparison.Ordinal))
                {
                    schedulerStarted.TrySetResult();
                }
            }

            process.OutputDataReceived += Collect;
            process.ErrorDataReceived += Collect;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var first = await Task.WhenAny(schedulerStarted.Task, process.WaitForExitAsync()).WaitAsync(Patience);
            Assert.True(first == schedulerStarted.Task, "the scheduler did not start:\n" + log);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(Patience);

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{log}");
            Assert.Contains("Application is shutting down", log.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(root, "data", "worker.db")), "MigrateOnStart created the database named by the environment, beside the settings");
            Assert.False(File.Exists(Path.Combine(root, "data", "ignored.db")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// A verb whose streams go to files (a script, cron, CI) even with a terminal type set: standard output holds only what
    /// the verb reports, and no stream holds a terminal escape sequence of the progress display.
    /// </summary>
    [SkippableFact]
    public async Task Run_WithRedirectedStreams_WritesItsOneLine_AndNoEscapeSequence()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-process-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "vinculo.dll"), "run", "revalidate-phones", "--data", Path.Combine(root, "dados") })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VINCULO_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["TERM"] = "xterm-256color";
            start.Environment.Remove("NO_COLOR");

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Patience);

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{await output}\n{await error}");
            Assert.Equal("revalidate-phones: concluído (execução 1): 0 lido(s), 0 alterado(s).", (await output).TrimEnd('\n', '\r'));
            Assert.DoesNotContain('\u001b', await output);
            Assert.DoesNotContain('\u001b', await error);
            Assert.Contains("revalidate-phones", await error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
