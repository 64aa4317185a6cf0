using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Planning;
using Vinculo.Privacy;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --plan N</c>: N contacts with histories (purchases in eight categories, messages around a personal hour,
/// reads, earlier messages from the business; most with granted consent, some revoked, duplicated, suppressed or with
/// a bad number) and 20 active contents, in a scratch database of the configured engine; then one
/// <c>plan-messages</c> run, its phases as the run recorded them, and the memory it took.
/// </summary>
public static class PlanBenchmark
{
    private const int InsertBatch = 20_000;
    private const int ContentCount = 20;

    private static readonly string[] Categories = ["cafe", "vinho", "padaria", "queijos", "doces", "chas", "azeites", "massas"];

    private static readonly BulkWrite ContactRows = new(
        "contacts",
        null,
        [
            new("contact_id", BulkType.Identifier), new("name", BulkType.Text), new("phone_raw", BulkType.Text), new("phone_e164", BulkType.Text),
            new("phone_hash", BulkType.Text), new("phone_status", BulkType.Text), new("time_zone", BulkType.Text), new("duplicate_of", BulkType.Identifier),
            new("last_interaction_at", BulkType.Timestamp), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    internal static readonly BulkWrite ConsentRows = new(
        "consents",
        null,
        [
            new("contact_id", BulkType.Identifier), new("status", BulkType.Text), new("source", BulkType.Text), new("granted_at", BulkType.Timestamp),
            new("changed_at", BulkType.Timestamp),
        ]);

    internal static readonly BulkWrite InteractionRows = new(
        "interactions",
        null,
        [
            new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("product", BulkType.Text),
            new("category", BulkType.Text), new("source", BulkType.Text),
        ]);

    private static readonly BulkWrite MessageRows = new(
        "message_queue",
        null,
        [
            new("contact_id", BulkType.Identifier), new("content_id", BulkType.Identifier), new("phone_e164", BulkType.Text), new("scheduled_at", BulkType.Timestamp),
            new("relevance", BulkType.Fraction), new("status", BulkType.Text), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
            new("sent_at", BulkType.Timestamp),
        ]);

    internal static readonly BulkWrite SuppressionRows = new(
        "suppression_list", null, [new("phone_hash", BulkType.Text), new("reason", BulkType.Text), new("added_at", BulkType.Timestamp)]);

    private static readonly BulkWrite ContentRows = new(
        "contents",
        null,
        [
            new("content_id", BulkType.Identifier), new("name", BulkType.Text), new("category", BulkType.Text), new("body", BulkType.Text),
            new("priority", BulkType.Number), new("active", BulkType.Flag), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    public static async Task<int> RunAsync(IServiceProvider configured, Func<string, IServiceProvider> hostFor, int contacts, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var now = configured.GetRequiredService<TimeProvider>().GetUtcNow();
        var name = BenchDatabase.ScratchName("plan", now);
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync(
            $"Vinculo bench: plan-messages sobre {contacts:N0} contatos com histórico e {ContentCount} conteúdos, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch);
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
            var messaging = services.GetRequiredService<IOptions<MessagingOptions>>().Value;

            var watch = Stopwatch.StartNew();
            var rows = await InsertAsync(database, contacts, now, cancellationToken);
            // A live base has planner statistics; a freshly loaded one has none yet.
            await BenchDatabase.AnalyzeAsync(database, cancellationToken);

            await output.WriteLineAsync($"  {"gerar e inserir",-30} {watch.Elapsed.TotalSeconds,8:N2} s   ({rows})");

            // What the generator left behind is not the planner's: collect it before measuring.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var sampler = new MemorySampler();
            var before = MemorySampler.Current;
            var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
            TimeSpan cpuBefore;
            using (var process = Process.GetCurrentProcess())
            {
                cpuBefore = process.TotalProcessorTime;
            }

            watch.Restart();
            var run = await services.GetRequiredService<JobRunner>().RunAsync(PlanMessagesJob.Key, cancellationToken);
            var elapsed = watch.Elapsed;
            var (peakWorkingSet, peakHeap, liveAfterFullGc) = await sampler.StopAsync();
            TimeSpan cpu;
            using (var process = Process.GetCurrentProcess())
            {
                cpu = process.TotalProcessorTime - cpuBefore;
            }
            if (run.Status != JobRunStatus.Succeeded)
            {
                await output.WriteLineAsync($"  plan-messages falhou: {run.Error}");
                return 1;
            }

            await output.WriteLineAsync(
                $"  {"plan-messages",-30} {elapsed.TotalSeconds,8:N2} s   {contacts / Math.Max(elapsed.TotalSeconds, 1e-9),12:N0} contatos/s   (limite diário {messaging.DailyLimit:N0}, lote {messaging.BatchSize:N0})");
            await ReportDetailAsync(run.Result!, output);
            await output.WriteLineAsync(
                $"  {"CPU do processo",-30} {cpu.TotalSeconds,8:N2} s ({cpu / elapsed:N2} núcleos em média); coletas do GC {GC.CollectionCount(0) - gcBefore.Gen0}/{GC.CollectionCount(1) - gcBefore.Gen1}/{GC.CollectionCount(2) - gcBefore.Gen2} (ger. 0/1/2), pausas {(GC.GetTotalPauseDuration() - gcBefore.Pause).TotalSeconds:N2} s");
            await output.WriteLineAsync($"  {"memória antes da execução",-30} {before.WorkingSet / 1048576.0,8:N0} MB working set, {before.Heap / 1048576.0,6:N0} MB heap gerenciado");
            await output.WriteLineAsync(
                $"  {"pico durante a execução",-30} {peakWorkingSet / 1048576.0,8:N0} MB working set, {peakHeap / 1048576.0,6:N0} MB heap gerenciado, " +
                $"{liveAfterFullGc / 1048576.0:N0} MB vivos após a maior coleta completa");
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico do processo (com a geração)",-30} {process.PeakWorkingSet64 / 1048576.0,8:N0} MB");
            }

            // The same night again: the hours are learned and the day's messages queued, as on a re-run.
            watch.Restart();
            var again = await services.GetRequiredService<JobRunner>().RunAsync(PlanMessagesJob.Key, cancellationToken);
            await output.WriteLineAsync(
                $"  {"segunda execução na noite",-30} {watch.Elapsed.TotalSeconds,8:N2} s   {contacts / Math.Max(watch.Elapsed.TotalSeconds, 1e-9),12:N0} contatos/s   ({again.Result?.Changed:N0} na fila)");
            return again.Status == JobRunStatus.Succeeded ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
        }
    }

    private static async Task ReportDetailAsync(JobResult result, TextWriter output)
    {
        using var detail = JsonDocument.Parse(JsonSerializer.Serialize(result.Detail));
        var root = detail.RootElement;
        string Count(string key) => root.GetProperty(key).GetInt64().ToString("N0", CultureInfo.CurrentCulture);
        await output.WriteLineAsync(
            $"  {"pessoas",-30} {Count("people")} lidas: {Count("eligible")} elegíveis, {Count("queued")} na fila para {root.GetProperty("send_day").GetString()}; " +
            $"sem consentimento {Count("no_consent")}, não vigente {Count("not_fresh")}, suprimidas {Count("suppressed")}, no limite de frequência {Count("capped")}, " +
            $"abaixo da relevância {Count("below_threshold")}, além do limite diário {Count("over_daily_limit")}; horários aprendidos {Count("preferred_hour_updated")}");
        foreach (var phase in root.GetProperty("timing_ms").EnumerateObject().OrderByDescending(p => p.Value.GetInt64()))
        {
            await output.WriteLineAsync($"    {phase.Name,-28} {phase.Value.GetInt64() / 1000.0,8:N2} s");
        }
    }

    /// <summary>
    /// Contact i: a valid mobile (one in 40 invalid), in São Paulo's zone (one in ten in Manaus, one in 25 in Rio Branco);
    /// 80% granted consent, 10% revoked, 10% none; one in 50 has a second row (a duplicate, with its own consent); one in
    /// 100 numbers suppressed. Up to 3 purchases, 5 messages around a personal hour and 1 read; three in ten got
    /// messages from the business in the last four months.
    /// </summary>
    private static async Task<string> InsertAsync(Database database, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        // Written in this order: contents and contacts before the rows that reference them.
        var batches = new Dictionary<BulkWrite, List<object?[]>>
        {
            [ContentRows] = [], [ContactRows] = [], [ConsentRows] = [], [InteractionRows] = [], [MessageRows] = [], [SuppressionRows] = [],
        };
        var totals = batches.Keys.ToDictionary(k => k, _ => 0L);
        var created = now.AddYears(-2);
        for (var c = 1; c <= ContentCount; c++)
        {
            var category = c <= 16 ? Categories[(c - 1) % Categories.Length] : null;
            var body = (c % 3) switch
            {
                0 => $"Olá {{first_name}}, o {{product}} que você gosta tem novidade ({c}).",
                1 => $"Oi {{first_name}}! Chegou coisa nova em {category ?? "toda a loja"} esta semana ({c}).",
                _ => $"{{first_name}}, separamos uma oferta de {category ?? "produtos variados"} para você ({c}).",
            };
            batches[ContentRows].Add([(long)c, $"Conteúdo {c}", category, body, (c % 6) - 2, true, created, created]);
        }

        for (long id = 1; id <= count; id++)
        {
            var e164 = "+55119" + (10_000_000 + id).ToString(CultureInfo.InvariantCulture);
            var valid = id % 40 != 0;
            var zone = id % 10 == 0 ? "America/Manaus" : id % 25 == 0 ? "America/Rio_Branco" : "America/Sao_Paulo";
            var habit = random.Next(7, 23);
            DateTimeOffset? lastInteraction = null;
            for (var m = random.Next(0, 6); m > 0; m--)
            {
                var at = now.AddDays(-random.Next(1, 180)).Date.AddHours(habit + 3).AddMinutes(random.Next(-50, 50));
                var instant = new DateTimeOffset(at, TimeSpan.Zero);
                lastInteraction = lastInteraction is null || instant > lastInteraction ? instant : lastInteraction;
                batches[InteractionRows].Add([id, "message_in", instant, null, null, "bench"]);
            }

            if (random.Next(0, 2) == 0)
            {
                batches[InteractionRows].Add([id, "read", now.AddDays(-random.Next(1, 90)).AddMinutes(random.Next(0, 1440)), null, null, "bench"]);
            }

            for (var p = random.Next(0, 4); p > 0; p--)
            {
                var category = Categories[random.Next(Categories.Length)];
                batches[InteractionRows].Add([id, "purchase", now.AddDays(-random.Next(0, 365)).AddMinutes(random.Next(0, 1440)), category + " especial", category, "bench"]);
            }

            batches[ContactRows].Add([id, "Cliente " + id, e164, valid ? e164 : null, valid ? PhoneHash.Of(e164) : null, valid ? "valid" : "invalid", zone, null, lastInteraction, created, now]);
            var roll = random.NextDouble();
            if (roll < 0.9)
            {
                var grantedAt = now.AddDays(-random.Next(1, 300));
                batches[ConsentRows].Add([id, roll < 0.8 ? "granted" : "revoked", "form", grantedAt, grantedAt]);
            }

            if (id % 50 == 0)
            {
                var duplicate = count + (id / 50);
                batches[ContactRows].Add([duplicate, "Cliente " + id, e164, e164, PhoneHash.Of(e164), "duplicate", zone, id, null, now.AddDays(-10), now]);
                batches[ConsentRows].Add([duplicate, "granted", "form", now.AddDays(-10), now.AddDays(-10)]);
            }

            if (id % 100 == 7)
            {
                batches[SuppressionRows].Add([PhoneHash.Of(e164), "opt_out", now.AddDays(-30)]);
            }

            if (valid && random.NextDouble() < 0.3)
            {
                var first = now.AddDays(-random.Next(8, 120));
                for (var m = random.Next(1, 5); m > 0; m--, first = first.AddDays(7))
                {
                    var at = first.Date.AddHours(habit + 3);
                    var sent = new DateTimeOffset(at, TimeSpan.Zero);
                    if (sent < now.AddDays(-7))
                    {
                        batches[MessageRows].Add([id, (long)random.Next(1, ContentCount + 1), e164, sent, 0.5, random.Next(0, 3) == 0 ? "read" : "delivered", sent, sent, sent]);
                    }
                }
            }

            if (batches[ContactRows].Count >= InsertBatch)
            {
                await BenchDatabase.WriteBatchesAsync(database, batches, totals, cancellationToken);
            }
        }

        await BenchDatabase.WriteBatchesAsync(database, batches, totals, cancellationToken);
        return string.Join(", ", totals.Select(t => $"{t.Key.Table} {t.Value:N0}"));
    }
}
