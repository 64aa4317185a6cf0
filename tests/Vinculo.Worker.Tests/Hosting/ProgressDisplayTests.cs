using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Phones;

namespace Vinculo.Hosting;

/// <summary>How the progress of long runs is shown: log lines off a terminal, a live display on one that never cuts into what the command writes.</summary>
public sealed class ProgressDisplayTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-23T05:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ALongRun_GetsOneInformationLinePerInterval_WithStepsAndCountsOnly_AndNoneOnceItEnds()
    {
        var clock = new FakeTimeProvider(Start);
        var feed = new ProgressFeed(clock);
        var logs = new CapturedLogs();
        var display = new ProgressDisplay(feed, logs.CreateLogger(typeof(ProgressDisplay).FullName!), TimeSpan.FromSeconds(10));
        await display.StartAsync(CancellationToken.None);

        // A run shorter than the interval is never logged.
        using (feed.Begin("process-inbound"))
        {
            Advance(clock, 9);
        }

        var run = feed.Begin(RevalidatePhonesJob.Key);
        var silent = feed.Begin("expire-consents");
        run.Report(RevalidatePhonesJob.Classifying, 120_000, 1_000_000);
        Advance(clock, 9);
        var beforeTheInterval = logs.Entries.Count;
        Advance(clock, 1);
        run.Report(RevalidatePhonesJob.Classifying, 1_000_000, 1_000_000);
        run.Report(RevalidatePhonesJob.MarkingDuplicates, 4_321);
        silent.Dispose();
        Advance(clock, 10);
        run.Dispose();
        Advance(clock, 30);
        await display.StopAsync(CancellationToken.None);

        Assert.Equal(0, beforeTheInterval);
        Assert.All(logs.Entries, entry => Assert.Equal(LogLevel.Information, entry.Level));
        Assert.Equal(
            [
                "Job revalidate-phones: classifying 120000 of 1000000 contacts (12 %), 10 s",
                "Job expire-consents still running, 10 s",
                "Job revalidate-phones: classifying 1000000 of 1000000 contacts (100 %); marking duplicates 4321 contacts, 20 s",
            ],
            logs.Entries.Select(e => e.Text));
    }

    [Fact]
    public async Task OnATerminal_TheRunIsDrawnInPortuguese_AndWhatTheCommandWritesArrivesWhole()
    {
        var terminal = new WatchedWriter("classificando 120.000 de 1.000.000 contatos (12 %)");
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        var output = new StringWriter();
        var feed = new ProgressFeed();
        var errorBefore = Console.Error;
        var display = new ProgressDisplay(feed, console, terminal, output);
        display.Start(new ServiceCollection().BuildServiceProvider());
        Assert.True(display.IsLive);

        var run = feed.Begin(RevalidatePhonesJob.Key);
        run.Report(RevalidatePhonesJob.Classifying, 120_000, 1_000_000);
        await terminal.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        var lines = Enumerable.Range(1, 200).Select(i => $"linha {i} do comando").ToList();
        var writers = Enumerable.Range(0, 4).Select(part => Task.Run(() =>
        {
            foreach (var line in lines.Where((_, i) => i % 4 == part))
            {
                display.Output.WriteLine(line);
                display.Error!.WriteLine("log " + line);
            }
        }));
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        run.Dispose();
        await display.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        var written = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
        Assert.DoesNotContain('\u001b', output.ToString());
        var drawn = terminal.ToString();
        Assert.Contains(RevalidatePhonesJob.Key, drawn, StringComparison.Ordinal);
        Assert.All(lines, line => Assert.Contains("log " + line + Environment.NewLine, drawn, StringComparison.Ordinal));
        Assert.Same(errorBefore, Console.Error);
    }

    private static void Advance(FakeTimeProvider clock, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>A terminal's stream that says when a text has been drawn on it.</summary>
    private sealed class WatchedWriter(string awaited) : StringWriter(CultureInfo.InvariantCulture)
    {
        private readonly TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => seen.Task;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (this)
            {
                base.Write(value);
                Check();
            }
        }

        public override void Write(string? value)
        {
            lock (this)
            {
                base.Write(value);
                Check();
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (this)
            {
                base.Write(buffer, index, count);
                Check();
            }
        }

        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }

        private void Check()
        {
            if (!seen.Task.IsCompleted && GetStringBuilder().ToString().Contains(awaited, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        }
    }
}
