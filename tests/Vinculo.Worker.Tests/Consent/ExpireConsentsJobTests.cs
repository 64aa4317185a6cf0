using System.Globalization;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Consent;

/// <summary><c>expire-consents</c> against a real database, on every engine.</summary>
public abstract class ExpireConsentsJobTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-23T05:30:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Expires_OnlyStaleConsents_WithOneEventEach_AndCancelsTheirQueue()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var idle = await Contact(seed, "+5511900000001");
        await seed.ConsentAsync(idle, "granted", Night.AddDays(-400));
        var idleExactly = await Contact(seed, "+5511900000002");
        await seed.ConsentAsync(idleExactly, "granted", Night.AddDays(-365));
        var fresh = await Contact(seed, "+5511900000003");
        await seed.ConsentAsync(fresh, "granted", Night.AddDays(-365).AddMinutes(1));
        var renewed = await Contact(seed, "+5511900000004");
        await seed.ConsentAsync(renewed, "granted", Night.AddDays(-900), lastConfirmedAt: Night.AddDays(-10));
        var bought = await Contact(seed, "+5511900000005");
        await seed.ConsentAsync(bought, "granted", Night.AddDays(-900));
        await seed.InteractionAsync(bought, "purchase", Night.AddDays(-20), "Tênis");
        var wrote = await Contact(seed, "+5511900000006");
        await seed.ConsentAsync(wrote, "granted", Night.AddDays(-900));
        await seed.ExecuteAsync("UPDATE contacts SET last_interaction_at = @at WHERE contact_id = @wrote", new { at = Night.AddDays(-3), wrote });
        var ended = await Contact(seed, "+5511900000007");
        await seed.ConsentAsync(ended, "granted", Night.AddDays(-10), expiresAt: Night.AddHours(-1));
        var endsLater = await Contact(seed, "+5511900000008");
        await seed.ConsentAsync(endsLater, "granted", Night.AddDays(-10), expiresAt: Night.AddHours(1));
        var revoked = await Contact(seed, "+5511900000009");
        await seed.ConsentAsync(revoked, "revoked", Night.AddDays(-900));
        var undated = await Contact(seed, "+5511900000010");
        await seed.ExecuteAsync("INSERT INTO consents (contact_id, status, source, changed_at) VALUES (@undated, 'granted', 'other', @at)", new { undated, at = Night.AddDays(-1) });
        var idleMessage = await seed.QueuedMessageAsync(idle, "+5511900000001", Night.AddHours(10));
        var freshMessage = await seed.QueuedMessageAsync(fresh, "+5511900000003", Night.AddHours(10));

        var run = await seed.RunAsync(ExpireConsentsJob.Key, Night);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var expired = new[] { idle, idleExactly, ended, undated };
        foreach (var id in new[] { idle, idleExactly, fresh, renewed, bought, wrote, ended, endsLater, revoked, undated })
        {
            var shouldExpire = expired.Contains(id);
            Assert.Equal(shouldExpire ? "expired" : id == revoked ? "revoked" : "granted", await seed.ConsentStatusAsync(id));
            Assert.Equal(shouldExpire ? 1 : 0, await seed.EventsAsync(id, "expired"));
        }

        Assert.Equal("expires_at_passed", await seed.ScalarAsync<string>("SELECT reason FROM consents WHERE contact_id = @ended", new { ended }));
        Assert.Equal("idle", await seed.ScalarAsync<string>("SELECT reason FROM consents WHERE contact_id = @idle", new { idle }));
        Assert.Equal("{\"reason\":\"idle\"}", await seed.ScalarAsync<string>("SELECT detail FROM consent_events WHERE contact_id = @idle", new { idle }));
        Assert.Equal("cancelled", await seed.ScalarAsync<string>("SELECT status FROM message_queue WHERE message_id = @idleMessage", new { idleMessage }));
        Assert.Equal(ConsentExpiryStore.CancelReason, await seed.ScalarAsync<string>("SELECT status_reason FROM message_queue WHERE message_id = @idleMessage", new { idleMessage }));
        Assert.Equal("queued", await seed.ScalarAsync<string>("SELECT status FROM message_queue WHERE message_id = @freshMessage", new { freshMessage }));
        Assert.Equal(4, run.Result!.Changed);
        Assert.Equal(9, run.Result.Scanned);
    }

    [SkippableFact]
    public async Task SecondRun_FindsNothing_AndALaterNightExpiresWhatWentStale()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var soon = await Contact(seed, "+5511900000001");
        await seed.ConsentAsync(soon, "granted", Night.AddDays(-364));
        var now = await Contact(seed, "+5511900000002");
        await seed.ConsentAsync(now, "granted", Night.AddDays(-366));

        var first = await seed.RunAsync(ExpireConsentsJob.Key, Night);
        var again = await seed.RunAsync(ExpireConsentsJob.Key, Night.AddMinutes(5));
        var tomorrow = await seed.RunAsync(ExpireConsentsJob.Key, Night.AddDays(1));

        Assert.Equal(1, first.Result!.Changed);
        Assert.Equal(0, again.Result!.Changed);
        Assert.Equal(1, tomorrow.Result!.Changed);
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE event = 'expired'"));
    }

    [SkippableFact]
    public async Task MaxIdleDays_AndSmallBatches_AreHonoured()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var ids = new List<long>();
        for (var i = 0; i < 250; i++)
        {
            var id = await Contact(seed, $"+55119{i:D8}");
            await seed.ConsentAsync(id, "granted", Night.AddDays(i % 2 == 0 ? -40 : -20));
            ids.Add(id);
        }

        var run = await seed.RunAsync(ExpireConsentsJob.Key, Night, "--Consent:MaxIdleDays=30", "--Consent:ExpireBatchSize=100");

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(125, run.Result!.Changed);
        Assert.Equal(250, run.Result.Scanned);
        Assert.Equal(3, Convert.ToInt32(run.Result.Detail!["transactions"], CultureInfo.InvariantCulture));
        Assert.Equal(125, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE event = 'expired'"));
        Assert.Equal("expired", await seed.ConsentStatusAsync(ids[248]));
        Assert.Equal("granted", await seed.ConsentStatusAsync(ids[249]));
    }

    [SkippableFact]
    public async Task BadConsentSettings_StopTheRun_NamingEachKey()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(["run", ExpireConsentsJob.Key, "--Consent:MaxIdleDays=0", "--Consent:OptInKeywords:0=sair", "--Consent:ExpireBatchSize=lots"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Consent:MaxIdleDays", result.Error, StringComparison.Ordinal);
        Assert.Contains("Consent:OptInKeywords", result.Error, StringComparison.Ordinal);
        Assert.Contains("Consent:ExpireBatchSize", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, await new ConsentSeed(db).CountAsync("job_runs"));
    }

    private static Task<long> Contact(ConsentSeed seed, string e164) => seed.ContactAsync(e164, Night.AddDays(-1000));
}

public sealed class SqliteExpireConsentsJobTests(SqliteEngine engine) : ExpireConsentsJobTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresExpireConsentsJobTests(PostgresEngine engine) : ExpireConsentsJobTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerExpireConsentsJobTests(SqlServerEngine engine) : ExpireConsentsJobTests(engine), IClassFixture<SqlServerEngine>;
