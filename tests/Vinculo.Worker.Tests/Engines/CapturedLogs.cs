using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vinculo.Engines;

/// <summary>Every log line a host wrote, with its exception, so tests can check what reaches the logs.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> entries = new();
    private readonly List<(string Fragment, TaskCompletionSource Seen)> waiters = [];

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Entries => [.. entries];

    public string All => string.Join("\n", entries.Select(e => $"{e.Level} {e.Category}: {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes when a line containing <paramref name="fragment"/> has been logged.</summary>
    public Task WhenLogged(string fragment)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            if (entries.Any(e => e.Text.Contains(fragment, StringComparison.Ordinal)))
            {
                seen.TrySetResult();
            }
            else
            {
                waiters.Add((fragment, seen));
            }
        }

        return seen.Task;
    }

    private void Add(LogLevel level, string category, string text)
    {
        lock (waiters)
        {
            entries.Enqueue((level, category, text));
            foreach (var waiter in waiters.Where(w => text.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                waiters.Remove(waiter);
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Add(logLevel, category, formatter(state, exception) + (exception is null ? "" : "\n" + exception));
    }
}
