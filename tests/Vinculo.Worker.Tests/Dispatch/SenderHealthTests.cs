using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Consent;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Planning;
using Vinculo.Webhook;
using static Vinculo.Dispatch.DispatchKit;
using static Vinculo.Webhook.SenderSignalPayloads;

namespace Vinculo.Dispatch;

/// <summary>
/// Meta's own signals about the sender, on every engine: each POSTed signed to the real host, normalised and applied by
/// one <c>process-inbound</c> run, then seen by planning and dispatch.
/// </summary>
public abstract class SenderHealthTests(EngineFixture engine) : EngineSuite(engine)
{
    /// <summary>Monday 23 November 2026, 03:00 in São Paulo: the nightly plan of that Monday.</summary>
    private static readonly DateTimeOffset PlanNight = DateTimeOffset.Parse("2026-11-23T06:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task TierChanges_MoveTheDailyLimitAtSendTime_AndAnUnknownTierNeverRaisesIt()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        await using var api = await Bench.LoopbackCloudApi.StartAsync();
        var content = await kit.ContentAsync();
        var due = new List<long>();
        for (var i = 0; i < 52; i++)
        {
            due.Add((await kit.PlannedAsync(content)).Message);
        }

        await PostAsync(worker, Quality("DOWNGRADE", "TIER_50", Now.AddHours(-3), oldLimit: "TIER_250"));
        await PostAsync(worker, Quality("ONBOARDING", "TIER_NOT_SET", Now.AddHours(-2)));
        await PostAsync(worker, Quality("UPGRADE", "TIER_5M", Now.AddHours(-1)));
        await ProcessInboundAsync(kit, Now.AddMinutes(-1));

        var limited = await kit.RunAsync(Now, Cloud(api, "--Messaging:DailyLimit=100"));

        Assert.True(limited.Status == JobRunStatus.Succeeded, limited.Error);
        Assert.Equal(50, api.Requests.Count);
        var detail = await kit.DetailAsync(limited);
        Assert.Equal(50, detail.GetProperty("daily_limit").GetInt32());
        Assert.Equal(100, detail.GetProperty("configured_daily_limit").GetInt32());
        Assert.True(detail.GetProperty("daily_limit_reached").GetBoolean());
        Assert.Equal(3, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM sender_health WHERE applied_at IS NOT NULL"));
        Assert.Equal("recorded only", await kit.ScalarAsync<string>("SELECT action FROM sender_health WHERE tier = 'TIER_5M'"));

        // Meta lifts the number to unlimited (the field its reference names since 2025): the configured limit rules again.
        await PostAsync(worker, Quality("UPGRADE", "TIER_UNLIMITED", Now.AddMinutes(1), portfolioField: true));
        await ProcessInboundAsync(kit, Now.AddMinutes(2));
        var unlimited = await kit.RunAsync(Now.AddMinutes(3), Cloud(api, "--Messaging:DailyLimit=100"));

        Assert.True(unlimited.Status == JobRunStatus.Succeeded, unlimited.Error);
        Assert.Equal(52, api.Requests.Count);
        Assert.Equal(100, (await kit.DetailAsync(unlimited)).GetProperty("daily_limit").GetInt32());
    }

    [SkippableFact]
    public async Task TierAndFlag_MoveTheDailyLimitAtPlanning()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Café novo", "Olá {first_name}, chegou café novo para quem gosta de {product}!", "cafe");
        for (var i = 0; i < 3; i++)
        {
            await seed.CustomerAsync(PlanNight);
        }

        await PostAsync(worker, Quality("DOWNGRADE", "TIER_50", PlanNight.AddHours(-2)));
        await new ConsentSeed(db).RunAsync(ProcessInboundJob.Key, PlanNight.AddMinutes(-5));
        var tiered = await seed.RunAsync(PlanNight, "--Messaging:DailyLimit=1000");

        var detail = await seed.DetailAsync(tiered);
        Assert.Equal(50, detail.GetProperty("daily_limit").GetInt32());
        Assert.Equal(1000, detail.GetProperty("configured_daily_limit").GetInt32());
        Assert.Equal(3, detail.GetProperty("queued").GetInt64());

        // Flagged, the next night plans Dispatch:FlaggedShare of the tier: two of three newcomers.
        var newcomers = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            newcomers.Add(await seed.CustomerAsync(PlanNight.AddDays(1)));
        }

        await PostAsync(worker, Quality("FLAGGED", null, PlanNight.AddHours(12)));
        await new ConsentSeed(db).RunAsync(ProcessInboundJob.Key, PlanNight.AddHours(13));
        var flagged = await seed.RunAsync(PlanNight.AddDays(1), "--Messaging:DailyLimit=1000", "--Dispatch:FlaggedShare=0.05");

