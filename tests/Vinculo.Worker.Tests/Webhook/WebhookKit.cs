using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Webhook;

/// <summary>
/// What the webhook tests share: the fixtures of <c>../shared/data/whatsapp</c> as bytes (exactly as Meta signed them),
/// the settings of a worker that receives them, and plain-SQL views of the rows they become.
/// </summary>
internal sealed class WebhookKit(TestDatabase db)
{
    /// <summary>The fixtures README's app secret: its signature table was computed with it.</summary>
    public const string AppSecret = "vinculo-test-app-secret";

    public const string VerifyToken = "vinculo-verify-7f3a9c";

    /// <summary>Thursday 2026-11-26, 12:00 UTC: after every fixture's own timestamp.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00.123Z", CultureInfo.InvariantCulture);

    /// <summary>Every webhook fixture, with the signature the README lists for it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Signed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["webhook-message-text.json"] = "sha256=0c0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c4932102",
        ["webhook-message-button.json"] = "sha256=0cc4c17bb9845847ef64dd7ed697b12d56589bf2e211986d66ce217d8b2d05fe",
        ["webhook-statuses.json"] = "sha256=7ebf038f6f26eb801b2a4adc1bec6939c4fab366e18f84ed0bc8f74545678d29",
        ["webhook-user-preferences.json"] = "sha256=31dfc1d86363bf3e19fadd423b3ff3a3057802eed256ce8a5dc6ae03fb2adb34",
        ["webhook-user-preferences-resume.json"] = "sha256=02f82bf9edc98a79d6674c4fe6fe1dfaef025c1ee39efaefc24bd5326babd545",
        ["webhook-bsuid.json"] = "sha256=1bbfa0e15cbe638a0ffdc1945704e6b039e387ccef1bdf60676027c5597d7484",
    };

    public static TheoryData<string> FixtureNames => new(Signed.Keys);

    public static byte[] FixtureBytes(string name) => File.ReadAllBytes(Path.Combine(Dispatch.DispatchKit.FixturesFolder, name));

    public static DateTimeOffset Unix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    /// <summary>A scheduler host's settings with the webhook on a free loopback port, and no job that could fire during a test.</summary>
    public static string[] ServerSettings(params string[] more) =>
    [
        "--Webhook:Enabled=true",
        "--Webhook:Urls=http://127.0.0.1:0",
        $"--Webhook:VerifyToken={VerifyToken}",
        $"--Webhook:AppSecret={AppSecret}",
        .. JobCatalog.SpecifiedKeys.Select(key => $"--Scheduler:Jobs:{key}:Enabled=false"),
        .. more,
    ];

    public static HttpRequestMessage Post(Uri server, byte[] body, string? signature, string path = "/webhook")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature);
        }

        return request;
    }

    /// <summary>Keeps a body as the server would once its signature checked out, as of <paramref name="at"/>.</summary>
    public async Task AcceptAsync(byte[] body, DateTimeOffset? at = null)
    {
        using var host = db.BuildHost(new FakeTimeProvider(at ?? Now));
        await host.Services.GetRequiredService<WebhookInbox>().AcceptAsync(body, CancellationToken.None);
    }

    public Task AcceptAsync(string body, DateTimeOffset? at = null) => AcceptAsync(Encoding.UTF8.GetBytes(body), at);

    public Task AcceptFixtureAsync(string name, DateTimeOffset? at = null) => AcceptAsync(FixtureBytes(name), at);

    /// <summary>One <see cref="WebhookNormalizer.NormalizePendingAsync"/> call, as of <paramref name="now"/>.</summary>
    public async Task<WebhookNormalization> NormalizeAsync(DateTimeOffset? now = null, CapturedLogs? logs = null)
    {
        using var host = db.BuildHost(new FakeTimeProvider(now ?? Now), b =>
        {
            if (logs is not null)
            {
                b.Logging.AddProvider(logs);
            }
        });
        return await host.Services.GetRequiredService<WebhookNormalizer>().NormalizePendingAsync(now ?? Now, CancellationToken.None);
    }

    public Task<List<PayloadRow>> PayloadsAsync() => QueryAsync<PayloadRow>(
        "SELECT payload_id AS PayloadId, received_at AS ReceivedAt, body AS Body, body_sha256 AS BodySha256, processed_at AS ProcessedAt, outcome AS Outcome " +
        "FROM webhook_payloads ORDER BY payload_id");

    public Task<List<InboundRow>> InboundAsync() => QueryAsync<InboundRow>(
        "SELECT provider_message_id AS ProviderMessageId, from_phone AS FromPhone, wa_user_id AS WaUserId, body AS Body, kind AS Kind, context_id AS ContextId, " +
        "received_at AS ReceivedAt, processed_at AS ProcessedAt, payload_id AS PayloadId FROM inbound_messages ORDER BY inbound_id");

    public Task<List<StatusRow>> StatusesAsync() => QueryAsync<StatusRow>(
        "SELECT provider_message_id AS ProviderMessageId, status AS Status, error_code AS ErrorCode, error_title AS ErrorTitle, occurred_at AS OccurredAt, " +
        "received_at AS ReceivedAt, recipient_id AS RecipientId, recipient_user_id AS RecipientUserId, payload_id AS PayloadId FROM message_status_events ORDER BY event_id");

    public Task<List<PreferenceRow>> PreferencesAsync() => QueryAsync<PreferenceRow>(
        "SELECT from_phone AS FromPhone, wa_user_id AS WaUserId, category AS Category, value AS Value, occurred_at AS OccurredAt, received_at AS ReceivedAt, " +
        "event_key AS EventKey, payload_id AS PayloadId FROM preference_events ORDER BY preference_id");

    public async Task<long> CountAsync(string table)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<T>(sql)).AsList();
    }

    internal sealed class PayloadRow
    {
        public long PayloadId { get; set; }

        public DateTimeOffset ReceivedAt { get; set; }

        public string Body { get; set; } = "";

        public string BodySha256 { get; set; } = "";

        public DateTimeOffset? ProcessedAt { get; set; }

        public string? Outcome { get; set; }
    }

    internal sealed class InboundRow
    {
        public string? ProviderMessageId { get; set; }

        public string? FromPhone { get; set; }

        public string? WaUserId { get; set; }

        public string? Body { get; set; }

        public string? Kind { get; set; }

        public string? ContextId { get; set; }

        public DateTimeOffset ReceivedAt { get; set; }

        public DateTimeOffset? ProcessedAt { get; set; }

        public long? PayloadId { get; set; }
    }

    internal sealed class StatusRow
    {
        public string ProviderMessageId { get; set; } = "";

        public string Status { get; set; } = "";

        public int? ErrorCode { get; set; }

        public string? ErrorTitle { get; set; }

        public DateTimeOffset OccurredAt { get; set; }

        public DateTimeOffset ReceivedAt { get; set; }

        public string? RecipientId { get; set; }

        public string? RecipientUserId { get; set; }

        public long? PayloadId { get; set; }
    }

    internal sealed class PreferenceRow
    {
        public string? FromPhone { get; set; }

        public string? WaUserId { get; set; }

        public string? Category { get; set; }

        public string Value { get; set; } = "";

        public DateTimeOffset OccurredAt { get; set; }

        public DateTimeOffset ReceivedAt { get; set; }

        public string? EventKey { get; set; }

        public long? PayloadId { get; set; }
    }
}
