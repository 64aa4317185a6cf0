using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Webhook;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --webhook N</c>: the real webhook server of the worker on 127.0.0.1, in front of a scratch database of the
/// configured engine, receiving N signed POSTs from 32 concurrent senders (half inbound texts from known people, half
/// delivery statuses of messages they were sent, as Meta delivers them), while <c>process-inbound</c> runs again and again
/// beside it, normalising and applying what arrives. Reports POSTs per second, their latency, and what was applied.
/// </summary>
public static class WebhookBenchmark
{
    private const string Secret = "bench-app-secret";
    private const int Senders = 32;
    private const int People = 10_000;

    private static readonly DateTimeOffset Anchor = DateTimeOffset.Parse("2026-11-18T15:00:00Z", CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(
        IServiceProvider configured, Func<string, IReadOnlyList<string>, TimeProvider, IServiceProvider> hostFor, int posts, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var name = BenchDatabase.ScratchName("webhook", configured.GetRequiredService<TimeProvider>().GetUtcNow());
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync($"Vinculo bench: {posts:N0} POSTs assinados ao webhook, {Senders} remetentes simultâneos, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(
                scratch,
                ["--Webhook:Enabled=true", "--Webhook:Urls=http://127.0.0.1:0", "--Webhook:VerifyToken=bench", $"--Webhook:AppSecret={Secret}", "--Logging:LogLevel:Vinculo=Warning"],
                new Hosting.OffsetTimeProvider(Anchor.AddHours(1)));
            var database = services.GetRequiredService<Database>();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
            await SentBase.InsertAsync(
                database, People, id => "+" + Number(id - 1), id => "wamid.bench.out." + id.ToString(CultureInfo.InvariantCulture), _ => "valid", Anchor, cancellationToken);

            await using var server = ActivatorUtilities.CreateInstance<WebhookServer>(services);
            await server.StartAsync(cancellationToken);
            var endpoint = new Uri(server.Addresses[0], "/webhook");
            var bodies = Enumerable.Range(0, posts).Select(Payload).ToArray();

            var runner = services.GetRequiredService<JobRunner>();
            using var sending = new CancellationTokenSource();
            long applied = 0;
            var runs = 0;
            var applying = Task.Run(async () =>
            {
                while (!sending.IsCancellationRequested)
                {
                    var run = await runner.RunAsync(ProcessInboundJob.Key, CancellationToken.None);
                    applied += run.Result?.Scanned ?? 0;
                    runs++;
                }
            }, CancellationToken.None);

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Senders, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            var latencies = new long[posts];
            var refused = 0;
            var next = -1;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < posts)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(bodies[i]) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(bodies[i], Secret));
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request, cancellationToken);
                    latencies[i] = Stopwatch.GetTimestamp() - started;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            }, cancellationToken)));
            var elapsed = watch.Elapsed;
            await sending.CancelAsync();
            await applying;
            watch.Restart();
            var last = await runner.RunAsync(ProcessInboundJob.Key, cancellationToken);
            applied += last.Result?.Scanned ?? 0;

            Array.Sort(latencies);
            double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
            await output.WriteLineAsync(
                $"  {"POSTs aceitos",-32} {posts - refused:N0} em {elapsed.TotalSeconds:N2} s = {(posts - refused) / Math.Max(elapsed.TotalSeconds, 1e-9),8:N0} POSTs/s " +
                $"(latência p50 {Ms(latencies[posts / 2]):N1} ms, p99 {Ms(latencies[Math.Min(posts - 1, posts * 99 / 100)]):N1} ms; recusados {refused})");
            await output.WriteLineAsync(
                $"  {"process-inbound ao mesmo tempo",-32} {runs} execuções; linhas normalizadas e aplicadas: {applied:N0} (a última, depois dos POSTs: {watch.Elapsed.TotalSeconds:N2} s)");
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM webhook_payloads WHERE processed_at IS NULL";
                await output.WriteLineAsync($"  {"payloads ainda pendentes",-32} {Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture):N0}");
            }

            return refused == 0 && last.Status == JobRunStatus.Succeeded ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
        }
    }

    private static string Number(long id) => "55119" + (70_000_000 + (id % People) + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>POST i: an inbound text from person i (even), or the delivery and read statuses of the message sent to them (odd).</summary>
    private static byte[] Payload(int i)
    {
        var waId = Number(i);
        var seconds = (Anchor.AddMinutes(-30).ToUnixTimeSeconds() + i).ToString(CultureInfo.InvariantCulture);
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = "5511940001234", ["phone_number_id"] = "319845267031592" },
        };
        if (i % 2 == 0)
        {
            value["contacts"] = new JsonArray { new JsonObject { ["profile"] = new JsonObject { ["name"] = "Cliente" }, ["wa_id"] = waId } };
            value["messages"] = new JsonArray
            {
                new JsonObject
                {
                    ["from"] = waId, ["id"] = "wamid.bench.in." + i.ToString(CultureInfo.InvariantCulture), ["timestamp"] = seconds, ["type"] = "text",
                    ["text"] = new JsonObject { ["body"] = i % 100 == 0 ? "Sair" : "Oi, queria saber do pedido " + i.ToString(CultureInfo.InvariantCulture) },
                },
            };
        }
        else
        {
            var wamid = "wamid.bench.out." + ((i % People) + 1).ToString(CultureInfo.InvariantCulture);
            value["statuses"] = new JsonArray
            {
                new JsonObject { ["id"] = wamid, ["status"] = "delivered", ["timestamp"] = seconds, ["recipient_id"] = waId },
                new JsonObject { ["id"] = wamid, ["status"] = "read", ["timestamp"] = seconds, ["recipient_id"] = waId },
            };
        }

        var payload = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray
            {
                new JsonObject { ["id"] = "248613579024681", ["changes"] = new JsonArray { new JsonObject { ["value"] = value, ["field"] = "messages" } } },
            },
        };
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }
}
