using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Bench;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Dispatch;

/// <summary>
/// What the dispatch tests share: the story of <c>../shared/data/whatsapp</c> (Carla, an older account WhatsApp knows
/// without the ninth digit; Rafael, who wrote in), rows written as any other tool would write them, runs of the job
/// against a loopback Cloud API, and the fixtures.
/// </summary>
internal sealed class DispatchKit(TestDatabase db)
{
    /// <summary>Wednesday 2026-11-18, 10:17 in São Paulo: the fixtures' day, inside the default window.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-18T13:17:00Z", CultureInfo.InvariantCulture);

    public const string Carla = "+5511987654321";
    public const string CarlaWaId = "551187654321";
    public const string Rafael = "+5521998765432";
    public const string PhoneNumberId = "319845267031592";
    public const string Token = "EAAGtestTOKENvinculo0123456789abcdef";
    public const string Product = "Tênis Corrida Azul";

    /// <summary>Template parameters as the planner stores them, for messages whose content does not matter to the test.</summary>
    public const string Params = """{"first_name":"Cliente","product":"X"}""";

    /// <summary>The content of the fixtures: its body already tells how to stop, so the rendered text is exactly the text fixture's.</summary>
    public const string Body = "Oi, {first_name}! Chegou reposição do {product}. Quer que eu separe um par? Para não receber mais mensagens, responda SAIR.";

    private readonly ConsentSeed sql = new(db);
    private int nextNumber;

    public TestDatabase Database => db;

    public CapturedLogs Logs { get; } = new();

