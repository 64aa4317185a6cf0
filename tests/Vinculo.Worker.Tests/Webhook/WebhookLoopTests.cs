using System.Net;
using Vinculo.Consent;
using Vinculo.Dispatch;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>
/// The whole inbound loop on every engine: Meta's webhook fixtures POSTed signed to the real host, then one
/// <c>process-inbound</c> run, give the effects the fixtures README describes; the same deliveries again change nothing.
/// </summary>
public abstract class WebhookLoopTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string TemplateWamid = "wamid.HBgMNTUxMTg3NjU0MzIxFQIAERgSOUYzQzIxRDRBN0I4NUU2MEMxAA==";
    private const string UndeliverableWamid = "wamid.HBgNNTU4NTk5ODc2MTIzNBUCABEYEkMyN0U5QjA0RjFBM0Q1NkU4OAA=";
    private const string LimitedWamid = "wamid.HBgNNTUyMTk5ODc2NTQzMhUCABEYEkU0QjgyOTBENkFGMUMzMzc1QgA=";

    [SkippableFact]
    public async Task EveryFixture_PostedSignedToTheHost_HasItsEffect_AfterProcessInbound_AndOnlyOnce()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var sentAt = Unix(1795007820);
        var carla = await kit.PersonAsync(DispatchKit.Carla, "Carla Mendes");
        var rafael = await kit.PersonAsync(DispatchKit.Rafael, "Rafael Lima");
        var ana = await kit.PersonAsync("+5585998761234", "Ana");
        var template = await SentAsync(kit, carla, content, DispatchKit.Carla, TemplateWamid, sentAt);
        var undeliverable = await SentAsync(kit, ana, content, "+5585998761234", UndeliverableWamid, sentAt);
        var limited = await SentAsync(kit, rafael, content, DispatchKit.Rafael, LimitedWamid, sentAt);
        var carlasNext = await kit.QueueAsync(carla, content, DispatchKit.Carla, scheduledAt: Now.AddDays(2), body: "Oi");

        await PostAllAsync(worker);
        var run = await kit.RunJobAsync(ProcessInboundJob.Key, Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        // Carla: read the template, tapped "Parar promoções", stopped marketing in WhatsApp, wrote "Sair": one revocation.
        Assert.Equal("read", (await kit.MessageAsync(template)).Status);
        Assert.Equal(1, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE contact_id = @carla AND kind = 'read'", new { carla }));
        Assert.Equal("revoked", await kit.ScalarAsync<string>("SELECT status FROM consents WHERE contact_id = @carla", new { carla }));
        Assert.Equal(1, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE contact_id = @carla AND event = 'revoked'", new { carla }));
        Assert.Equal(1, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM suppression_list WHERE phone_hash = @hash", new { hash = Privacy.PhoneHash.Of(DispatchKit.Carla) }));
        Assert.Equal("cancelled", (await kit.MessageAsync(carlasNext)).Status);
        Assert.Equal(TemplateWamid, await kit.ScalarAsync<string>("SELECT context_id FROM inbound_messages WHERE kind = 'button'"));
        // Ana's number is not on WhatsApp; Rafael hit Meta's marketing limit and waits for a later day.
        Assert.Equal(("failed", DispatchReasons.Undeliverable), ((await kit.MessageAsync(undeliverable)).Status, (await kit.MessageAsync(undeliverable)).StatusReason));
        Assert.Equal(1, await kit.ScalarAsync<int>("SELECT phone_failures FROM contacts WHERE contact_id = @ana", new { ana }));
        var requeued = await kit.MessageAsync(limited);
        Assert.Equal("queued", requeued.Status);
        Assert.True(requeued.ScheduledAt >= Now.AddHours(24));
        // Rafael wrote with his business-scoped user id: he is known by it now; the username adopter is nobody we know.
        Assert.Equal("BR.4172635098127364", await kit.ScalarAsync<string>("SELECT whatsapp_user_id FROM contacts WHERE contact_id = @rafael", new { rafael }));
        Assert.Contains("contacts=0", await kit.ScalarAsync<string>("SELECT outcome FROM inbound_messages WHERE wa_user_id = 'BR.9081726354019283'"), StringComparison.Ordinal);
        Assert.Equal(0, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM webhook_payloads WHERE processed_at IS NULL"));

        var counts = await CountsAsync(kit);
        await PostAllAsync(worker);
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        Assert.Equal(counts, await CountsAsync(kit));
        // "resume" is recorded and grants nothing by itself.
        Assert.Equal("revoked", await kit.ScalarAsync<string>("SELECT status FROM consents WHERE contact_id = @carla", new { carla }));
    }

    private static async Task PostAllAsync(WebhookServerTests.Worker worker)
    {
        foreach (var (fixture, signature) in Signed)
        {
            using var response = await worker.Client.SendAsync(Post(worker.Address, FixtureBytes(fixture), signature));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<long> SentAsync(DispatchKit kit, long contact, long content, string number, string wamid, DateTimeOffset sentAt)
    {
        var message = await kit.QueueAsync(contact, content, number, scheduledAt: sentAt, status: "sent", sentAt: sentAt, body: "Oi");
        await kit.ExecuteAsync("UPDATE message_queue SET provider_message_id = @wamid, attempts = 1 WHERE message_id = @message", new { wamid, message });
        return message;
    }

    private static async Task<string> CountsAsync(DispatchKit kit) =>
        string.Join(
            ",",
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM webhook_payloads"),
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages"),
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM message_status_events"),
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM preference_events"),
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events"),
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM interactions"),
            await kit.ScalarAsync<long>("SELECT COUNT(*) FROM suppression_list"));
}

public sealed class SqliteWebhookLoopTests(SqliteEngine engine) : WebhookLoopTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresWebhookLoopTests(PostgresEngine engine) : WebhookLoopTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerWebhookLoopTests(SqlServerEngine engine) : WebhookLoopTests(engine), IClassFixture<SqlServerEngine>;
