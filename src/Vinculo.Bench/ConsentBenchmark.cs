using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --consents N</c>: N contacts with granted consents of every age (about a third stale: idle, or past
/// <c>expires_at</c>), half of them with a recent purchase or message, in a scratch database of the configured engine;
/// then one <c>expire-consents</c> run, a second run over the result, and the process's peak working set.
/// </summary>
public static class ConsentBenchmark
{
    private const int InsertBatch = 50_000;

    private static readonly BulkWrite ContactRows = new(
        "contacts",
        null,
        [
            new("contact_id", BulkType.Identifier), new("name", BulkType.Text), new("phone_e164", BulkType.Text), new("phone_hash", BulkType.Text),
            new("phone_status", BulkType.Text), new("last_interaction_at", BulkType.Timestamp), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite ConsentRows = new(
        "consents",
        null,
        [
            new("contact_id", BulkType.Identifier), new("status", BulkType.Text), new("source", BulkType.Text), new("granted_at", BulkType.Timestamp),
            new("last_confirmed_at", BulkType.Timestamp), new("expires_at", BulkType.Timestamp), new("changed_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite InteractionRows = new(
        "interactions",
        null,
        [new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("source", BulkType.Text)]);

    public static async Task<int> RunAsync(IServiceProvider configured, Func<string, IServiceProvider> hostFor, int consents, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var now = configured.GetRequiredService<TimeProvider>().GetUtcNow();
        var name = BenchDatabase.ScratchName("consents", now);
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync($"Vinculo bench: {consents:N0} consentimentos, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch);
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);

            var watch = Stopwatch.StartNew();
            await InsertAsync(database, consents, now, cancellationToken);
            // A live base has planner statistics; a freshly loaded one has none yet.
            await BenchDatabase.AnalyzeAsync(database, cancellationToken);

            await output.WriteLineAsync($"  {"gerar e inserir",-28} {watch.Elapsed.TotalSeconds,8:N2} s");

            var runner = services.GetRequiredService<JobRunner>();
            watch.Restart();
            var first = await runner.RunAsync(ExpireConsentsJob.Key, cancellationToken);
            var elapsed = watch.Elapsed;
            await output.WriteLineAsync(
                $"  {"expire-consents",-28} {elapsed.TotalSeconds,8:N2} s   {consents / Math.Max(elapsed.TotalSeconds, 1e-9),12:N0} consentimentos/s   ({first.Result?.Changed:N0} expirados)");

            watch.Restart();
            var again = await runner.RunAsync(ExpireConsentsJob.Key, cancellationToken);
            await output.WriteLineAsync($"  {"segunda execução",-28} {watch.Elapsed.TotalSeconds,8:N2} s   ({again.Result?.Changed:N0} expirados)");
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico de memória (working set)",-28} {process.PeakWorkingSet64 / 1024.0 / 1024.0,8:N0} MB");
            }

            return first.Status == JobRunStatus.Succeeded && again.Status == JobRunStatus.Succeeded ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
        }
    }

    /// <summary>
    /// Contact i: granted between 0 and 730 days ago (half of them past the 365 idle days); every other contact wrote or
    /// bought within the last 200 days; one in ten consents has an <c>expires_at</c>, half of those already past.
    /// </summary>
    private static async Task InsertAsync(Database database, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        var contacts = new List<object?[]>(InsertBatch);
        var consents = new List<object?[]>(InsertBatch);
        var interactions = new List<object?[]>(InsertBatch);
        for (long id = 1; id <= count; id++)
        {
            var e164 = "+55119" + (10_000_000 + id).ToString(CultureInfo.InvariantCulture);
            var grantedAt = now.AddDays(-random.Next(0, 730)).AddMinutes(-random.Next(0, 1440));
            DateTimeOffset? lastInteraction = id % 2 == 0 ? now.AddDays(-random.Next(0, 200)) : null;
            DateTimeOffset? expiresAt = id % 10 == 0 ? now.AddDays(random.Next(-30, 30)) : null;
            contacts.Add([id, "Cliente", e164, PhoneHash.Of(e164), "valid", id % 4 == 0 ? lastInteraction : null, grantedAt.AddDays(-1), now]);
            consents.Add([id, "granted", "form", grantedAt, grantedAt, expiresAt, grantedAt]);
            if (id % 4 == 2)
            {
                interactions.Add([id, "purchase", lastInteraction, "erp"]);
            }

            if (contacts.Count == InsertBatch)
            {
                await WriteAsync(database, contacts, consents, interactions, cancellationToken);
            }
        }

        await WriteAsync(database, contacts, consents, interactions, cancellationToken);
    }

    private static async Task WriteAsync(Database database, List<object?[]> contacts, List<object?[]> consents, List<object?[]> interactions, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (write, rows) in new[] { (ContactRows, contacts), (ConsentRows, consents), (InteractionRows, interactions) })
        {
            if (rows.Count > 0)
            {
                await database.Dialect.BulkWriteAsync(connection, transaction, write, rows, cancellationToken);
                rows.Clear();
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
