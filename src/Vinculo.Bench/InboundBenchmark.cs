using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Jobs;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --inbound N</c>: N people who got a message each, in a scratch database of the configured engine; then N inbound
/// messages written as a WhatsApp integration writes them (most of them everyday texts, some opt-outs, opt-ins, replies to
/// unknown numbers and media placeholders) applied by one <c>process-inbound</c> run, and 2N delivery statuses (every
/// message delivered, most read, some failed, some for messages nobody here sent, some twice) applied by another.
/// </summary>
public static class InboundBenchmark
{
    private static readonly DateTimeOffset Anchor = DateTimeOffset.Parse("2026-11-18T15:00:00Z", CultureInfo.InvariantCulture);

    private static readonly string[] Texts =
    [
        "Oi, tudo bem? Queria saber do meu pedido", "Bom dia!", "Tem esse tênis no 42?", "Obrigada 😊", "kkkk", "Pode me mandar o catálogo?",
        "vou sair para almoçar, depois te respondo", "Qual o horário de vocês amanhã?", "👍", "[image]", "Chegou certinho, obrigado!",
    ];

    private static readonly BulkWrite InboundRows = new(
        "inbound_messages",
        null,
        [new("provider_message_id", BulkType.Text), new("from_phone", BulkType.Text), new("body", BulkType.Text), new("kind", BulkType.Text), new("received_at", BulkType.Timestamp)]);

    private static readonly BulkWrite StatusRows = new(
        "message_status_events",
        null,
        [
            new("provider_message_id", BulkType.Text), new("status", BulkType.Text), new("error_code", BulkType.Number), new("occurred_at", BulkType.Timestamp),
            new("received_at", BulkType.Timestamp), new("recipient_id", BulkType.Text),
        ]);

    public static async Task<int> RunAsync(IServiceProvider configured, Func<string, IReadOnlyList<string>, TimeProvider, IServiceProvider> hostFor, int people, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var name = BenchDatabase.ScratchName("inbound", configured.GetRequiredService<TimeProvider>().GetUtcNow());
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync($"Vinculo bench: {people:N0} pessoas, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch, ["--Logging:LogLevel:Vinculo=Warning"], new Hosting.OffsetTimeProvider(Anchor.AddHours(1)));
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
            var watch = Stopwatch.StartNew();
            await SentBase.InsertAsync(database, people, Number, WaMessageId, i => i % 50 == 0 ? "unreachable" : "valid", Anchor, cancellationToken);
            await output.WriteLineAsync($"  {"gerar e inserir a base",-34} {watch.Elapsed.TotalSeconds,8:N2} s");

            var runner = services.GetRequiredService<JobRunner>();
            var ok = true;
            await SentBase.WriteAsync(database, InboundRows, InboundMessages(people), cancellationToken);
            await BenchDatabase.AnalyzeAsync(database, cancellationToken);
            watch.Restart();
            var inbound = await runner.RunAsync(ProcessInboundJob.Key, cancellationToken);
            var elapsed = watch.Elapsed;
            ok &= inbound.Status == JobRunStatus.Succeeded;
            await output.WriteLineAsync(
                $"  {"process-inbound: mensagens",-34} {elapsed.TotalSeconds,8:N2} s   {people / Math.Max(elapsed.TotalSeconds, 1e-9),10:N0} mensagens/s   ({Describe(inbound)})");

            var statuses = Statuses(people).ToList();
            await SentBase.WriteAsync(database, StatusRows, statuses, cancellationToken);
            await BenchDatabase.AnalyzeAsync(database, cancellationToken);
            watch.Restart();
            var applied = await runner.RunAsync(ProcessInboundJob.Key, cancellationToken);
            elapsed = watch.Elapsed;
            ok &= applied.Status == JobRunStatus.Succeeded;
            await output.WriteLineAsync(
                $"  {"process-inbound: status de entrega",-34} {elapsed.TotalSeconds,8:N2} s   {statuses.Count / Math.Max(elapsed.TotalSeconds, 1e-9),10:N0} status/s   ({Describe(applied)})");
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico de memória (working set)",-34} {process.PeakWorkingSet64 / 1024.0 / 1024.0,8:N0} MB");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
        }
    }

    private static string Describe(JobRunOutcome run) =>
        run.Status == JobRunStatus.Succeeded
            ? $"{run.Result!.Scanned:N0} lidos, {run.Result.Changed:N0} aplicados; ms por fase {System.Text.Json.JsonSerializer.Serialize(run.Result.Detail?["timing_ms"])}"
            : "falhou: " + run.Error;

    private static string Number(long id) => "+55119" + (70_000_000 + id).ToString(CultureInfo.InvariantCulture);

    private static string WaMessageId(long id) => "wamid.bench." + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One message per person, in the forms integrations write numbers (wa_id digits, E.164, the old 12-digit form): one in a
    /// hundred an opt-out, one in two hundred an opt-in, one in fifty from a number nobody knows.
    /// </summary>
    private static IEnumerable<object?[]> InboundMessages(int people)
    {
        for (long i = 1; i <= people; i++)
        {
            var number = i % 50 == 7 ? "+55219" + (60_000_000 + i).ToString(CultureInfo.InvariantCulture) : Number(i);
            var from = (i % 3) switch
            {
                0 => number.TrimStart('+'),
                1 => number,
                _ => number.Length == 14 ? number[1..5] + number[6..] : number.TrimStart('+'),
            };
            var body = i % 100 == 3 ? "SAIR" : i % 200 == 5 ? "sim" : Texts[(int)(i % Texts.Length)];
            yield return ["wamid.in." + i.ToString(CultureInfo.InvariantCulture), from, body, body == "[image]" ? "image" : "text", Anchor.AddMinutes(-50).AddMilliseconds(i)];
        }
    }

    /// <summary>
    /// Two statuses per person, as Meta sends them: delivered then read (read before delivered for some), failed 131026 for one
    /// in fifty, a status twice for one in twenty, and one in a hundred for a message this base never sent.
    /// </summary>
    private static IEnumerable<object?[]> Statuses(int people)
    {
        for (long i = 1; i <= people; i++)
        {
            var at = Anchor.AddMinutes(-55).AddMilliseconds(i);
            var id = i % 100 == 11 ? "wamid.elsewhere." + i.ToString(CultureInfo.InvariantCulture) : WaMessageId(i);
            var recipient = Number(i).TrimStart('+');
            if (i % 50 == 13)
            {
                yield return [id, "failed", 131026, at, at, recipient];
                yield return [id, "failed", 131026, at, at, recipient];
                continue;
            }

            var read = i % 5 != 0;
            yield return [id, "delivered", null, at, at, recipient];
            yield return [id, read ? "read" : "delivered", null, at.AddMinutes(read ? 4 : 0), at.AddMinutes(4), recipient];
        }
    }
}
