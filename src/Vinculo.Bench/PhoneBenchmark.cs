using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;
using Vinculo.Jobs;
using Vinculo.Phones;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench [--contacts N]</c>: N synthetic contacts in a scratch database of the configured engine, then the
/// classifier alone (one thread, every core, same strings), the first full <c>revalidate-phones</c>
/// sweep, a re-sweep of the unchanged base, and the process's peak working set (<c>--keep</c> leaves the database for study).
/// </summary>
public static class PhoneBenchmark
{
    private const int ClassifierSample = 100_000;
    private const int InsertBatch = 50_000;

    public static readonly BulkWrite ContactInsert = new(
        "contacts",
        null,
        [new("name", BulkType.Text), new("phone_raw", BulkType.Text), new("phone_status", BulkType.Text), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp)]);

    public static async Task<int> RunAsync(IServiceProvider configured, Func<string, IServiceProvider> hostFor, int contacts, bool keep, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var clock = configured.GetRequiredService<TimeProvider>();
        var name = BenchDatabase.ScratchName("", clock.GetUtcNow());
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync($"Vinculo bench: {contacts:N0} contatos, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch);
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);

            var watch = Stopwatch.StartNew();
            await InsertAsync(database, contacts, clock.GetUtcNow(), cancellationToken);
            await Report(output, "gerar e inserir", watch.Elapsed, contacts, "contatos/s");

            var runner = services.GetRequiredService<JobRunner>();
            var serverBefore = await ServerProcessorTimesAsync(database, cancellationToken);
            var cpu = ProcessorTime();
            watch.Restart();
            var first = await runner.RunAsync(RevalidatePhonesJob.Key, cancellationToken);
            var firstTime = watch.Elapsed;
            cpu = ProcessorTime() - cpu;
            var serverAfter = await ServerProcessorTimesAsync(database, cancellationToken);
            await Report(output, "varredura completa", firstTime, first.Result?.Scanned ?? 0, "contatos/s", $"{first.Result?.Changed:N0} alterados");
            // Processor time is far less sensitive than elapsed time to other work on the machine; on a server engine it
            // counts this process only (reading, classifying, sending), not the server's.
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    CPU deste processo: {cpu.TotalSeconds:N2} s ({first.Result?.Scanned / Math.Max(cpu.TotalSeconds, 1e-9):N0} contatos por segundo de CPU)"));
            if (serverBefore is not null && serverAfter is not null)
            {
                var server = serverAfter.Sum(p => (p.Value - serverBefore.GetValueOrDefault(p.Key)).TotalSeconds);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    CPU das sessões do servidor: {server:N2} s (sem vacuum automático nem checkpoints)"));
            }

            if (first.Result?.Detail?.GetValueOrDefault("phase_seconds") is IReadOnlyDictionary<string, double> phases)
            {
                await output.WriteLineAsync("    fases: " + string.Join(", ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N2} s"))));
            }

            if (first.Result?.Detail?.GetValueOrDefault("busy_seconds") is IReadOnlyDictionary<string, double> busy)
            {
                await output.WriteLineAsync("    ocupado (sobrepostos): " + string.Join(", ", busy.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N2} s"))));
            }

            if (first.Result?.Detail?.GetValueOrDefault("checked_by_status") is IReadOnlyDictionary<string, long> statuses)
            {
                await output.WriteLineAsync("    estados: " + string.Join(", ", statuses.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:N0}"))));
            }

            watch.Restart();
            var again = await runner.RunAsync(RevalidatePhonesJob.Key, cancellationToken);
            await output.WriteLineAsync($"  {"varredura sem mudanças",-28} {watch.Elapsed.TotalSeconds,8:N2} s   ({again.Result?.Scanned:N0} lidos, {again.Result?.Changed:N0} alterados)");

            // Read before the classifier measurement, whose sample of strings is held in memory.
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico de memória (working set)",-28} {process.PeakWorkingSet64 / 1024.0 / 1024.0,8:N0} MB");
            }

            await ClassifierAsync(services.GetRequiredService<IOptions<PhonesOptions>>().Value, Math.Min(contacts, ClassifierSample), output);
            return first.Status == JobRunStatus.Succeeded && again.Status == JobRunStatus.Succeeded ? 0 : 1;
        }
        finally
        {
            if (keep)
            {
                await output.WriteLineAsync($"  banco mantido: '{name}'");
            }
            else
            {
                await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
            }
        }
    }

    private static async Task InsertAsync(Database database, int contacts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = new List<object?[]>(InsertBatch);
        var created = now.AddYears(-3);
        var index = 0;
        foreach (var contact in new SyntheticContacts().Generate(contacts))
        {
            // Spread creation over three years, in insertion order, so "oldest" means something.
            batch.Add([contact.Name, contact.PhoneRaw, "unchecked", created.AddSeconds(index * 90.0), now]);
            index++;
            if (batch.Count == InsertBatch)
            {
                await WriteAsync(database, batch, cancellationToken);
                batch.Clear();
            }
        }

        await WriteAsync(database, batch, cancellationToken);
    }

    private static async Task WriteAsync(Database database, List<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await database.Dialect.BulkWriteAsync(connection, transaction, ContactInsert, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ClassifierAsync(PhonesOptions options, int sample, TextWriter output)
    {
        var strings = new SyntheticContacts().Generate(sample).Select(c => c.PhoneRaw).ToArray();
        var classifier = new PhoneClassifier(new PhoneOptions { DefaultRegion = options.DefaultRegion, DefaultAreaCode = options.DefaultAreaCode });
        // One untimed pass, so the timed ones measure optimised code rather than the JIT's first tiers.
        foreach (var warmUp in strings)
        {
            classifier.Classify(warmUp);
        }

        var watch = Stopwatch.StartNew();
        var valid = 0;
        foreach (var raw in strings)
        {
            if (classifier.Classify(raw).E164 is not null)
            {
                valid++;
            }
        }

        await Report(output, "classificador, 1 thread", watch.Elapsed, strings.Length, "telefones/s", $"{valid:N0} com E.164");

        watch.Restart();
        Parallel.For(0, strings.Length, i => classifier.Classify(strings[i]));
        await Report(output, $"classificador, {Environment.ProcessorCount} threads", watch.Elapsed, strings.Length, "telefones/s");
    }

    /// <summary>
    /// Processor time of the PostgreSQL server processes serving the scratch database, by process id, when the server runs
    /// on this machine (read from <c>/proc</c>); null otherwise. Pooled sessions live through the sweep, so the difference
    /// of two readings is what the server spent on it.
    /// </summary>
    private static async Task<Dictionary<int, TimeSpan>?> ServerProcessorTimesAsync(Database database, CancellationToken cancellationToken)
    {
        if (database.Dialect.SessionProcessIdsSql is not { } sessionsSql || !OperatingSystem.IsLinux())
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var pids = await Dapper.SqlMapper.QueryAsync<int>(connection, sessionsSql);
        var times = new Dictionary<int, TimeSpan>();
        foreach (var pid in pids)
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", cancellationToken);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }

            // Fields after the command name: state is the first, utime the 12th and stime the 13th, in ticks of 1/100 s.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            times[pid] = TimeSpan.FromSeconds(ticks / 100.0);
        }

        return times;
    }

    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static Task Report(TextWriter output, string what, TimeSpan elapsed, long count, string unit, string? extra = null) =>
        output.WriteLineAsync(
            $"  {what,-28} {elapsed.TotalSeconds,8:N2} s   {count / Math.Max(elapsed.TotalSeconds, 1e-9),12:N0} {unit}" + (extra is null ? "" : $"   ({extra})"));
}
