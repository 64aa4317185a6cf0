using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Planning;

/// <summary>
/// <c>plan-messages</c> reads history only within the windows its rules look at (the lookback of habitual-hour evidence and
/// engagement, the frequency cap's reach), and whatever old history a rule without a window still needs (recency,
/// affinity, <c>{product}</c>, novelty, the unanswered streak). Each test plans twins whose histories differ in one
/// respect and compares what they got: the same plan when the difference lies outside every window, another when it
/// lies inside one or concerns a rule without a window.
/// </summary>
public abstract class PlanHistoryTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string CoffeeBody = "Olá {first_name}, chegou café novo para quem gosta de {product}!";
    private const string GeneralBody = "Oi {first_name}, temos novidades na loja esta semana.";

    /// <summary>Monday 23 November 2026, 03:00 in São Paulo: the nightly run, which plans that Monday.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T06:00:00Z", CultureInfo.InvariantCulture);

    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    [SkippableFact]
    public async Task HistoryOutsideTheWindows_ChangesNothingInThePlan()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        await seed.ContentAsync("Novidades", GeneralBody);
        var retired = await seed.ContentAsync("Promoção antiga", GeneralBody, active: false);
        var plain = await seed.CustomerAsync(Now, name: "Ana");
        var storied = await seed.CustomerAsync(Now, name: "Ana");
        var phone = await PhoneOf(seed, storied);

        // Messages and reads at three in the morning just before the lookback: they would move the habit if they counted.
        for (var days = 182; days < 222; days++)
        {
            await seed.InteractionAsync(storied, "message_in", LocalAt(days, 3));
            await seed.InteractionAsync(storied, "read", LocalAt(days, 3).AddMinutes(5));
        }

        // Read messages before the lookback (engagement would rise), answered long before the person's latest message.
        await seed.MessageAsync(storied, retired, phone, Now.AddDays(-300), "read");
        await seed.MessageAsync(storied, retired, phone, Now.AddDays(-400), "delivered");
        // Planned before the lookback and sent there too; failed and cancelled ones, whenever.
        await seed.MessageAsync(storied, retired, phone, Now.AddDays(-250), "delivered", sentAt: Now.AddDays(-240));
        await seed.MessageAsync(storied, coffee, phone, Now.AddDays(-2), "failed");
        await seed.MessageAsync(storied, coffee, phone, Now.AddDays(-700), "cancelled");
        // Still queued three weeks ago (the dispatcher was halted): beyond the cap's reach of the Monday slot.
        await seed.MessageAsync(storied, retired, phone, Now.AddDays(-21), "queued");
        // Coffee planned long ago and never sent (still queued, or sending when the worker stopped): not novelty's "got it",
        // not unanswered.
        await seed.MessageAsync(storied, coffee, phone, Now.AddDays(-200), "queued");
        await seed.MessageAsync(storied, coffee, phone, Now.AddDays(-300), "sending");

        var run = await seed.RunAsync(Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var planned = (await seed.PlannedAsync()).ToDictionary(p => p.ContactId);
        Assert.Equal(2, planned.Count);
        var (expected, actual) = (planned[plain], planned[storied]);
        Assert.Equal(coffee, actual.ContentId);
        Assert.Equal(expected.ContentId, actual.ContentId);
        Assert.Equal(expected.Relevance, actual.Relevance, 12);
        Assert.Equal(expected.ScoreDetail, actual.ScoreDetail);
        Assert.Equal(14, LocalHour(expected));
        Assert.Equal(LocalHour(expected), LocalHour(actual));
        Assert.Equal(
            await seed.ScalarAsync<int>("SELECT preferred_hour FROM contacts WHERE contact_id = @plain", new { plain }),
            await seed.ScalarAsync<int>("SELECT preferred_hour FROM contacts WHERE contact_id = @storied", new { storied }));
    }

    [SkippableFact]
    public async Task HistoryInsideTheWindows_ChangesThePlan()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        await seed.ContentAsync("Novidades", GeneralBody);
        var retired = await seed.ContentAsync("Promoção antiga", GeneralBody, active: false);
        var plain = await seed.CustomerAsync(Now);

        // Evidence of the last days at ten in the morning outweighs the older two o'clock habit.
        var early = await seed.CustomerAsync(Now);
        for (var days = 1; days <= 20; days++)
        {
            await seed.InteractionAsync(early, "message_in", LocalAt(days, 10));
        }

        // A message read a month ago, inside the lookback: engagement rises above a newcomer's 0.5.
        var reader = await seed.CustomerAsync(Now);
        await seed.MessageAsync(reader, retired, await PhoneOf(seed, reader), Now.AddDays(-30), "read");
        // Unanswered since: a message delivered ten days ago, after the person last wrote (twenty days ago), tires them.
        var silent = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-400));
        await seed.ConsentAsync(silent, Now.AddDays(-30));
        await seed.InteractionAsync(silent, "purchase", Now.AddDays(-5), "Café Especial", "cafe");
        foreach (var days in new[] { 20, 27, 34 })
        {
            await seed.InteractionAsync(silent, "message_in", LocalAt(days, 14));
        }

        await seed.MessageAsync(silent, retired, await PhoneOf(seed, silent), Now.AddDays(-10), "delivered");
        // Planned half a year ago, sent two days ago: within the cap of the Monday slot.
        var late = await seed.CustomerAsync(Now);
        await seed.MessageAsync(late, retired, await PhoneOf(seed, late), Now.AddDays(-200), "delivered", sentAt: Now.AddDays(-2));

        var run = await seed.RunAsync(Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var planned = (await seed.PlannedAsync()).ToDictionary(p => p.ContactId);
        Assert.Equal(new[] { plain, early, reader, silent }.Order(), planned.Keys.Order());
        Assert.Equal(14, LocalHour(planned[plain]));
        Assert.Equal(10, LocalHour(planned[early]));
        Assert.Equal(0.5, Component(planned[plain], "engagement"));
        Assert.Equal(Math.Round(2.0 / 3, 4), Component(planned[reader], "engagement"));
        Assert.Equal(0, Component(planned[plain], "fatigue"));
        Assert.Equal(Math.Round(1.0 / 3, 4), Component(planned[silent], "fatigue"));
        Assert.Equal(1, (await seed.DetailAsync(run)).GetProperty("capped").GetInt64());
    }

    /// <summary>A message planned before the window and sent within it caps the number; one that failed does not.</summary>
    [SkippableFact]
    public async Task AMessagePlannedLongAgo_SentWithinTheCap_CapsTheNumber()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Novidades", GeneralBody);
        var retired = await seed.ContentAsync("Promoção antiga", GeneralBody, active: false);
        var plain = await seed.CustomerAsync(Now);
        var late = await seed.CustomerAsync(Now);
        await seed.MessageAsync(late, retired, await PhoneOf(seed, late), Now.AddDays(-200), "delivered", sentAt: Now.AddDays(-2));
        var failed = await seed.CustomerAsync(Now);
        await seed.MessageAsync(failed, retired, await PhoneOf(seed, failed), Now.AddDays(-200), "failed", sentAt: Now.AddDays(-2));

        using var host = db.BuildHost(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        var run = await host.Services.GetRequiredService<JobRunner>().RunAsync(PlanMessagesJob.Key, CancellationToken.None);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(new[] { plain, failed }.Order(), (await seed.PlannedAsync()).Select(p => p.ContactId).Order());
        Assert.Equal(1, (await seed.DetailAsync(run)).GetProperty("capped").GetInt64());
    }

    [SkippableFact]
    public async Task RulesWithoutAWindow_StillSeeTheWholeHistory()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe", priority: 5);
        var general = await seed.ContentAsync("Novidades", GeneralBody);
        var retired = await seed.ContentAsync("Promoção antiga", GeneralBody, active: false);
        var plain = await seed.CustomerAsync(Now, name: "Bia");

        // Affinity weighs every purchase: wine bought three years ago makes coffee half of what the person buys.
        var mixed = await seed.CustomerAsync(Now, name: "Bia");
        await seed.InteractionAsync(mixed, "purchase", Now.AddDays(-1100), "Vinho Tinto", "vinho");
        // {product} is the latest product named, however old.
        var named = await seed.CustomerAsync(Now, name: "Bia", product: null);
        await seed.InteractionAsync(named, "purchase", Now.AddDays(-5), null, "cafe");
        await seed.InteractionAsync(named, "purchase", Now.AddDays(-1000), "Café Antigo", "cafe");
        // Novelty: a content got two years ago is not sent again.
        var got = await seed.CustomerAsync(Now, name: "Bia");
        await seed.MessageAsync(got, coffee, await PhoneOf(seed, got), Now.AddDays(-730), "delivered");
        // The unanswered streak: someone who never wrote, with three messages delivered two years ago.
        var quiet = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-900), "Bia");
        await seed.ConsentAsync(quiet, Now.AddDays(-30));
        await seed.InteractionAsync(quiet, "purchase", Now.AddDays(-5), "Café Especial", "cafe");
        var quietPhone = await PhoneOf(seed, quiet);
        foreach (var days in new[] { 700, 720, 740 })
        {
            await seed.MessageAsync(quiet, retired, quietPhone, Now.AddDays(-days), "delivered");
        }

        // Recency counts an interaction of any kind, however old, written by another tool without last_interaction_at.
        var dormant = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-900), "Bia");
        await seed.ConsentAsync(dormant, Now.AddDays(-30));
        await seed.InteractionAsync(dormant, "purchase", Now.AddDays(-500), "Café Especial", "cafe");
        var clicked = await seed.ContactAsync(seed.NewNumber(), Now.AddDays(-900), "Bia");
        await seed.ConsentAsync(clicked, Now.AddDays(-30));
        await seed.InteractionAsync(clicked, "purchase", Now.AddDays(-500), "Café Especial", "cafe");
        await seed.InteractionAsync(clicked, "click", Now.AddDays(-400));

        var run = await seed.RunAsync(Now, "--Messaging:MinRelevance=0");

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var planned = (await seed.PlannedAsync()).ToDictionary(p => p.ContactId);
        Assert.Equal(coffee, planned[plain].ContentId);
        Assert.Equal(coffee, planned[mixed].ContentId);
        Assert.Equal(Math.Round(Math.Sqrt(0.5) * double.Exp2(-5 / 180.0), 4), Component(planned[mixed], "affinity"), 3);
        Assert.True(Component(planned[plain], "affinity") > Component(planned[mixed], "affinity"));
        Assert.StartsWith("Olá Bia, chegou café novo para quem gosta de Café Antigo!", planned[named].Body, StringComparison.Ordinal);
        Assert.Equal(general, planned[got].ContentId);
        Assert.Equal(0.6, Component(planned[quiet], "fatigue"));
        Assert.Equal(Math.Round(double.Exp2(-500 / 60.0), 4), Component(planned[dormant], "recency"));
        Assert.Equal(Math.Round(double.Exp2(-400 / 60.0), 4), Component(planned[clicked], "recency"));
    }

    [SkippableFact]
    public async Task OldHistory_WeighsInOnlyThroughItsSums()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        var coffee = await seed.ContentAsync("Café novo", CoffeeBody, "cafe");
        var wine = await seed.ContentAsync("Safra nova", "Olá {first_name}, o {product} tem safra nova!", "vinho", priority: 5);
        await seed.ContentAsync("Novidades", GeneralBody);
        var retired = await seed.ContentAsync("Promoção antiga", GeneralBody, active: false);

        // Twins whose years of history differ row by row but sum up alike: purchases per category (how many, the latest),
        // the latest product named, the night's contents already sent, and the messages sent since the person last wrote.
        var first = await PersonWithOldHistoryAsync(seed, coffee, retired, [-1000, -900], []);
        var second = await PersonWithOldHistoryAsync(seed, coffee, retired, [-1400, -850], [-2000, -1800]);

        var run = await seed.RunAsync(Now, "--Messaging:MinRelevance=0");

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var planned = (await seed.PlannedAsync()).ToDictionary(p => p.ContactId);
        var (expected, actual) = (planned[first], planned[second]);
        Assert.Equal(wine, expected.ContentId);
        Assert.Equal(expected.ContentId, actual.ContentId);
        Assert.Equal(expected.Relevance, actual.Relevance, 12);
        Assert.Equal(expected.ScoreDetail, actual.ScoreDetail);
        Assert.Equal(expected.Body, actual.Body);

        // The duplicate row's wine is the latest product named (its later purchase names none), and a quarter of what the
        // number's rows bought; coffee went out four years ago (written without sent_at) and is not sent again.
        Assert.StartsWith("Olá Caio, o Vinho do Porto tem safra nova!", expected.Body, StringComparison.Ordinal);
        Assert.Equal(Math.Round(Math.Sqrt(0.25) * double.Exp2(-800 / 180.0), 4), Component(expected, "affinity"));
        Assert.Equal(Math.Round(double.Exp2(-10 / 60.0), 4), Component(expected, "recency"));
        // Since the duplicate row's reply 400 days ago: two messages before the window, one planned before the reply but
        // sent after it, and one in the lookback (read, unanswered); earlier ones, and a failed one, do not count.
        Assert.Equal(Math.Round(4 / 6.0, 4), Component(expected, "fatigue"));
        Assert.Equal(Math.Round(2 / 3.0, 4), Component(expected, "engagement"));
    }

    /// <summary>
    /// A person of two rows (the second a consenting duplicate) with years of history: coffee bought at
    /// <paramref name="coffeeDays"/> (days from the run, the latest -700 by the duplicate row, with no product named),
    /// wine at -800 by the duplicate row; messages before the window, and <paramref name="answeredDays"/> more before the
    /// person last wrote.
    /// </summary>
    private static async Task<long> PersonWithOldHistoryAsync(PlanSeed seed, long coffee, long retired, int[] coffeeDays, int[] answeredDays)
    {
        var phone = seed.NewNumber();
        var person = await seed.ContactAsync(phone, Now.AddDays(-2500), "Caio");
        await seed.ConsentAsync(person, Now.AddDays(-30));
        var duplicate = await seed.ContactAsync(phone, Now.AddDays(-2400), "Caio", status: "duplicate", duplicateOf: person);
        await seed.ConsentAsync(duplicate, Now.AddDays(-30));
        foreach (var days in coffeeDays)
        {
            await seed.InteractionAsync(person, "purchase", Now.AddDays(days), "Café Antigo", "cafe");
        }

        await seed.InteractionAsync(duplicate, "purchase", Now.AddDays(-800), "Vinho do Porto", "vinho");
        await seed.InteractionAsync(duplicate, "purchase", Now.AddDays(-700), "  ", "cafe");
        await seed.InteractionAsync(person, "message_in", Now.AddDays(-600));
        await seed.InteractionAsync(duplicate, "reply", Now.AddDays(-400));
        await seed.InteractionAsync(person, "read", Now.AddDays(-10));

        var written = await seed.MessageAsync(person, coffee, phone, Now.AddDays(-1500), "delivered");
        await seed.ExecuteAsync("UPDATE message_queue SET sent_at = NULL WHERE message_id = @written", new { written });
        foreach (var days in answeredDays)
        {
            await seed.MessageAsync(person, coffee, phone, Now.AddDays(days), "read");
        }

        await seed.MessageAsync(person, retired, phone, Now.AddDays(-500), "delivered");
        await seed.MessageAsync(person, retired, phone, Now.AddDays(-420), "delivered", sentAt: Now.AddDays(-390));
        await seed.MessageAsync(person, retired, phone, Now.AddDays(-350), "delivered");
        await seed.MessageAsync(person, retired, phone, Now.AddDays(-300), "read");
        await seed.MessageAsync(person, retired, phone, Now.AddDays(-250), "failed");
        await seed.MessageAsync(person, retired, phone, Now.AddDays(-100), "read");
        return person;
    }

    /// <summary>14:20-style instants: <paramref name="hour"/>:20 on the São Paulo clock, <paramref name="days"/> days before the run.</summary>
    private static DateTimeOffset LocalAt(int days, int hour)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, SaoPaulo).DateTime).AddDays(-days).ToDateTime(new TimeOnly(hour, 20));
        return LocalToUtc.Recorded(local, SaoPaulo);
    }

    private static int LocalHour(PlanSeed.Planned message) => TimeZoneInfo.ConvertTime(message.ScheduledAt, SaoPaulo).Hour;

    private static double Component(PlanSeed.Planned message, string name)
    {
        using var detail = JsonDocument.Parse(message.ScoreDetail!);
        return detail.RootElement.GetProperty(name).GetDouble();
    }

    private static Task<string> PhoneOf(PlanSeed seed, long contactId) =>
        seed.ScalarAsync<string>("SELECT phone_e164 FROM contacts WHERE contact_id = @contactId", new { contactId });
}

public sealed class SqlitePlanHistoryTests(SqliteEngine engine) : PlanHistoryTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresPlanHistoryTests(PostgresEngine engine) : PlanHistoryTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerPlanHistoryTests(SqlServerEngine engine) : PlanHistoryTests(engine), IClassFixture<SqlServerEngine>;
