using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>The normaliser against a real database, on every engine: each fixture becomes the rows its README describes, once.</summary>
public abstract class WebhookNormalizerTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string CarlaWamid = "wamid.HBgMNTUxMTg3NjU0MzIxFQIAERgSOUYzQzIxRDRBN0I4NUU2MEMxAA==";

    [SkippableFact]
    public async Task Statuses_AreFiveEvents_WithTheErrorsOfTheFailedOnes()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptFixtureAsync("webhook-statuses.json", Now.AddMinutes(-1));

        var result = await kit.NormalizeAsync();

        Assert.Equal(new WebhookNormalization(1, 0, 5, 0, 0, 0, 0, 0, 0), result);
        var payload = Assert.Single(await kit.PayloadsAsync());
        Assert.Equal(Now, payload.ProcessedAt);
        Assert.Equal("messages=0 statuses=5 preferences=0", payload.Outcome);
        var rows = await kit.StatusesAsync();
        Assert.Equal(
            [
                (CarlaWamid, "sent", (int?)null, (string?)null, Unix(1795007821), "551187654321"),
                (CarlaWamid, "delivered", null, null, Unix(1795007824), "551187654321"),
                (CarlaWamid, "read", null, null, Unix(1795009330), "551187654321"),
                ("wamid.HBgNNTU4NTk5ODc2MTIzNBUCABEYEkMyN0U5QjA0RjFBM0Q1NkU4OAA=", "failed", 131026, "Message undeliverable", Unix(1795007822), "5585998761234"),
                ("wamid.HBgNNTUyMTk5ODc2NTQzMhUCABEYEkU0QjgyOTBENkFGMUMzMzc1QgA=", "failed", 131049,
                    "This message was not delivered to maintain healthy ecosystem engagement.", Unix(1795007826), "5521998765432"),
            ],
            rows.Select(r => (r.ProviderMessageId, r.Status, r.ErrorCode, r.ErrorTitle, r.OccurredAt, r.RecipientId)));
        Assert.All(rows, r =>
        {
            Assert.Equal(Now, r.ReceivedAt);
            Assert.Equal(payload.PayloadId, r.PayloadId);
            Assert.Null(r.RecipientUserId);
        });
    }

    [SkippableFact]
    public async Task TextMessage_IsCarlasSair_AtItsOwnTimestamp()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptFixtureAsync("webhook-message-text.json");

        await kit.NormalizeAsync();

        var row = Assert.Single(await kit.InboundAsync());
        Assert.Equal("wamid.HBgMNTUxMTg3NjU0MzIxFQIAEhgUM0E4RDVDMEU3MUIyRjk0NDA2QUIA", row.ProviderMessageId);
        Assert.Equal("551187654321", row.FromPhone);
        Assert.Null(row.WaUserId);
        Assert.Equal("Sair", row.Body);
        Assert.Equal("text", row.Kind);
        Assert.Null(row.ContextId);
        Assert.Equal(Unix(1795125735), row.ReceivedAt);
        Assert.Null(row.ProcessedAt);
        Assert.Equal("messages=1 statuses=0 preferences=0", Assert.Single(await kit.PayloadsAsync()).Outcome);
    }

    [SkippableFact]
    public async Task ButtonReply_IsTheButtonsText_LinkedToTheTemplateItAnswers()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptFixtureAsync("webhook-message-button.json");

        await kit.NormalizeAsync();

        var row = Assert.Single(await kit.InboundAsync());
        Assert.Equal("Parar promoções", row.Body);
        Assert.Equal("button", row.Kind);
        Assert.Equal(CarlaWamid, row.ContextId);
        Assert.Equal("551187654321", row.FromPhone);
        Assert.Equal(Unix(1795009385), row.ReceivedAt);
    }

    [SkippableFact]
    public async Task UserPreferences_StopAndResume_AreTwoEvents_KeyedByWhoWhatAndWhen()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptFixtureAsync("webhook-user-preferences.json", Now.AddMinutes(-2));
        await kit.AcceptFixtureAsync("webhook-user-preferences-resume.json", Now.AddMinutes(-1));

        var result = await kit.NormalizeAsync();

        Assert.Equal(2, result.Preferences);
        var rows = await kit.PreferencesAsync();
        Assert.Equal(
            [
                ("551187654321", "marketing_messages", "stop", Unix(1795009420)),
                ("551187654321", "marketing_messages", "resume", Unix(1795627500)),
            ],
            rows.Select(r => (r.FromPhone, r.Category, r.Value, r.OccurredAt)));
        Assert.Equal(WhatsAppPayloadReader.EventKey("551187654321", null, "marketing_messages", "stop", "1795009420"), rows[0].EventKey);
        Assert.Equal(64, rows[0].EventKey!.Length);
        Assert.All(rows, r =>
        {
            Assert.Null(r.WaUserId);
            // When the person made the choice, as a message carries its own time: process-inbound merges both in that order.
            Assert.Equal(r.OccurredAt, r.ReceivedAt);
        });
        Assert.All(await kit.PayloadsAsync(), p => Assert.Equal("messages=0 statuses=0 preferences=1", p.Outcome));
    }

    [SkippableFact]
    public async Task BusinessScopedUserIds_AreKept_AndAUsernameAdoptersMessageHasNoNumber()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptFixtureAsync("webhook-bsuid.json");

        var result = await kit.NormalizeAsync();

        Assert.Equal((2, 1), (result.Messages, result.Statuses));
        var messages = await kit.InboundAsync();
        Assert.Equal(
            [
                ("5521998765432", "BR.4172635098127364", "Oi! O tênis azul ainda tem no 42?", Unix(1795176764)),
                ((string?)null, "BR.9081726354019283", "Vocês entregam em Niterói?", Unix(1795281609)),
            ],
            messages.Select(m => (m.FromPhone, m.WaUserId, m.Body, m.ReceivedAt)));
        var status = Assert.Single(await kit.StatusesAsync());
        Assert.Equal(("sent", "5521998765432", "BR.4172635098127364"), (status.Status, status.RecipientId, status.RecipientUserId));
        Assert.Equal("messages=2 statuses=1 preferences=0", Assert.Single(await kit.PayloadsAsync()).Outcome);
    }

    [SkippableFact]
    public async Task NormalisingTwice_AddsNothing_AndARetryInAnotherBodyIsADuplicate()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        foreach (var fixture in Signed.Keys)
        {
            await kit.AcceptFixtureAsync(fixture);
        }

        var first = await kit.NormalizeAsync();
        var again = await kit.NormalizeAsync(Now.AddMinutes(1));
        // Meta's retry of the same events, serialised with other spacing: another payload, the same rows.
        var respaced = System.Text.Encoding.UTF8.GetString(FixtureBytes("webhook-bsuid.json")).Replace("\n", "\r\n", StringComparison.Ordinal);
        await kit.AcceptAsync(respaced, Now.AddMinutes(2));
        var retry = await kit.NormalizeAsync(Now.AddMinutes(3));

        Assert.Equal(new WebhookNormalization(6, 4, 6, 2, 0, 0, 0, 0, 0), first);
        Assert.Equal(new WebhookNormalization(0, 0, 0, 0, 0, 0, 0, 0, 0), again);
        Assert.Equal(new WebhookNormalization(1, 0, 0, 0, 0, 3, 0, 0, 0), retry);
        Assert.Equal((4L, 6L, 2L), (await kit.CountAsync("inbound_messages"), await kit.CountAsync("message_status_events"), await kit.CountAsync("preference_events")));
        Assert.Equal("messages=0 statuses=0 preferences=0 duplicates=3", (await kit.PayloadsAsync())[^1].Outcome);
    }

    [SkippableFact]
    public async Task APayloadWhoseInsertFails_IsRolledBack_DoesNotHoldUpTheOthers_AndIsNormalisedOnTheNextCall()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptFixtureAsync("webhook-bsuid.json", Now.AddMinutes(-2));
        await kit.AcceptFixtureAsync("webhook-message-text.json", Now.AddMinutes(-1));
        // The bsuid payload's two messages go in first; its status then fails.
        await db.RefuseAsync("test_refuse", "message_status_events", RowChange.Insert, "refused by test");
        var logs = new CapturedLogs();

        var failed = await kit.NormalizeAsync(logs: logs);

        Assert.Equal(new WebhookNormalization(1, 1, 0, 0, 0, 0, 0, 0, 1), failed);
        Assert.Equal(["wamid.HBgMNTUxMTg3NjU0MzIxFQIAEhgUM0E4RDVDMEU3MUIyRjk0NDA2QUIA"], (await kit.InboundAsync()).Select(m => m.ProviderMessageId));
        Assert.Empty(await kit.StatusesAsync());
        var bsuid = (await kit.PayloadsAsync())[0];
        Assert.Null(bsuid.ProcessedAt);
        Assert.Null(bsuid.Outcome);
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Text.Contains($"payload {bsuid.PayloadId} could not be normalised", StringComparison.Ordinal));
        Assert.DoesNotContain("refused by test", logs.All, StringComparison.Ordinal);

        await db.StopRefusingAsync("test_refuse", "message_status_events");
        var next = await kit.NormalizeAsync(Now.AddMinutes(1));

        Assert.Equal(new WebhookNormalization(1, 2, 1, 0, 0, 0, 0, 0, 0), next);
        Assert.Equal(3, (await kit.InboundAsync()).Count);
        Assert.Equal("messages=2 statuses=1 preferences=0", (await kit.PayloadsAsync())[0].Outcome);
    }

    [SkippableFact]
    public async Task Payloads_AreNormalisedInArrivalOrder_SoTheFirstDeliveryOfAMessageWins()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        var text = System.Text.Encoding.UTF8.GetString(FixtureBytes("webhook-message-text.json"));
        // Kept out of order: the later arrival has the smaller id.
        await kit.AcceptAsync(text.Replace("\"Sair\"", "\"Sair!\"", StringComparison.Ordinal), Now.AddMinutes(-1));
        await kit.AcceptAsync(text, Now.AddMinutes(-2));

        await kit.NormalizeAsync();

        Assert.Equal("Sair", Assert.Single(await kit.InboundAsync()).Body);
        Assert.Equal(
            ["messages=0 statuses=0 preferences=0 duplicates=1", "messages=1 statuses=0 preferences=0"],
            (await kit.PayloadsAsync()).Select(p => p.Outcome));
    }

    [SkippableFact]
    public async Task JunkAndOtherFields_AreMarked_NeverThrown_AndWriteNothing()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        await kit.AcceptAsync("not json at all", Now.AddMinutes(-3));
        await kit.AcceptAsync(new byte[] { 0x7B, 0x00, 0xFF, 0xFE }, Now.AddMinutes(-2));
        await kit.AcceptAsync(
            """{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"max_daily_conversation_per_phone":1000},"field":"business_capability_update"},{"value":{"event":"PIN_CHANGED"},"field":"security"}]}]}""",
            Now.AddMinutes(-1));

        var result = await kit.NormalizeAsync();

        Assert.Equal(new WebhookNormalization(3, 0, 0, 0, 0, 0, 2, 1, 0), result);
        Assert.Equal(
            ["unparseable: not JSON (line 1, byte 2)", "unparseable: not JSON (line 1, byte 2)", "ignored: field=business_capability_update,security"],
            (await kit.PayloadsAsync()).Select(p => p.Outcome));
        Assert.Equal(0, await kit.CountAsync("inbound_messages") + await kit.CountAsync("message_status_events") + await kit.CountAsync("preference_events"));
    }

    [SkippableFact]
    public async Task CarlasSair_ThroughTheWebhook_RevokesHerConsent_InProcessInbound()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new WebhookKit(db);
        var seed = new ConsentSeed(db);
        var carla = await seed.ContactAsync("+5511987654321", Now.AddDays(-90));
        await seed.ConsentAsync(carla, "granted", Now.AddDays(-60));
        await kit.AcceptFixtureAsync("webhook-message-text.json");
        await kit.NormalizeAsync();

        var run = await seed.RunAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal("revoked", await seed.ConsentStatusAsync(carla));
        Assert.NotNull(Assert.Single(await kit.InboundAsync()).ProcessedAt);
    }
}

public sealed class SqliteWebhookNormalizerTests(SqliteEngine engine) : WebhookNormalizerTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresWebhookNormalizerTests(PostgresEngine engine) : WebhookNormalizerTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerWebhookNormalizerTests(SqlServerEngine engine) : WebhookNormalizerTests(engine), IClassFixture<SqlServerEngine>;
