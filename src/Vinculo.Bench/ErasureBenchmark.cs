using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --erasure N</c>: a base of a million contacts as a business has it (nineteen in twenty classified by
/// <c>revalidate-phones</c>, one in twenty written by another tool with only <c>phone_raw</c> in the forms people type; half
/// with consent, a quarter with a purchase), in a scratch database of the configured engine; then N erasure requests
/// (a third for classified contacts, a third for unclassified ones, a third for numbers the base does not hold) carried
/// out by one <c>retention</c> run, and a second run with nothing left to do.
/// </summary>
public static class ErasureBenchmark
{
    public const int BaseContacts = 1_000_000;

    private const int InsertBatch = 50_000;

    private static readonly DateTimeOffset Anchor = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly BulkWrite ContactRows = new(
        "contacts",
        null,
        [
            new("contact_id", BulkType.Identifier), new("name", BulkType.Text), new("phone_raw", BulkType.Text), new("phone_e164", BulkType.Text),
            new("phone_hash", BulkType.Text), new("phone_status", BulkType.Text), new("phone_checked_at", BulkType.Timestamp), new("time_zone", BulkType.Text),
            new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite InteractionRows = new(
        "interactions",
        null,
        [new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("source", BulkType.Text)]);

    private static readonly BulkWrite RequestRows = new(
        "erasure_requests", null, [new("phone", BulkType.Text), new("requested_at", BulkType.Timestamp), new("status", BulkType.Text)]);

    public static async Task<int> RunAsync(
        IServiceProvider configured, Func<string, IReadOnlyList<string>, TimeProvider, IServiceProvider> hostFor, int requests, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var name = BenchDatabase.ScratchName("erasure", configured.GetRequiredService<TimeProvider>().GetUtcNow());
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync(
            $"Vinculo bench: {requests:N0} pedidos de exclusão numa base de {BaseContacts:N0} contatos, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch, ["--Logging:LogLevel:Vinculo=Warning"], new Hosting.OffsetTimeProvider(Anchor.AddDays(1)));
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
            var watch = Stopwatch.StartNew();
            await InsertBaseAsync(database, cancellationToken);
            var expected = await InsertRequestsAsync(database, requests, cancellationToken);
            await BenchDatabase.AnalyzeAsync(database, cancellationToken);
            await output.WriteLineAsync($"  {"gerar e inserir a base",-30} {watch.Elapsed.TotalSeconds,8:N2} s");

            var runner = services.GetRequiredService<JobRunner>();
            watch.Restart();
            var first = await runner.RunAsync(RetentionJob.Key, cancellationToken);
            var elapsed = watch.Elapsed;
            await output.WriteLineAsync(
                $"  {"retention: pedidos de exclusão",-30} {elapsed.TotalSeconds,8:N2} s   {requests / Math.Max(elapsed.TotalSeconds, 1e-9),10:N0} pedidos/s");

            watch.Restart();
            var again = await runner.RunAsync(RetentionJob.Key, cancellationToken);
            await output.WriteLineAsync($"  {"segunda execução",-30} {watch.Elapsed.TotalSeconds,8:N2} s");

            await using var connection = await database.OpenAsync(cancellationToken);
            var erased = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM contacts WHERE erased_at IS NOT NULL");
            var done = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM erasure_requests WHERE status = 'done'");
            await output.WriteLineAsync($"  {"contatos anonimizados",-30} {erased,8:N0}   (esperados {expected:N0}; pedidos concluídos {done:N0} de {requests:N0})");
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico de memória (working set)",-30} {process.PeakWorkingSet64 / 1024.0 / 1024.0,8:N0} MB");
            }

            var ok = first.Status == JobRunStatus.Succeeded && again.Status == JobRunStatus.Succeeded && erased == expected && done == requests;
            return ok ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
        }
    }

    /// <summary>Contact i's number: +55 11 9 followed by eight digits.</summary>
    private static string Number(long i) => "+55119" + (10_000_000 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>One in twenty is written by another tool: only the number as typed, not yet classified.</summary>
    private static bool Unchecked(long i) => i % 20 == 7;

    private static string Typed(long i)
    {
        var digits = (10_000_000 + i).ToString(CultureInfo.InvariantCulture);
        return (i % 3) switch
        {
            0 => $"(11) 9{digits[..4]}-{digits[4..]}",
            1 => $"11 9{digits}",
            _ => $"+55 11 9{digits[..4]} {digits[4..]}",
        };
    }

    private static async Task InsertBaseAsync(Database database, CancellationToken cancellationToken)
    {
        var contacts = new List<object?[]>(InsertBatch);
        var consents = new List<object?[]>(InsertBatch);
        var interactions = new List<object?[]>(InsertBatch);
        var created = Anchor.AddDays(-400);
        for (long id = 1; id <= BaseContacts; id++)
        {
            var e164 = Number(id);
            contacts.Add(Unchecked(id)
                ? [id, "Cliente " + id, Typed(id), null, null, "unchecked", null, null, created, created]
                : [id, "Cliente " + id, e164, e164, PhoneHash.Of(e164), "valid", created, "America/Sao_Paulo", created, created]);
            if (id % 2 == 0)
            {
                consents.Add([id, "granted", "form", created, created, created]);
            }

            if (id % 4 == 1)
            {
                interactions.Add([id, "purchase", Anchor.AddDays(-(id % 300)), "erp"]);
            }

            if (contacts.Count == InsertBatch)
            {
                await BenchDatabase.WriteBatchesAsync(database, [(ContactRows, contacts), (DispatchBenchmark.ConsentRows, consents), (InteractionRows, interactions)], cancellationToken);
            }
        }

        await BenchDatabase.WriteBatchesAsync(database, [(ContactRows, contacts), (DispatchBenchmark.ConsentRows, consents), (InteractionRows, interactions)], cancellationToken);
    }

    /// <summary>Requests for contacts spread over the base, a third of them for unclassified rows, and a third for unknown numbers.</summary>
    /// <returns>How many contacts the requests name.</returns>
    private static async Task<long> InsertRequestsAsync(Database database, int requests, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>(requests);
        var expected = 0L;
        var step = BaseContacts / Math.Max(requests, 1);
        for (var r = 0; r < requests; r++)
        {
            var slot = (long)r * step;
            var (number, known) = (r % 3) switch
            {
                0 => (Number(slot - (slot % 20) + 3), true),
                1 => (Number(slot - (slot % 20) + 7), true),
                _ => (Number(BaseContacts + 1 + r), false),
            };
            expected += known ? 1 : 0;
            rows.Add([number, Anchor, "pending"]);
        }

        await BenchDatabase.WriteBatchesAsync(database, [(RequestRows, rows)], cancellationToken);
        return expected;
    }
}
