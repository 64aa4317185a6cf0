using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinculo.Engines;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>
/// The webhook as Meta meets it: the worker's real scheduler host (the default verb's wiring) with the webhook on
/// 127.0.0.1:0, on every engine. Each test awaits the host's start, then talks HTTP to the port it bound.
/// </summary>
public abstract class WebhookServerTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Handshake_EchoesTheChallenge_OnlyForSubscribeWithTheVerifyToken()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);

        using var right = await worker.Client.GetAsync(worker.Url($"/webhook?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444"));
        using var wrongToken = await worker.Client.GetAsync(worker.Url("/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"));
        using var wrongMode = await worker.Client.GetAsync(worker.Url($"/webhook?hub.mode=unsubscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444"));
        using var bare = await worker.Client.GetAsync(worker.Url("/webhook"));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("text/plain", right.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongMode.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
        Assert.Empty(await new WebhookKit(db).PayloadsAsync());
    }

    [SkippableFact]
    public async Task EverySignedFixture_IsAnswered200_AndKeptOnce_AsItArrived()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        foreach (var (fixture, signature) in Signed)
        {
            using var response = await worker.Client.SendAsync(Post(worker.Address, FixtureBytes(fixture), signature));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var again = await worker.Client.SendAsync(Post(worker.Address, FixtureBytes("webhook-statuses.json"), Signed["webhook-statuses.json"])))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var rows = await new WebhookKit(db).PayloadsAsync();
        Assert.Equal(Signed.Count, rows.Count);
        foreach (var (row, fixture) in rows.Zip(Signed.Keys))
        {
            var bytes = FixtureBytes(fixture);
            Assert.Equal(Encoding.UTF8.GetString(bytes), row.Body);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), row.BodySha256);
            Assert.InRange(row.ReceivedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Null(row.ProcessedAt);
        }
    }

    [SkippableFact]
    public async Task AMissingOrWrongSignature_Is401_StoresNothing_AndIsLoggedWithoutTheHeader()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);
        var body = FixtureBytes("webhook-message-text.json");
        var otherSecret = WebhookSignature.Sign(body, "another-app-secret");
        var ofAnotherBody = Signed["webhook-statuses.json"];

        foreach (var signature in new[] { null, otherSecret, ofAnotherBody, "sha1=9c0d5336be6aeec70098ef8de8c9a4f127e7f5b5", Signed["webhook-message-text.json"].ToUpperInvariant() })
        {
            using var response = await worker.Client.SendAsync(Post(worker.Address, body, signature));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Empty(await new WebhookKit(db).PayloadsAsync());
        Assert.Equal(5, worker.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Text.Contains("X-Hub-Signature-256", StringComparison.Ordinal)));
        Assert.DoesNotContain(otherSecret[7..], worker.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(ofAnotherBody[7..], worker.Logs.All, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ABodyOverTheLimit_Is413_StoresNothing_AndADeclaredLengthIsRefusedBeforeTheBodyIsSent()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);
        var big = new byte[2 * 1024 * 1024];
        big.AsSpan().Fill((byte)' ');
        var signature = WebhookSignature.Sign(big, AppSecret);

        // Only the headers go out: the answer must come without the server waiting for 2 MiB that never arrive.
        var status = await HeadersOnlyAsync(worker.Address, $"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: {big.Length}\r\n{WebhookSignature.Header}: {signature}\r\n\r\n");
        using var declared = await worker.Client.SendAsync(WithExpectContinue(Post(worker.Address, big, signature)));
        // No length announced: the body is refused as it comes in, once past the limit.
        var unannounced = WithExpectContinue(new HttpRequestMessage(HttpMethod.Post, worker.Url("/webhook")) { Content = new StreamContent(new MemoryStream(big)) });
        unannounced.Headers.TransferEncodingChunked = true;
        unannounced.Headers.Add(WebhookSignature.Header, signature);
        // The server answers 413 and closes while the client may still be writing the rest: the client then sees either the
        // answer or a broken pipe, by the timing of the two sides. The refusal itself is proven by the server's own log below.
        HttpStatusCode? chunked;
        try
        {
            using var response = await worker.Client.SendAsync(unannounced);
            chunked = response.StatusCode;
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            chunked = null;
        }

        Assert.StartsWith("HTTP/1.1 413", status, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.True(chunked is null or HttpStatusCode.RequestEntityTooLarge, $"chunked body over the limit answered {chunked}");
        Assert.Equal(2, worker.Logs.Entries.Count(e => e.Text.Contains($"body of {big.Length} byte(s)", StringComparison.Ordinal)));
        Assert.Single(worker.Logs.Entries, e => e.Text.Contains($"body of {(1024 * 1024) + 1} byte(s) or more", StringComparison.Ordinal));
        Assert.Empty(await new WebhookKit(db).PayloadsAsync());

        using var atTheLimit = await worker.Client.SendAsync(Post(worker.Address, big.AsSpan(0, 1024 * 1024).ToArray(), WebhookSignature.Sign(big.AsSpan(0, 1024 * 1024), AppSecret)));
        Assert.Equal(HttpStatusCode.OK, atTheLimit.StatusCode);
    }

    [SkippableFact]
    public async Task SignedJunk_IsKept_AndTheNormaliserMarksItUnparseable()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);
        var junk = Encoding.UTF8.GetBytes("<html>not a webhook</html>");

        using var response = await worker.Client.SendAsync(Post(worker.Address, junk, WebhookSignature.Sign(junk, AppSecret)));
        var result = await worker.Host.Services.GetRequiredService<WebhookNormalizer>().NormalizePendingAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((1, 1), (result.Payloads, result.Unparseable));
        var row = Assert.Single(await new WebhookKit(db).PayloadsAsync());
        Assert.Equal("<html>not a webhook</html>", row.Body);
        Assert.StartsWith("unparseable: not JSON", row.Outcome, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task HealthCheck_Is200_WhenTheDatabaseAnswers()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);

        using var response = await worker.Client.GetAsync(worker.Url("/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task NoLogLine_AtAnyLevel_HoldsASecretABodyANumberOrAName()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await Worker.StartAsync(db);

        using (await worker.Client.GetAsync(worker.Url($"/webhook?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=challenge-4f1e")))
        using (await worker.Client.GetAsync(worker.Url("/webhook?hub.mode=subscribe&hub.verify_token=wrong-token-guess&hub.challenge=challenge-4f1e")))
        using (await worker.Client.SendAsync(Post(worker.Address, FixtureBytes("webhook-message-text.json"), Signed["webhook-message-text.json"])))
        using (await worker.Client.SendAsync(Post(worker.Address, FixtureBytes("webhook-bsuid.json"), Signed["webhook-message-text.json"])))
        {
        }

        await worker.Host.Services.GetRequiredService<WebhookNormalizer>().NormalizePendingAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        var all = string.Join("\n", worker.Logs.Entries.Select(e => e.Category + " " + e.Text));
        Assert.Contains("Webhook listening on http://127.0.0.1:", all, StringComparison.Ordinal);
        Assert.Contains(worker.Logs.Entries, e => e.Level == LogLevel.Debug);
        foreach (var secret in new[]
        {
            VerifyToken, AppSecret, "wrong-token-guess", "challenge-4f1e", Signed["webhook-message-text.json"][7..], "551187654321", "5521998765432", "Sair", "Carla",
            "Rafael", "Niter", "BR.4172635098127364", "wamid.",
        })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage WithExpectContinue(HttpRequestMessage request)
    {
        request.Headers.ExpectContinue = true;
        return request;
    }

    private static async Task<string> HeadersOnlyAsync(Uri server, string head)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    /// <summary>A started scheduler host with the webhook, its bound address, a client and the log lines it wrote.</summary>
    internal sealed class Worker : IAsyncDisposable
    {
        private Worker(IHost host, Uri address, CapturedLogs logs)
        {
            Host = host;
            Address = address;
            Logs = logs;
        }

        public IHost Host { get; }

        public Uri Address { get; }

        public CapturedLogs Logs { get; }

        public HttpClient Client { get; } = new() { Timeout = Patience };

        public Uri Url(string pathAndQuery) => new(Address, pathAndQuery);

        public static async Task<Worker> StartAsync(TestDatabase db, params string[] settings)
        {
            var logs = new CapturedLogs();
            var host = db.BuildSchedulerHost(
                b => b.Logging.AddProvider(logs),
                ServerSettings(["--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace", "--Logging:LogLevel:Quartz=Warning", .. settings]));
            await host.StartAsync().WaitAsync(Patience);
            var address = Assert.Single(host.Services.GetRequiredService<WebhookServer>().Addresses);
            Assert.NotEqual(0, address.Port);
            return new Worker(host, address, logs);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Host.StopAsync().WaitAsync(Patience);
            Host.Dispose();
        }
    }
}

public sealed class SqliteWebhookServerTests(SqliteEngine engine) : WebhookServerTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresWebhookServerTests(PostgresEngine engine) : WebhookServerTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerWebhookServerTests(SqlServerEngine engine) : WebhookServerTests(engine), IClassFixture<SqlServerEngine>;