    /// <summary><c>../shared/data/whatsapp</c> beside the checkout.</summary>
    public static string FixturesFolder => Path.Combine(Directory.GetParent(Data.SqlServerStatementTests.RepositoryRoot())!.FullName, "shared", "data", "whatsapp");

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(FixturesFolder, name));

    /// <summary>Settings that point the Cloud sender at <paramref name="api"/>, with no throttle to speak of.</summary>
    public static string[] Cloud(LoopbackCloudApi api, params string[] more) =>
    [
        "--Dispatch:Sender=WhatsAppCloud",
        $"--Dispatch:BaseUrl={api.BaseUrl.ToString().TrimEnd('/')}",
        $"--Dispatch:PhoneNumberId={PhoneNumberId}",
        $"--Dispatch:AccessToken={Token}",
        "--Dispatch:MessagesPerSecond=1000",
        "--Scheduler:InstanceId=node-a",
        "--Logging:LogLevel:Default=Trace",
        "--Logging:LogLevel:Microsoft=Trace",
        "--Logging:LogLevel:System=Trace",
        .. more,
    ];

    /// <summary>Runs <c>dispatch-messages</c> once, as of <paramref name="now"/>, through the job runner.</summary>
    public async Task<JobRunOutcome> RunAsync(DateTimeOffset now, params string[] settings)
    {
        using var host = db.BuildHost(new FakeTimeProvider(now), b => b.Logging.AddProvider(Logs), settings);
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(DispatchMessagesJob.Key, CancellationToken.None);
    }

    public Task<JobRunOutcome> RunJobAsync(string jobKey, DateTimeOffset now, params string[] settings) => sql.RunAsync(jobKey, now, settings);

    public async Task<JsonElement> DetailAsync(JobRunOutcome run) =>
        JsonDocument.Parse(await sql.ScalarAsync<string>("SELECT detail FROM job_runs WHERE run_id = @id", new { id = run.RunId })).RootElement;

    public string NewNumber() => "+55119" + (70_000_000 + Interlocked.Increment(ref nextNumber)).ToString(CultureInfo.InvariantCulture);

    /// <summary>A classified contact with fresh granted consent.</summary>
    public async Task<long> PersonAsync(string e164, string? name, bool consent = true, string status = "valid", bool withHash = true, string zone = "America/Sao_Paulo")
    {
        var id = await sql.ScalarAsync<long>(
            sql.Dialect.InsertReturningKey(
                "contacts",
                "name, phone_raw, phone_e164, phone_hash, phone_status, phone_checked_at, time_zone, created_at, updated_at",
                "@name, @e164, @e164, @hash, @status, @at, @zone, @at, @at",
                "contact_id"),
            new { name, e164, hash = withHash ? PhoneHash.Of(e164) : null, status, zone, at = Now.AddDays(-200) });
        if (consent)
        {
            await sql.ConsentAsync(id, "granted", Now.AddDays(-30));
        }

        return id;
    }

    public async Task<long> ContentAsync(string body = Body, string? template = "novidade_produto", string? language = "pt_BR", DateTimeOffset? pausedAt = null, bool active = true) =>
        await sql.ScalarAsync<long>(
            sql.Dialect.InsertReturningKey(
                "contents",
                "name, category, body, template_name, template_language, active, paused_at, created_at, updated_at",
                "'Reposição', 'calcados', @body, @template, @language, @active, @pausedAt, @at, @at",
                "content_id"),
            new { body, template, language, active, pausedAt, at = Now.AddDays(-60) });

    /// <summary>A queued message. With <paramref name="body"/> and <paramref name="templateParams"/> null it is a row another tool wrote.</summary>
    public Task<long> QueueAsync(
        long contactId, long contentId, string e164, DateTimeOffset? scheduledAt = null, string? body = null, string? templateParams = null,
        string status = "queued", DateTimeOffset? sentAt = null, DateOnly? planDay = null) =>
        sql.ScalarAsync<long>(
            sql.Dialect.InsertReturningKey(
                "message_queue",
                "contact_id, content_id, phone_e164, scheduled_at, relevance, body, template_params, status, plan_day, created_at, updated_at, sent_at",
                "@contactId, @contentId, @e164, @scheduledAt, 0.6, @body, @templateParams, @status, @planDay, @created, @created, @sentAt",
                "message_id"),
            new { contactId, contentId, e164, scheduledAt = scheduledAt ?? Now.AddMinutes(-1), body, templateParams, status, planDay, created = Now.AddHours(-10), sentAt });

    /// <summary>A new person with fresh consent, and one message for their number written as the planner writes it.</summary>
    public async Task<(long Person, string Number, long Message)> PlannedAsync(
        long contentId, string name = "Cliente", DateTimeOffset? scheduledAt = null, bool withHash = true, string zone = "America/Sao_Paulo")
    {
        var number = NewNumber();
        var person = await PersonAsync(number, name, withHash: withHash, zone: zone);
        return (person, number, await QueueAsync(person, contentId, number, scheduledAt, body: "Oi", templateParams: Params));
    }

    public Task InteractionAsync(long contactId, string kind, DateTimeOffset at, string? product = null) =>
        sql.ExecuteAsync(
            "INSERT INTO interactions (contact_id, kind, occurred_at, product, source) VALUES (@contactId, @kind, @at, @product, 'erp')",
            new { contactId, kind, at, product });

    public Task<T> ScalarAsync<T>(string query, object? parameters = null) => sql.ScalarAsync<T>(query, parameters);

    public Task ExecuteAsync(string statement, object? parameters = null) => sql.ExecuteAsync(statement, parameters);

    public Task<List<T>> QueryAsync<T>(string query, object? parameters = null) => sql.QueryAsync<T>(query, parameters);

    public async Task<QueueRow> MessageAsync(long messageId)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleAsync<QueueRow>(
            "SELECT message_id AS MessageId, status AS Status, status_reason AS StatusReason, sent_as AS SentAs, provider_message_id AS ProviderMessageId, " +
            "attempts AS Attempts, sent_at AS SentAt, scheduled_at AS ScheduledAt, next_attempt_at AS NextAttemptAt, error_code AS ErrorCode, " +
            "claimed_by AS ClaimedBy, body AS Body, template_params AS TemplateParams FROM message_queue WHERE message_id = @messageId",
            new { messageId });
    }

    /// <summary>Whether two JSON texts hold the same value (key order and spacing aside).</summary>
    public static bool SameJson(string expected, string actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));

    /// <summary>An error body as Meta sends it, for codes without a fixture file.</summary>
    public static string ErrorBody(int code, string title) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = $"(#{code}) {title}", ["type"] = "OAuthException", ["code"] = code, ["fbtrace_id"] = "AbCdEf" } }.ToJsonString();

    internal sealed class QueueRow
    {
        public long MessageId { get; set; }

        public string Status { get; set; } = "";

        public string? StatusReason { get; set; }

        public string? SentAs { get; set; }

        public string? ProviderMessageId { get; set; }

        public int Attempts { get; set; }

        public DateTimeOffset? SentAt { get; set; }

        public DateTimeOffset ScheduledAt { get; set; }

        public DateTimeOffset? NextAttemptAt { get; set; }

        public int? ErrorCode { get; set; }

        public string? ClaimedBy { get; set; }

        public string? Body { get; set; }

        public string? TemplateParams { get; set; }
    }
}
