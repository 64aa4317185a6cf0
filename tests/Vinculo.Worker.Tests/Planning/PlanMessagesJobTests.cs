using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Planning;

/// <summary><c>plan-messages</c> against a real database, on every engine.</summary>
public abstract class PlanMessagesJobTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string Footer = "\nPara não receber mais mensagens, responda SAIR.";
    private const string CoffeeBody = "Olá {first_name}, chegou café novo para quem gosta de {product}!";
    private const string GeneralBody = "Oi {first_name}, temos novidades na loja esta semana.";

    /// <summary>Monday 23 November 2026, 03:00 in São Paulo: the nightly run, which plans that Monday.</summary>
    private static readonly DateTimeOffset Now = Instant("2026-11-23T06:00:00Z");

    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    [SkippableFact]
    public async Task Plan_QueuesTheBestContent_AtTheHabitualHour_RenderedAndExplained()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        await seed.ContentAsync("Novidades", GeneralBody);
        var maria = await seed.CustomerAsync(Now, name: "Maria da Silva", habitHour: 14);

        var run = await seed.RunAsync(Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var message = Assert.Single(await seed.PlannedAsync());
        Assert.Equal(maria, message.ContactId);
        Assert.Equal(coffee, message.ContentId);
        Assert.Equal("queued", message.Status);
        Assert.Equal("Olá Maria, chegou café novo para quem gosta de Café Especial!" + Footer, message.Body);
        var local = TimeZoneInfo.ConvertTime(message.ScheduledAt, SaoPaulo);
        Assert.Equal((Monday, 14), (DateOnly.FromDateTime(local.DateTime), local.Hour));
        Assert.True(message.Relevance >= 0.35);
        using var detail = JsonDocument.Parse(message.ScoreDetail!);
        Assert.Equal(Math.Round(message.Relevance, 4), detail.RootElement.GetProperty("total").GetDouble());
        Assert.Equal(1, detail.RootElement.GetProperty("novelty").GetDouble());
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM message_queue WHERE plan_day = @Monday", new { Monday }));
        Assert.Equal(14, await seed.ScalarAsync<int>("SELECT preferred_hour FROM contacts WHERE contact_id = @maria", new { maria }));
        var runDetail = await seed.DetailAsync(run);
        Assert.Equal("2026-11-23", runDetail.GetProperty("send_day").GetString());
        Assert.Equal(1, runDetail.GetProperty("eligible").GetInt64());
        Assert.Equal(1, runDetail.GetProperty("queued").GetInt64());
        Assert.Equal(1, runDetail.GetProperty("preferred_hour_updated").GetInt64());
        Assert.Equal(
            [
                "contents", "evaluate", "insert", "read_people", "read_signals", "signals_consents", "signals_latest", "signals_messages",
                "signals_purchases", "signals_recent", "total", "write_hours",
            ],
            runDetail.GetProperty("timing_ms").EnumerateObject().Select(p => p.Name));
    }

    [SkippableFact]
    public async Task Plan_ContactInAcre_GetsNineOnTheirClock_WhichIs1400Utc()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Novidades", GeneralBody);
        // An early bird: a 06:00 habit is clamped to the window's opening, 09:00 in Rio Branco (UTC-5).
        var joao = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-400), "João", zone: "America/Rio_Branco", preferredHour: 6);
        await seed.ConsentAsync(joao, Now.AddDays(-30));
        await seed.InteractionAsync(joao, "purchase", Now.AddDays(-2), "Pão", "padaria");

        await seed.RunAsync(Now);

        var message = Assert.Single(await seed.PlannedAsync());
        Assert.Equal(new DateTime(2026, 11, 23, 14, 0, 0, DateTimeKind.Utc), message.ScheduledAt.UtcDateTime.AddMinutes(-message.ScheduledAt.Minute));
        Assert.Equal(9, TimeZoneInfo.ConvertTime(message.ScheduledAt, TimeZoneInfo.FindSystemTimeZoneById("America/Rio_Branco")).Hour);
        Assert.Equal(SendWindow.MinuteOffset(joao), message.ScheduledAt.Minute);
    }

    [SkippableFact]
    public async Task Plan_MessagesOnlyWhomTheRulesAllow_OncePerNumber()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var content = await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        var eligible = await seed.CustomerAsync(Now);

        var noConsent = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-400));
        await seed.InteractionAsync(noConsent, "purchase", Now.AddDays(-3), "Café", "cafe");
        var revoked = await seed.CustomerAsync(Now);
        await seed.ExecuteAsync("UPDATE consents SET status = 'revoked' WHERE contact_id = @revoked", new { revoked });
        // Granted 400 days ago and silent since: idle past Consent:MaxIdleDays, even though expire-consents has not run.
        var stale = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-500));
        await seed.ConsentAsync(stale, Now.AddDays(-400));
        // Fresh now, but its expires_at falls before the afternoon slot.
        var expiring = await seed.CustomerAsync(Now);
        await seed.ExecuteAsync("UPDATE consents SET expires_at = @at WHERE contact_id = @expiring", new { at = Now.AddHours(2), expiring });
        var suppressedNumber = seed.NewNumber();
        await seed.CustomerAsync(Now, suppressedNumber);
        await seed.SuppressAsync(suppressedNumber, Now.AddDays(-1));
        var erased = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-400), erasedAt: Now.AddDays(-1));
        await seed.ConsentAsync(erased, Now.AddDays(-30));
        foreach (var status in new[] { "invalid", "landline", "unreachable", "unchecked" })
        {
            var id = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-400), status: status);
            await seed.ConsentAsync(id, Now.AddDays(-30));
        }

        // Capped by a message that went out three days ago, or one already queued three days ahead.
        var cappedBefore = await seed.CustomerAsync(Now);
        await seed.MessageAsync(cappedBefore, content, await PhoneOf(seed, cappedBefore), Now.AddDays(-3), "delivered");
        var cappedAfter = await seed.CustomerAsync(Now);
        await seed.MessageAsync(cappedAfter, content, await PhoneOf(seed, cappedAfter), Now.AddDays(3), "queued");
        // Failed and cancelled messages never reached the person: they do not cap.
        var notCapped = await seed.CustomerAsync(Now);
        await seed.MessageAsync(notCapped, content, await PhoneOf(seed, notCapped), Now.AddDays(-2), "failed");

        // One person, two rows: consent only on the newer (duplicate) row; planned once, on the oldest row.
        var shared = seed.NewNumber();
        var oldest = await seed.ContactAsync(shared, Now.AddDays(-900));
        await seed.InteractionAsync(oldest, "purchase", Now.AddDays(-4), "Café", "cafe");
        var newer = await seed.ContactAsync(shared, Now.AddDays(-10), status: "duplicate", duplicateOf: oldest);
        await seed.ConsentAsync(newer, Now.AddDays(-10));
        // Two rows, both consented: still one message.
        var both = seed.NewNumber();
        var bothOldest = await seed.CustomerAsync(Now, both);
        var bothNewer = await seed.ContactAsync(both, Now.AddDays(-10), status: "duplicate", duplicateOf: bothOldest);
        await seed.ConsentAsync(bothNewer, Now.AddDays(-10));

        var run = await seed.RunAsync(Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var planned = await seed.PlannedAsync();
        Assert.Equal(new[] { eligible, notCapped, oldest, bothOldest }.Order(), planned.Select(p => p.ContactId).Order());
        Assert.Equal(planned.Count, planned.Select(p => p.Phone).Distinct().Count());
        var detail = await seed.DetailAsync(run);
        Assert.Equal(11, detail.GetProperty("people").GetInt64());
        Assert.Equal(1, detail.GetProperty("suppressed").GetInt64());
        Assert.Equal(2, detail.GetProperty("no_consent").GetInt64());
        Assert.Equal(2, detail.GetProperty("not_fresh").GetInt64());
        Assert.Equal(2, detail.GetProperty("capped").GetInt64());
        Assert.Equal(4, detail.GetProperty("eligible").GetInt64());
        Assert.Equal(4, detail.GetProperty("queued").GetInt64());
    }

    /// <summary>
    /// <c>{product}</c> is the latest purchase that names one, across the person's rows: a later purchase with a blank
    /// product does not count, and of two named at the same instant the greater one is used, whichever was stored first.
    /// </summary>
    [SkippableFact]
    public async Task Plan_FillsProductFromTheLatestNamedPurchase_OfAnyOfThePersonsRows()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Vinhos", "Oi {first_name}, o {product} voltou ao estoque.", "vinho");
        var number = seed.NewNumber();
        var person = await seed.CustomerAsync(Now, e164: number, category: "vinho", product: "Malbec", purchaseDaysAgo: 40);
        var duplicate = await seed.ContactAsync(number, Now.AddDays(-100), status: "duplicate", duplicateOf: person);
        await seed.ConsentAsync(duplicate, Now.AddDays(-30));
        await seed.InteractionAsync(duplicate, "purchase", Now.AddDays(-9), "Tannat", "vinho");
        await seed.InteractionAsync(person, "purchase", Now.AddDays(-9), "Carménère", "vinho");
        await seed.InteractionAsync(person, "purchase", Now.AddDays(-2), "   ", "vinho");

        await seed.RunAsync(Now);

        var planned = (await seed.PlannedAsync()).Single();
        Assert.Equal(person, planned.ContactId);
        Assert.StartsWith("Oi Cliente, o Tannat voltou ao estoque.", planned.Body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Plan_PicksEachPersonsMostRelevantContent_AndNothingUnderMinRelevance()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        var wine = await seed.ContentAsync("Vinhos", "Oi {first_name}, o {product} voltou ao estoque.", "vinho");
        await seed.ContentAsync("Novidades", GeneralBody);
        var coffeeLover = await seed.CustomerAsync(Now);
        var wineLover = await seed.CustomerAsync(Now, category: "vinho", product: "Malbec");
        // Bought once, two years ago, and never wrote: consented, but nothing is relevant enough to send.
        var dormant = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-900));
        await seed.ConsentAsync(dormant, Now.AddDays(-30));
        await seed.InteractionAsync(dormant, "purchase", Now.AddDays(-700), "Café", "cafe");

        var run = await seed.RunAsync(Now);

        var planned = (await seed.PlannedAsync()).ToDictionary(p => p.ContactId);
        Assert.Equal(coffee, planned[coffeeLover].ContentId);
        Assert.Equal(wine, planned[wineLover].ContentId);
        Assert.StartsWith("Oi Cliente, o Malbec voltou ao estoque.", planned[wineLover].Body, StringComparison.Ordinal);
        Assert.False(planned.ContainsKey(dormant));
        Assert.All(planned.Values, p => Assert.True(p.Relevance >= 0.35));
        var detail = await seed.DetailAsync(run);
        Assert.Equal(1, detail.GetProperty("below_threshold").GetInt64());
        Assert.Equal(3, detail.GetProperty("eligible").GetInt64());

        // A stricter threshold, on the next send day, leaves everyone out.
        var strict = await seed.RunAsync(Now.AddDays(8), "--Messaging:MinRelevance=0.99");
        Assert.Equal(0, (await seed.DetailAsync(strict)).GetProperty("queued").GetInt64());
    }

    [SkippableFact]
    public async Task Plan_NeverSendsAContentThePersonAlreadyGot()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe", priority: 5);
        var general = await seed.ContentAsync("Novidades", GeneralBody);
        var ana = await seed.CustomerAsync(Now, name: "Ana");
        await seed.MessageAsync(ana, coffee, await PhoneOf(seed, ana), Now.AddDays(-30), "read");

        await seed.RunAsync(Now);

        var message = Assert.Single(await seed.PlannedAsync());
        Assert.Equal(general, message.ContentId);
    }

    [SkippableFact]
    public async Task Plan_DailyLimit_TakesTheMostRelevantFirst_TiesByContact_AndCountsWhatIsAlreadyPlanned()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        var recent = await seed.CustomerAsync(Now, purchaseDaysAgo: 1);
        var tieLow = await seed.CustomerAsync(Now, purchaseDaysAgo: 20);
        var tieHigh = await seed.CustomerAsync(Now, purchaseDaysAgo: 20);
        var older = await seed.CustomerAsync(Now, purchaseDaysAgo: 60);

        var first = await seed.RunAsync(Now, "--Messaging:DailyLimit=2");

        Assert.Equal(new[] { recent, tieLow }, (await seed.PlannedAsync()).Select(p => p.ContactId).Order());
        var detail = await seed.DetailAsync(first);
        Assert.Equal(2, detail.GetProperty("over_daily_limit").GetInt64());

        // The same night with a higher limit: the two queued count towards it, so only the next best joins them.
        var second = await seed.RunAsync(Now.AddMinutes(30), "--Messaging:DailyLimit=3");

        Assert.Equal(new[] { recent, tieLow, tieHigh }, (await seed.PlannedAsync()).Select(p => p.ContactId).Order());
        var secondDetail = await seed.DetailAsync(second);
        Assert.Equal(2, secondDetail.GetProperty("already_planned_for_day").GetInt64());
        Assert.Equal(1, secondDetail.GetProperty("queued").GetInt64());
        Assert.DoesNotContain(await seed.PlannedAsync(), p => p.ContactId == older);
    }

    [SkippableFact]
    public async Task Plan_RendersNamesLiterally_GracefullyWithoutOne_AndFallsBackWhenAProductIsMissing()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe", priority: 3);
        var general = await seed.ContentAsync("Novidades", "Olá {first_name}, tudo bem? Temos novidades na loja.");
        var braces = await seed.CustomerAsync(Now, name: "{product} Silva");
        var nameless = await seed.CustomerAsync(Now, name: null);
        var neverBought = await seed.CustomerAsync(Now, name: "Bia", product: null);

        await seed.RunAsync(Now);

        var planned = (await seed.PlannedAsync()).ToDictionary(p => p.ContactId);
        Assert.Equal("Olá {product}, chegou café novo para quem gosta de Café Especial!" + Footer, planned[braces].Body);
        Assert.Equal("Olá, chegou café novo para quem gosta de Café Especial!" + Footer, planned[nameless].Body);
        Assert.Equal(general, planned[neverBought].ContentId);
        Assert.Equal("Olá Bia, tudo bem? Temos novidades na loja." + Footer, planned[neverBought].Body);
        Assert.Equal(coffee, planned[braces].ContentId);
    }

    [SkippableFact]
    public async Task Plan_SkipsContentsThatCannotBeSent_AndSaysWhy()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var typo = await seed.ContentAsync("Promo com erro", "Olá {nome}, aproveite!", "cafe", priority: 9);
        var empty = await seed.ContentAsync("Rascunho", "   ", "cafe", priority: 9);
        await seed.ContentAsync("Pausado", CoffeeBody, "cafe", priority: 9, pausedAt: Now.AddDays(-1));
        await seed.ContentAsync("Inativo", CoffeeBody, "cafe", priority: 9, active: false);
        await seed.ContentAsync("Encerrado", CoffeeBody, "cafe", priority: 9, endsAt: Now.AddDays(-1));
        // Still running at 03:00 but over by noon: not sent at the 14:00 slot.
        await seed.ContentAsync("Só de manhã", CoffeeBody, "cafe", priority: 9, endsAt: Now.AddHours(9));
        await seed.ContentAsync("Ainda não", CoffeeBody, "cafe", priority: 9, startsAt: Now.AddDays(2));
        var general = await seed.ContentAsync("Novidades", GeneralBody);
        await seed.CustomerAsync(Now);

        var run = await seed.RunAsync(Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(general, Assert.Single(await seed.PlannedAsync()).ContentId);
        var detail = await seed.DetailAsync(run);
        var skipped = detail.GetProperty("contents_skipped").EnumerateArray().ToDictionary(s => s.GetProperty("content_id").GetInt64(), s => s.GetProperty("problem").GetString()!);
        Assert.Equal(new[] { typo, empty }.Order(), skipped.Keys.Order());
        Assert.Contains("{nome}", skipped[typo], StringComparison.Ordinal);
        Assert.Contains("vazio", skipped[empty], StringComparison.Ordinal);
        Assert.Equal(2, detail.GetProperty("contents").GetInt64());
    }

    [SkippableFact]
    public async Task Plan_RunAgainTheSameNight_AddsNothing_AndWritesNothing()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        for (var i = 0; i < 5; i++)
        {
            await seed.CustomerAsync(Now);
        }

        await seed.RunAsync(Now);
        var again = await seed.RunAsync(Now);
        var later = await seed.RunAsync(Now.AddHours(1));

        Assert.Equal(5, (await seed.PlannedAsync()).Count);
        foreach (var run in new[] { again, later })
        {
            Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
            var detail = await seed.DetailAsync(run);
            Assert.Equal(0, detail.GetProperty("queued").GetInt64());
            Assert.Equal(5, detail.GetProperty("capped").GetInt64());
            Assert.Equal(0, detail.GetProperty("preferred_hour_updated").GetInt64());
        }
    }

    [SkippableFact]
    public async Task TwoPlannersAtOnce_QueueEachNumberOnce()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        for (var i = 0; i < 40; i++)
        {
            await seed.CustomerAsync(Now);
        }

        using var first = db.BuildHost(new FakeTimeProvider(Now), extraArgs: ["--Messaging:BatchSize=100"]);
        using var second = db.BuildHost(new FakeTimeProvider(Now), extraArgs: ["--Messaging:BatchSize=100"]);
        var runs = await Task.WhenAll(
            Task.Run(() => first.Services.GetRequiredService<JobRunner>().RunAsync(PlanMessagesJob.Key, CancellationToken.None)),
            Task.Run(() => second.Services.GetRequiredService<JobRunner>().RunAsync(PlanMessagesJob.Key, CancellationToken.None)));

        Assert.Contains(runs, r => r.Status == JobRunStatus.Succeeded);
        Assert.DoesNotContain(runs, r => r.Status == JobRunStatus.Failed);
        var planned = await seed.PlannedAsync();
        Assert.Equal(40, planned.Count);
        Assert.Equal(40, planned.Select(p => p.Phone).Distinct().Count());
    }

    [SkippableFact]
    public async Task UniqueKey_RefusesASecondCountedMessageForOneNumberAndDay_ButNotAfterACancellation()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var content = await seed.ContentAsync("Novidades", GeneralBody);
        var number = seed.NewNumber();
        var contact = await seed.ContactAsync(number, Now.AddDays(-10));
        const string Insert =
            "INSERT INTO message_queue (contact_id, content_id, phone_e164, scheduled_at, relevance, body, status, plan_day, created_at, updated_at) " +
            "VALUES (@contact, @content, @number, @at, 0.5, 'Oi', @status, @Monday, @at, @at)";
        await seed.ExecuteAsync(Insert, new { contact, content, number, at = Now.AddHours(8), status = "cancelled", Monday });
        await seed.ExecuteAsync(Insert, new { contact, content, number, at = Now.AddHours(9), status = "queued", Monday });

        await Assert.ThrowsAnyAsync<DbException>(() => seed.ExecuteAsync(Insert, new { contact, content, number, at = Now.AddHours(10), status = "queued", Monday }));
    }

    [SkippableFact]
    public async Task SendDay_SkipsWeekendsAndHolidays_AndADayWhoseWindowAlreadyOpened()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Novidades", GeneralBody);
        await seed.CustomerAsync(Now);

        // Thursday 19 November, 20:00 in São Paulo: Friday 20 is Consciência Negra, then the weekend.
        var thursdayEvening = await seed.RunAsync(Instant("2026-11-19T23:00:00Z"));
        // Monday 10:00: Monday's window has opened, so Tuesday is planned.
        var mondayMorning = await seed.RunAsync(Instant("2026-11-23T13:00:00Z"));

        Assert.Equal("2026-11-23", (await seed.DetailAsync(thursdayEvening)).GetProperty("send_day").GetString());
        Assert.Equal("2026-11-24", (await seed.DetailAsync(mondayMorning)).GetProperty("send_day").GetString());
        var message = Assert.Single(await seed.PlannedAsync());
        Assert.Equal(Monday, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(message.ScheduledAt, SaoPaulo).DateTime));
        Assert.Equal(1, (await seed.DetailAsync(mondayMorning)).GetProperty("capped").GetInt64());
    }

    [SkippableFact]
    public async Task PlanByDayView_ShowsThePlanPerDayAndContent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        for (var i = 0; i < 3; i++)
        {
            await seed.CustomerAsync(Now);
        }

        await seed.RunAsync(Now);

        var row = Assert.Single(await seed.QueryAsync<(long ContentId, string ContentName, long Messages, long Queued)>(
            "SELECT content_id, content_name, messages, queued FROM v_plan_by_day WHERE send_day = @Monday", new { Monday }));
        Assert.Equal((coffee, "Café novo", 3L, 3L), row);
    }

    private static Task<string> PhoneOf(PlanSeed seed, long contactId) =>
        seed.ScalarAsync<string>("SELECT phone_e164 FROM contacts WHERE contact_id = @contactId", new { contactId });

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}

public sealed class SqlitePlanMessagesJobTests(SqliteEngine engine) : PlanMessagesJobTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresPlanMessagesJobTests(PostgresEngine engine) : PlanMessagesJobTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerPlanMessagesJobTests(SqlServerEngine engine) : PlanMessagesJobTests(engine), IClassFixture<SqlServerEngine>;