        var flaggedDetail = await seed.DetailAsync(flagged);
        Assert.Equal(2, flaggedDetail.GetProperty("daily_limit").GetInt32());
        Assert.Equal(2, flaggedDetail.GetProperty("queued").GetInt64());
        Assert.Equal(2, (await seed.PlannedAsync()).Count(p => newcomers.Contains(p.ContactId)));
    }

    [SkippableFact]
    public async Task Flagged_HalvesTheDaysSends_UntilUnflagged()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        await using var api = await Bench.LoopbackCloudApi.StartAsync();
        var content = await kit.ContentAsync();
        for (var i = 0; i < 4; i++)
        {
            await kit.PlannedAsync(content);
        }

        await PostAsync(worker, Quality("FLAGGED", "TIER_250", Now.AddHours(-1)));
        var logs = new CapturedLogs();
        await ProcessInboundAsync(kit, Now.AddMinutes(-1), logs);
        var flagged = await kit.RunAsync(Now, Cloud(api, "--Messaging:DailyLimit=4"));

        Assert.Contains(
            logs.Entries,
            e => e.Level == LogLevel.Warning && e.Text.StartsWith("Meta FLAGGED the business number's quality: the day's sends drop to 125", StringComparison.Ordinal));

        Assert.True(flagged.Status == JobRunStatus.Succeeded, flagged.Error);
        Assert.Equal(2, api.Requests.Count);
        Assert.True((await kit.DetailAsync(flagged)).GetProperty("sender_flagged").GetBoolean());
        // What the signal did, as the worker that applied it was configured (Messaging:DailyLimit 250 there).
        Assert.StartsWith("daily limit now 125 (Messaging:DailyLimit 250, tier TIER_250, flagged", await kit.ScalarAsync<string>("SELECT action FROM sender_health WHERE event = 'FLAGGED'"), StringComparison.Ordinal);

        await PostAsync(worker, Quality("UNFLAGGED", "TIER_250", Now.AddMinutes(1)));
        await ProcessInboundAsync(kit, Now.AddMinutes(2));
        var unflagged = await kit.RunAsync(Now.AddMinutes(3), Cloud(api, "--Messaging:DailyLimit=4"));

        Assert.True(unflagged.Status == JobRunStatus.Succeeded, unflagged.Error);
        Assert.Equal(4, api.Requests.Count);
        Assert.False((await kit.DetailAsync(unflagged)).GetProperty("sender_flagged").GetBoolean());
    }

    [SkippableFact]
    public async Task PausedTemplate_PausesItsContents_CancelsTheirQueue_AndApprovedResumesOnlyWhatMetaPaused()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        var paused = await kit.ContentAsync();
        var otherLanguage = await kit.ContentAsync(language: "en_US");
        var otherTemplate = await kit.ContentAsync(template: "boas_vindas");
        var tripped = await kit.ContentAsync();
        await kit.ExecuteAsync(
            "UPDATE contents SET paused_at = @at, paused_reason = 'circuit_breaker: 3 of 50 recipients in 24 h opted out' WHERE content_id = @tripped",
            new { at = Now.AddDays(-1), tripped });
        var number = kit.NewNumber();
        var person = await kit.PersonAsync(number, "Cliente");
        var cancelled = await kit.QueueAsync(person, paused, number, scheduledAt: Now.AddDays(1), body: "Oi");
        var kept = new[]
        {
            await kit.QueueAsync(person, otherLanguage, number, scheduledAt: Now.AddDays(2), body: "Hi"),
            await kit.QueueAsync(person, otherTemplate, number, scheduledAt: Now.AddDays(3), body: "Oi"),
        };

        await PostAsync(worker, TemplateStatus("PAUSED", "novidade_produto", "pt_BR", Now.AddHours(-1), pauseTitle: "FIRST_PAUSE"));
        var logs = new CapturedLogs();
        var run = await ProcessInboundAsync(kit, Now, logs);

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("novidade_produto", StringComparison.Ordinal));
        Assert.Contains("template novidade_produto (pt_BR) PAUSED (FIRST_PAUSE; ", warning.Text, StringComparison.Ordinal);
        Assert.Contains("1 content(s) paused, 1 queued message(s) cancelled as template_paused", warning.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(number[1..], logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Cliente", logs.All, StringComparison.Ordinal);

        Assert.Equal(1, run.GetProperty("sender_signals").GetProperty("ContentsPaused").GetInt32());
        var reason = await kit.ScalarAsync<string>("SELECT paused_reason FROM contents WHERE content_id = @paused", new { paused });
        Assert.StartsWith("meta_template: Meta PAUSED (FIRST_PAUSE", reason, StringComparison.Ordinal);
        Assert.Equal(("cancelled", SenderHealthStore.TemplatePausedReason), ((await kit.MessageAsync(cancelled)).Status, (await kit.MessageAsync(cancelled)).StatusReason));
        foreach (var id in kept)
        {
            Assert.Equal("queued", (await kit.MessageAsync(id)).Status);
        }

        Assert.Equal(0, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM contents WHERE paused_at IS NOT NULL AND content_id IN (@otherLanguage, @otherTemplate)", new { otherLanguage, otherTemplate }));
        Assert.StartsWith("circuit_breaker", await kit.ScalarAsync<string>("SELECT paused_reason FROM contents WHERE content_id = @tripped", new { tripped }), StringComparison.Ordinal);
        var list = await db.CliAsync(["content", "list"]);
        Assert.Contains(
            $"Modelo novidade_produto (pt_BR) pausado pela Meta desde 2026-11-18 13:17 UTC (conteúdo {paused}): meta_template: Meta PAUSED (FIRST_PAUSE",
            list.Output,
            StringComparison.Ordinal);

        await PostAsync(worker, TemplateStatus("APPROVED", "novidade_produto", "pt_BR", Now.AddHours(2), pauseTitle: "UNPAUSE"));
        await ProcessInboundAsync(kit, Now.AddHours(3));

        Assert.Null(await kit.ScalarAsync<DateTimeOffset?>("SELECT paused_at FROM contents WHERE content_id = @paused", new { paused }));
        Assert.NotNull(await kit.ScalarAsync<DateTimeOffset?>("SELECT resumed_at FROM contents WHERE content_id = @paused", new { paused }));
        Assert.NotNull(await kit.ScalarAsync<DateTimeOffset?>("SELECT paused_at FROM contents WHERE content_id = @tripped", new { tripped }));
    }

    [SkippableFact]
    public async Task RedTemplateQuality_PausesItsContents_OtherScoresAreRecorded()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();

        await PostAsync(worker, TemplateQuality("YELLOW", "GREEN", "novidade_produto", "pt_BR", Now.AddHours(-2)));
        await ProcessInboundAsync(kit, Now.AddHours(-1));
        Assert.Null(await kit.ScalarAsync<DateTimeOffset?>("SELECT paused_at FROM contents WHERE content_id = @content", new { content }));

        await PostAsync(worker, TemplateQuality("RED", "YELLOW", "novidade_produto", "pt_BR", Now.AddMinutes(-30)));
        await ProcessInboundAsync(kit, Now);

        Assert.Equal(
            "meta_template: Meta quality RED (previous YELLOW)",
            await kit.ScalarAsync<string>("SELECT paused_reason FROM contents WHERE content_id = @content", new { content }));
    }

    [SkippableFact]
    public async Task AccountRestriction_HaltsDispatch_WithMetasReason_UntilDispatchResume()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        await using var api = await Bench.LoopbackCloudApi.StartAsync();
        var content = await kit.ContentAsync();
        var (_, _, message) = await kit.PlannedAsync(content);

        await PostAsync(worker, AccountRestriction("RESTRICTED_BIZ_INITIATED_MESSAGING", Now.AddHours(-1), Now.AddDays(7)));
        var logs = new CapturedLogs();
        await ProcessInboundAsync(kit, Now.AddMinutes(-1), logs);

        Assert.Contains(
            logs.Entries,
            e => e.Level == LogLevel.Error && e.Text.StartsWith("Meta reported an account restriction (ACCOUNT_RESTRICTION: RESTRICTED_BIZ_INITIATED_MESSAGING", StringComparison.Ordinal)
                && e.Text.Contains("dispatching halted", StringComparison.Ordinal));
        var halted = await kit.RunAsync(Now, Cloud(api));

        Assert.Equal(JobRunStatus.Failed, halted.Status);
        Assert.Contains("ACCOUNT_RESTRICTION", halted.Error, StringComparison.Ordinal);
        Assert.Contains("RESTRICTED_BIZ_INITIATED_MESSAGING until 2026/11/25 13:17 UTC", halted.Error, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
        Assert.Equal("queued", (await kit.MessageAsync(message)).Status);
        var status = await db.CliAsync(["dispatch", "status"]);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("ACCOUNT_RESTRICTION", status.Output, StringComparison.Ordinal);
        var health = await db.CliAsync(["health"]);
        Assert.Equal(1, health.ExitCode);
        Assert.Contains("Envio SUSPENSO desde", health.Output, StringComparison.Ordinal);
        Assert.Contains("account_update ACCOUNT_RESTRICTION: RESTRICTED_BIZ_INITIATED_MESSAGING", health.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await db.CliAsync(["dispatch", "resume"])).ExitCode);
        var resumed = await kit.RunAsync(Now.AddMinutes(1), Cloud(api));

        Assert.True(resumed.Status == JobRunStatus.Succeeded, resumed.Error);
        Assert.Equal("sent", (await kit.MessageAsync(message)).Status);
    }

    [SkippableFact]
    public async Task TheSameSignalTwice_HasOneEffect_AndUnknownEventsAreStoredAndIgnored()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var flagged = Quality("FLAGGED", "TIER_250", Now.AddHours(-2));
        var paused = TemplateStatus("PAUSED", "novidade_produto", "pt_BR", Now.AddHours(-2));
        await PostAsync(worker, flagged);
        await PostAsync(worker, flagged);
        await PostAsync(worker, paused);
        // Meta retrying with the same change in a body of its own (another entry beside it): still one signal.
        await PostAsync(worker, paused.Replace("\"object\"", "\"extra\":1,\"object\"", StringComparison.Ordinal));
        await PostAsync(worker, Quality("SOMETHING_NEW", "TIER_5M", Now.AddHours(-1)));
        await PostAsync(worker, TemplateStatus("LOCKED_FOREVER", "boas_vindas", "pt_BR", Now.AddHours(-1)));
        await PostAsync(worker, AccountEvent("PARTNER_APP_INSTALLED", Now.AddHours(-1)));

        var run = await kit.RunJobAsync(ProcessInboundJob.Key, Now);
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(5, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM sender_health"));
        Assert.Equal(0, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM sender_health WHERE applied_at IS NULL"));
        Assert.Equal(3, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM sender_health WHERE action = 'recorded only'"));
        Assert.Equal(0, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM dispatch_halts"));
        Assert.NotNull(await kit.ScalarAsync<DateTimeOffset?>("SELECT paused_at FROM contents WHERE content_id = @content", new { content }));
        Assert.Contains("duplicates=1", await kit.ScalarAsync<string>("SELECT outcome FROM webhook_payloads WHERE body LIKE '%extra%'"), StringComparison.Ordinal);

        await using var api = await Bench.LoopbackCloudApi.StartAsync();
        var dispatch = await kit.RunAsync(Now.AddMinutes(2), Cloud(api, "--Messaging:DailyLimit=100"));
        Assert.Equal(50, (await kit.DetailAsync(dispatch)).GetProperty("daily_limit").GetInt32());
    }

    [SkippableFact]
    public async Task ASignalThatCannotBeApplied_WaitsForTheNextRun_AndNeverHoldsBackAnOptOut()
    {
        await using var db = await NewDatabaseAsync();
        await using var worker = await WebhookServerTests.Worker.StartAsync(db);
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var carla = await kit.PersonAsync(Carla, "Carla Mendes");
        // Something in the database refuses the pause (here a trigger another tool might have left).
        await db.RefuseAsync("tr_refuse_meta_pause", "contents", RowChange.Update, "refused", "{row}.paused_reason LIKE 'meta_template%'");
        await PostAsync(worker, TemplateStatus("PAUSED", "novidade_produto", "pt_BR", Now.AddHours(-1)));
        using (var response = await worker.Client.SendAsync(WebhookKit.Post(worker.Address, WebhookKit.FixtureBytes("webhook-message-text.json"), WebhookKit.Signed["webhook-message-text.json"])))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        var first = await ProcessInboundAsync(kit, Now);

        Assert.Equal(1, first.GetProperty("sender_signals").GetProperty("Failed").GetInt32());
        Assert.Equal("revoked", await kit.ScalarAsync<string>("SELECT status FROM consents WHERE contact_id = @carla", new { carla }));
        Assert.Equal(1, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM sender_health WHERE applied_at IS NULL"));

        await db.StopRefusingAsync("tr_refuse_meta_pause", "contents");
        var second = await ProcessInboundAsync(kit, Now.AddMinutes(1));

        Assert.Equal(1, second.GetProperty("sender_signals").GetProperty("ContentsPaused").GetInt32());
        Assert.NotNull(await kit.ScalarAsync<DateTimeOffset?>("SELECT paused_at FROM contents WHERE content_id = @content", new { content }));
    }

    /// <summary>One <c>process-inbound</c> run as of <paramref name="now"/>; its detail.</summary>
    private static async Task<System.Text.Json.JsonElement> ProcessInboundAsync(DispatchKit kit, DateTimeOffset now, CapturedLogs? logs = null)
    {
        using var host = kit.Database.BuildHost(new FakeTimeProvider(now), b =>
        {
            if (logs is not null)
            {
                b.Logging.AddProvider(logs);
            }
        });
        var run = await host.Services.GetRequiredService<JobRunner>().RunAsync(ProcessInboundJob.Key, CancellationToken.None);
        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        return await kit.DetailAsync(run);
    }
}

public sealed class SqliteSenderHealthTests(SqliteEngine engine) : SenderHealthTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresSenderHealthTests(PostgresEngine engine) : SenderHealthTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerSenderHealthTests(SqlServerEngine engine) : SenderHealthTests(engine), IClassFixture<SqlServerEngine>;
