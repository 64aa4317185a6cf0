using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Import;
using Vinculo.Jobs;

namespace Vinculo.Bench;

/// <summary>
/// What an import benchmark runs on: a migrated scratch database of the configured engine and an inbox folder of its
/// own, both removed afterwards. <see cref="ImportAsync"/> takes one file through the real import pipeline, timed.
/// </summary>
public sealed class ImportScratch
{
    private readonly InboxProcessor processor;
    private readonly ProgressFeed feed;
    private readonly TimeProvider clock;

    private ImportScratch(IServiceProvider services, string folder, TimeProvider clock)
    {
        processor = services.GetRequiredService<InboxProcessor>();
        feed = services.GetRequiredService<ProgressFeed>();
        Inbox = new InboxFolder(folder);
        Folder = folder;
        this.clock = clock;
    }

    public InboxFolder Inbox { get; }

    /// <summary>Where the benchmark writes its files (the inbox).</summary>
    public string Folder { get; }

    /// <summary>
    /// Runs <paramref name="benchmark"/> on a fresh scratch database named after <paramref name="kind"/>, after a header line
    /// (<paramref name="what"/>, then the engine, the database and the cores), and the process's peak working set after it.
    /// </summary>
    public static async Task<int> RunAsync(
        IServiceProvider configured, Func<string, IServiceProvider> hostFor, string kind, string what, TextWriter output, Func<ImportScratch, Task<bool>> benchmark,
        CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var clock = configured.GetRequiredService<TimeProvider>();
        var name = BenchDatabase.ScratchName(kind, clock.GetUtcNow());
        var folder = Directory.CreateTempSubdirectory($"vinculo-bench-{kind}-").FullName;
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync($"Vinculo bench: {what}, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch);
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
            var ok = await benchmark(new ImportScratch(services, folder, clock));
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico de memória (working set)",-28} {process.PeakWorkingSet64 / 1048576.0,8:N0} MB");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Imports one file of the inbox now, as the job would; returns its report and how long it took.</summary>
    public async Task<(FileReport Report, TimeSpan Elapsed)> ImportAsync(string path, CancellationToken cancellationToken)
    {
        using var progress = feed.Begin(ImportChatsJob.Key);
        var watch = Stopwatch.StartNew();
        var report = await processor.ProcessAsync(Inbox, path, null, 1, clock.GetUtcNow(), waitForSettle: false, progress, cancellationToken);
        return (report, watch.Elapsed);
    }
}
