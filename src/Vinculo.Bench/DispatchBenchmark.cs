using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Dispatch;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --dispatch N [--latency MS] [--rate R]</c>: N people with three years of history (purchases, messages to
/// and from the business, earlier campaigns sent, read, failed or cancelled) and one message due each, in a scratch
/// database of the configured engine; then one <c>dispatch-messages</c> run through the real WhatsApp Cloud sender
/// against a loopback Cloud API on 127.0.0.1 that answers after <c>--latency</c> (default 150 ms). Reports messages per
/// second end to end (claim, re-check, send, record), the rate the API saw, and the working set during the run.
/// </summary>
public static class DispatchBenchmark
{
    /// <summary>Wednesday 2026-11-18, noon in São Paulo: inside the default window in every Brazilian zone.</summary>
    private static readonly DateTimeOffset Anchor = DateTimeOffset.Parse("2026-11-18T15:00:00Z", CultureInfo.InvariantCulture);

    private const int InsertBatch = 20_000;

    private static readonly string[] FirstNames =
    [
        "Maria", "José", "Ana", "João", "Francisca", "Antônio", "Adriana", "Carlos", "Juliana", "Paulo", "Márcia", "Lucas", "Fernanda",
        "Rafael", "Patrícia", "Gabriel", "Aline", "Marcos", "Camila", "Pedro", "Dra. Sandra", "~ Bia ~", "SEU JORGE", "Luíza", "Thiago",
    ];

    private static readonly string[] Surnames = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes"];

    private static readonly int[] AreaCodes = [11, 11, 11, 21, 21, 31, 41, 47, 48, 51, 61, 62, 65, 67, 68, 71, 81, 85, 91, 92, 95, 98];

    private static readonly string[] Products = ["Tênis Corrida Azul", "Café Especial 500g", "Kit Skincare", "Camiseta Dry Fit", "Whey 900g", "Bolo de Pote"];

    private static readonly BulkWrite ContactRows = new(
        "contacts",
        null,
        [
            new("contact_id", BulkType.Identifier), new("name", BulkType.Text), new("phone_raw", BulkType.Text), new("phone_e164", BulkType.Text),
            new("phone_hash", BulkType.Text), new("phone_status", BulkType.Text), new("phone_note", BulkType.Text), new("time_zone", BulkType.Text),
            new("phone_checked_at", BulkType.Timestamp), new("last_interaction_at", BulkType.Timestamp), new("created_at", BulkType.Timestamp),
            new("updated_at", BulkType.Timestamp),
        ]);

    /// <summary>Granted consents with their last confirmation (the benches that send or erase need it).</summary>
    internal static readonly BulkWrite ConsentRows = new(
        "consents",
        null,
        [
            new("contact_id", BulkType.Identifier), new("status", BulkType.Text), new("source", BulkType.Text), new("granted_at", BulkType.Timestamp),
            new("last_confirmed_at", BulkType.Timestamp), new("changed_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite MessageRows = new(
        "message_queue",
        null,
        [
            new("contact_id", BulkType.Identifier), new("content_id", BulkType.Identifier), new("phone_e164", BulkType.Text),
            new("scheduled_at", BulkType.Timestamp), new("relevance", BulkType.Fraction), new("body", BulkType.Text), new("template_params", BulkType.Text),
            new("status", BulkType.Text), new("status_reason", BulkType.Text), new("sent_as", BulkType.Text), new("provider_message_id", BulkType.Text),
            new("attempts", BulkType.Number), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp), new("sent_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite SuppressionRows = new(
        "suppression_list", null, [new("phone_hash", BulkType.Text), new("reason", BulkType.Text), new("added_at", BulkType.Timestamp)]);

    /// <param name="hostFor">A host on the scratch database with these extra settings, on this clock.</param>
    /// <param name="rate"><c>Dispatch:MessagesPerSecond</c>; null for no throttle to speak of (1,000 per second).</param>
    public static async Task<int> RunAsync(
        IServiceProvider configured, Func<string, IReadOnlyList<string>, TimeProvider, IServiceProvider> hostFor, int messages, int latencyMs, double? rate,
        int? concurrency, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var name = BenchDatabase.ScratchName("dispatch", configured.GetRequiredService<TimeProvider>().GetUtcNow());
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        var perSecond = rate ?? 1000;
        var inFlight = concurrency ?? Math.Clamp((int)Math.Ceiling(perSecond * latencyMs / 1000.0 * 1.5) + 4, 4, 256);
        await output.WriteLineAsync(
            $"Vinculo bench: {messages:N0} mensagens, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos; " +
            $"API local com {latencyMs} ms de latência, {perSecond.ToString(CultureInfo.InvariantCulture)} msg/s, {inFlight} envios simultâneos");
        var arrivals = new ConcurrentQueue<long>();
        await using var api = await LoopbackCloudApi.StartAsync(delay: TimeSpan.FromMilliseconds(latencyMs), record: false, arrivals: arrivals);
        try
        {
            var settings = new List<string>
            {
                "--Dispatch:Sender=WhatsAppCloud",
                $"--Dispatch:BaseUrl={api.BaseUrl.ToString().TrimEnd('/')}",
                "--Dispatch:PhoneNumberId=100000000000001",
                "--Dispatch:AccessToken=bench-token",
                $"--Dispatch:MessagesPerSecond={perSecond.ToString(CultureInfo.InvariantCulture)}",
                $"--Dispatch:MaxConcurrency={inFlight}",
                $"--Messaging:DailyLimit={Math.Max(messages, 1)}",
                "--Logging:LogLevel:Vinculo.Dispatch=Warning",
            };
            var services = hostFor(scratch, settings, new Hosting.OffsetTimeProvider(Anchor));
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);

            var watch = Stopwatch.StartNew();
            var history = await InsertAsync(database, messages, cancellationToken);
            await BenchDatabase.AnalyzeAsync(database, cancellationToken);
            await output.WriteLineAsync(
                $"  {"gerar e inserir",-30} {watch.Elapsed.TotalSeconds,8:N2} s   ({history.Interactions:N0} interações, {history.Messages:N0} mensagens antigas)");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            long peak;
            using (var process = Process.GetCurrentProcess())
            {
                peak = process.WorkingSet64;
            }

            var before = peak;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                while (!sampling.IsCancellationRequested)
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                    await Task.Delay(50, CancellationToken.None);
                }
            }, CancellationToken.None);

            watch.Restart();
            var run = await services.GetRequiredService<JobRunner>().RunAsync(DispatchMessagesJob.Key, cancellationToken);
            var elapsed = watch.Elapsed;
            await sampling.CancelAsync();
            await sampler;

            var sent = run.Result?.Detail is { } detail ? Sum(detail, "sent_session") + Sum(detail, "sent_template") : 0;
            await output.WriteLineAsync(
                $"  {"dispatch-messages",-30} {elapsed.TotalSeconds,8:N2} s   {sent / Math.Max(elapsed.TotalSeconds, 1e-9),10:N0} mensagens/s de ponta a ponta   ({sent:N0} enviadas, {api.Count:N0} pedidos à API)");
            if (run.Result?.Detail is { } counts)
            {
                await output.WriteLineAsync($"  {"detalhe",-30} {JsonSerializer.Serialize(counts)}");
            }

            await ReportRateAsync([.. arrivals], perSecond, output);
            await output.WriteLineAsync(
                $"  {"memória durante o envio",-30} {peak / 1024.0 / 1024.0,8:N0} MB (working set máximo, amostrado a cada 50 ms; {before / 1024.0 / 1024.0:N0} MB antes do envio)");
            if (run.Status != JobRunStatus.Succeeded)
            {
                await output.WriteLineAsync($"  falhou: {run.Error}");
            }

            return run.Status == JobRunStatus.Succeeded ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
        }
    }

    /// <summary>The rate the API saw over the steadiest minute available: from the fifth second for 60 s, or the whole run if shorter.</summary>
    private static async Task ReportRateAsync(long[] arrivals, double configured, TextWriter output)
    {
        if (arrivals.Length < 2)
        {
            return;
        }

        Array.Sort(arrivals);
        var first = arrivals[0];
        var total = Stopwatch.GetElapsedTime(first, arrivals[^1]);
        double measured;
        string over;
        if (total > TimeSpan.FromSeconds(65))
        {
            var from = first + (5 * Stopwatch.Frequency);
            var to = from + (60 * Stopwatch.Frequency);
            measured = arrivals.Count(a => a >= from && a < to) / 60.0;
            over = "60 s (do 5º ao 65º segundo)";
        }
        else
        {
            measured = (arrivals.Length - 1) / Math.Max(total.TotalSeconds, 1e-9);
            over = $"{total.TotalSeconds:N1} s (a execução toda)";
        }

        await output.WriteLineAsync(
            $"  {"taxa vista pela API",-30} {measured,8:N1} msg/s em {over}; configurada {configured.ToString(CultureInfo.InvariantCulture)} ({((measured / configured) - 1) * 100:+0.0;-0.0;0.0} %)");
    }

    private static long Sum(IReadOnlyDictionary<string, object?> detail, string key) => detail.TryGetValue(key, out var value) && value is long n ? n : 0;

    /// <summary>
    /// Person i: a Brazilian mobile from one of several area codes (every zone of the country), typed as people type them;
    /// consent granted up to three years ago; 4–14 interactions over three years (purchases of one of six products, messages
    /// written to the business; a third wrote in the last day, so their window is open); 6–18 earlier campaign messages over
    /// eighteen months, mostly delivered or read, some failed or cancelled; and one message due in the last two hours,
    /// rendered and with its template parameters as the planner leaves it. One in fifty numbers is suppressed and one in a
    /// hundred consents revoked, for the re-check to catch.
    /// </summary>
    private static async Task<(long Interactions, long Messages)> InsertAsync(Database database, int count, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        var contents = await InsertContentsAsync(database, cancellationToken);
        var contacts = new List<object?[]>(InsertBatch);
        var consents = new List<object?[]>(InsertBatch);
        var interactions = new List<object?[]>(InsertBatch * 8);
        var queue = new List<object?[]>(InsertBatch * 10);
        var suppressed = new List<object?[]>();
        long interactionCount = 0, historyCount = 0;
        for (long id = 1; id <= count; id++)
        {
            var ddd = AreaCodes[random.Next(AreaCodes.Length)];
            var subscriber = (900_000_000 + (id * 7919 % 99_999_999)).ToString(CultureInfo.InvariantCulture);
            var e164 = $"+55{ddd}{subscriber}";
            var raw = (id % 4) switch
            {
                0 => $"({ddd}) {subscriber[..5]}-{subscriber[5..]}",
                1 => $"{ddd}{subscriber}",
                2 => $"+55 {ddd} {subscriber[..5]}-{subscriber[5..]}",
                _ => $"0{ddd} {subscriber[..5]} {subscriber[5..]}",
            };
            var zone = ddd switch
            {
                65 or 66 or 67 or 69 or 92 or 97 or 95 => "America/Manaus",
                68 => "America/Rio_Branco",
                _ => "America/Sao_Paulo",
            };
            var person = $"{FirstNames[random.Next(FirstNames.Length)]} {Surnames[random.Next(Surnames.Length)]}";
            var grantedAt = Anchor.AddDays(-random.Next(30, 1095));
            var wroteToday = id % 3 == 0;
            var lastInteraction = wroteToday ? Anchor.AddHours(-random.Next(1, 20)) : Anchor.AddDays(-random.Next(2, 120));
            contacts.Add([id, person, raw, e164, PhoneHash.Of(e164), id % 17 == 0 ? "repaired" : "valid", id % 17 == 0 ? "ninth_digit_added" : null, zone, Anchor.AddDays(-3), lastInteraction, grantedAt.AddDays(-10), Anchor.AddDays(-3)]);
            consents.Add([id, id % 100 == 7 ? "revoked" : "granted", "form", grantedAt, grantedAt.AddDays(random.Next(0, 30)), grantedAt]);
            if (id % 50 == 0)
            {
                suppressed.Add([PhoneHash.Of(e164), "opt_out", Anchor.AddDays(-5)]);
            }

            string? lastProduct = null;
            var events = random.Next(4, 15);
            for (var e = 0; e < events; e++)
            {
                var at = Anchor.AddDays(-random.Next(2, 1095)).AddMinutes(-random.Next(0, 1440));
                if (e % 2 == 0)
                {
                    lastProduct = Products[random.Next(Products.Length)];
                    interactions.Add([id, "purchase", at, lastProduct, "loja", "erp"]);
                }
                else
                {
                    interactions.Add([id, "message_in", at, null, null, "whatsapp"]);
                }
            }

            if (wroteToday)
            {
                interactions.Add([id, "message_in", lastInteraction, null, null, "whatsapp"]);
            }

            interactionCount += events + (wroteToday ? 1 : 0);
            var earlier = random.Next(6, 19);
            for (var m = 0; m < earlier; m++)
            {
                var at = Anchor.AddDays(-8 - (m * 30) - random.Next(0, 20));
                var status = random.Next(10) switch { 0 => "failed", 1 => "cancelled", 2 or 3 => "sent", 4 or 5 or 6 => "delivered", _ => "read" };
                var went = status is "sent" or "delivered" or "read";
                queue.Add([
                    id, contents[random.Next(contents.Count)], e164, at, 0.4 + (random.NextDouble() / 2), "Olá! Novidades da loja.", null, status,
                    status == "failed" ? "undeliverable" : status == "cancelled" ? "opted_out" : null, went ? "template" : null,
                    went ? $"wamid.hist.{id}.{m}" : null, went ? 1 : 0, at.AddHours(-10), at, went ? at : null,
                ]);
            }

            historyCount += earlier;
            var first = person.Split(' ')[0];
            var product = lastProduct ?? Products[0];
            queue.Add([
                id, contents[(int)(id % contents.Count)], e164, Anchor.AddMinutes(-random.Next(1, 120)), 0.5 + (random.NextDouble() / 2),
                $"Oi, {first}! Chegou {product}. Para não receber mais mensagens, responda SAIR.", $$"""{"first_name":"{{first}}","product":"{{product}}"}""",
                "queued", null, null, null, 0, Anchor.AddHours(-9), Anchor.AddHours(-9), null,
            ]);

            if (contacts.Count == InsertBatch)
            {
                await BenchDatabase.WriteBatchesAsync(database, [(ContactRows, contacts), (ConsentRows, consents), (PlanBenchmark.InteractionRows, interactions), (MessageRows, queue), (SuppressionRows, suppressed)], cancellationToken);
            }
        }

        await BenchDatabase.WriteBatchesAsync(database, [(ContactRows, contacts), (ConsentRows, consents), (PlanBenchmark.InteractionRows, interactions), (MessageRows, queue), (SuppressionRows, suppressed)], cancellationToken);
        return (interactionCount, historyCount);
    }

    private static async Task<List<long>> InsertContentsAsync(Database database, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var connection = await database.OpenAsync(cancellationToken);
        var insert = database.Dialect.InsertReturningKey(
            "contents", "name, category, body, template_name, template_language, priority, created_at, updated_at",
            "@name, 'loja', @body, @template, 'pt_BR', 0, @at, @at", "content_id");
        for (var i = 1; i <= 20; i++)
        {
            ids.Add(await connection.ExecuteScalarAsync<long>(database.Command(
                insert,
                new
                {
                    name = $"Campanha {i}",
                    body = "Oi, {first_name}! Chegou {product}. Para não receber mais mensagens, responda SAIR.",
                    template = $"campanha_{i}",
                    at = Anchor.AddDays(-200),
                },
                cancellationToken)));
        }

        return ids;
    }
}
