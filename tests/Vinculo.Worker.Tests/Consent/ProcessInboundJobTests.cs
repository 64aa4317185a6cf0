using System.Globalization;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Consent;

/// <summary><c>process-inbound</c> against a real database, on every engine.</summary>
public abstract class ProcessInboundJobTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string Carla = "+5511987654321";
    private const string CarlaOldWaId = "551187654321";
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T15:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task OptOut_SairWithEmoji_RevokesEveryContactOfTheNumber_CancelsTheQueue_AndSuppresses()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var oldest = await seed.ContactAsync(Carla, Now.AddDays(-90));
        var duplicate = await seed.ContactAsync(Carla, Now.AddDays(-30), status: "duplicate");
        var other = await seed.ContactAsync("+5521998765432", Now.AddDays(-30));
        foreach (var id in new[] { oldest, duplicate, other })
        {
            await seed.ConsentAsync(id, "granted", Now.AddDays(-60));
        }

        var queued = await seed.QueuedMessageAsync(oldest, Carla, Now.AddHours(20));
        var othersMessage = await seed.QueuedMessageAsync(other, "+5521998765432", Now.AddHours(20));
        // WhatsApp knows Carla's older account without the ninth digit.
        var inbound = await seed.InboundAsync(CarlaOldWaId, "Sair 🙏", Now.AddMinutes(-1));

        var run = await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal("revoked", await seed.ConsentStatusAsync(oldest));
        Assert.Equal("revoked", await seed.ConsentStatusAsync(duplicate));
        Assert.Equal("granted", await seed.ConsentStatusAsync(other));
        Assert.Equal(1, await seed.EventsAsync(oldest, "revoked"));
        Assert.Equal(1, await seed.EventsAsync(duplicate, "revoked"));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE event = 'revoked'"));
        Assert.Equal("cancelled", await seed.ScalarAsync<string>("SELECT status FROM message_queue WHERE message_id = @queued", new { queued }));
        Assert.Equal(ProcessInboundJob.OptedOutReason, await seed.ScalarAsync<string>("SELECT status_reason FROM message_queue WHERE message_id = @queued", new { queued }));
        Assert.Equal("queued", await seed.ScalarAsync<string>("SELECT status FROM message_queue WHERE message_id = @othersMessage", new { othersMessage }));
        Assert.True(await seed.IsSuppressedAsync(Carla));
        Assert.False(await seed.IsSuppressedAsync("+5521998765432"));
        var outcome = await seed.ScalarAsync<string>("SELECT outcome FROM inbound_messages WHERE inbound_id = @inbound", new { inbound });
        Assert.Contains("intent=opt_out", outcome, StringComparison.Ordinal);
        Assert.Contains("rule=keyword:sair", outcome, StringComparison.Ordinal);
        Assert.Equal(oldest, await seed.ScalarAsync<long>("SELECT contact_id FROM inbound_messages WHERE inbound_id = @inbound", new { inbound }));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NOT NULL"));
    }

    [SkippableFact]
    public async Task OptOut_AppliedOnce_WhateverRunsOrRepeatsFollow()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.InboundAsync(Carla.TrimStart('+'), "SAIR", Now.AddMinutes(-3));

        await seed.RunAsync(ProcessInboundJob.Key, Now);
        var retried = await seed.RunAsync(ProcessInboundJob.Key, Now.AddMinutes(1));
        // The person insists: a second opt-out finds consent already revoked.
        await seed.InboundAsync(Carla.TrimStart('+'), "pare de me mandar mensagem", Now.AddMinutes(2));
        await seed.RunAsync(ProcessInboundJob.Key, Now.AddMinutes(3));

        Assert.Equal(0, retried.Result!.Scanned);
        Assert.Equal(1, await seed.EventsAsync(contact, "revoked"));
        Assert.Equal(1, await seed.CountAsync("suppression_list"));
    }

    [SkippableFact]
    public async Task ABatchThatFails_LeavesNoEffect_AndTheNextRunAppliesItOnce()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        var blocked = await seed.ContactAsync("+5521998765432", Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.InboundAsync(Carla.TrimStart('+'), "sair", Now.AddMinutes(-3));
        await seed.InboundAsync("5521998765432", "oi", Now.AddMinutes(-2));
        // A crash in the middle of the batch, after the opt-out was applied: an interaction the database refuses.
        await db.RefuseAsync("tr_test_fail", "interactions", RowChange.Insert, "simulated crash", $"{{row}}.contact_id = {blocked}");

        var failed = await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Equal("granted", await seed.ConsentStatusAsync(contact));
        Assert.Equal(0, await seed.EventsAsync(contact, "revoked"));
        Assert.Equal(0, await seed.CountAsync("suppression_list"));
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NOT NULL"));

        await db.StopRefusingAsync("tr_test_fail", "interactions");
        var recovered = await seed.RunAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        Assert.Equal(JobRunStatus.Succeeded, recovered.Status);
        Assert.Equal(1, await seed.EventsAsync(contact, "revoked"));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NOT NULL"));
    }

    [SkippableFact]
    public async Task LongMessageContainingAKeyword_IsAnInteraction_ThatKeepsConsentAndClearsUnreachable()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90), status: "unreachable");
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        var inbound = await seed.InboundAsync(Carla, "Vou sair para almoçar, depois te respondo sobre o pedido", Now.AddMinutes(-5), waUserId: "BR.4172635098127364");

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("granted", await seed.ConsentStatusAsync(contact));
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events"));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE contact_id = @contact AND kind = 'message_in'", new { contact }));
        Assert.Equal(Now.AddMinutes(-5), await seed.ScalarAsync<DateTimeOffset>("SELECT last_interaction_at FROM contacts WHERE contact_id = @contact", new { contact }));
        Assert.Equal("valid", await seed.ScalarAsync<string>("SELECT phone_status FROM contacts WHERE contact_id = @contact", new { contact }));
        Assert.Equal("BR.4172635098127364", await seed.ScalarAsync<string>("SELECT whatsapp_user_id FROM contacts WHERE contact_id = @contact", new { contact }));
        Assert.StartsWith("intent=interaction", await seed.ScalarAsync<string>("SELECT outcome FROM inbound_messages WHERE inbound_id = @inbound", new { inbound }), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task MessageWithOnlyAKnownUserId_MatchesTheContact()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.InboundAsync("5511987654321", "oi", Now.AddMinutes(-10), waUserId: "BR.1");
        await seed.InboundAsync(null, "pode me tirar da lista", Now.AddMinutes(-5), waUserId: "BR.1");
        var stranger = await seed.InboundAsync(null, "sair", Now.AddMinutes(-4), waUserId: "BR.unknown");

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("revoked", await seed.ConsentStatusAsync(contact));
        Assert.True(await seed.IsSuppressedAsync(Carla));
        Assert.Contains("contacts=0", await seed.ScalarAsync<string>("SELECT outcome FROM inbound_messages WHERE inbound_id = @stranger", new { stranger }), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OptIn_FromAKnownNumber_GrantsOrRenews_AndLiftsSuppression_ButNotFromAStranger()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var withoutConsent = await seed.ContactAsync(Carla, Now.AddDays(-90));
        var renewing = await seed.ContactAsync("+5521998765432", Now.AddDays(-90));
        await seed.ConsentAsync(renewing, "granted", Now.AddDays(-200));
        await seed.ExecuteAsync(
            "INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'import', @at)", new { hash = Privacy.PhoneHash.Of(Carla), at = Now.AddDays(-10) });
        await seed.InboundAsync(CarlaOldWaId, "Sim!", Now.AddMinutes(-3));
        await seed.InboundAsync("5521998765432", "quero", Now.AddMinutes(-2));
        await seed.InboundAsync("5585998761234", "sim", Now.AddMinutes(-1));
        await seed.InboundAsync("5521998765432", "Sim?", Now.AddMinutes(-1));

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("granted", await seed.ConsentStatusAsync(withoutConsent));
        Assert.Equal(1, await seed.EventsAsync(withoutConsent, "granted"));
        Assert.Equal("whatsapp", await seed.ScalarAsync<string>("SELECT source FROM consents WHERE contact_id = @withoutConsent", new { withoutConsent }));
        Assert.False(await seed.IsSuppressedAsync(Carla));
        Assert.Equal(1, await seed.EventsAsync(renewing, "renewed"));
        Assert.Equal(Now.AddMinutes(-2), await seed.ScalarAsync<DateTimeOffset>("SELECT last_confirmed_at FROM consents WHERE contact_id = @renewing", new { renewing }));
        Assert.Equal(2, await seed.CountAsync("consents"));
        Assert.Equal(2, await seed.CountAsync("consent_events"));
    }

    [SkippableFact]
    public async Task OptOutThenOptIn_InOneBatch_EndsGranted_InArrivalOrder()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.InboundAsync("5511987654321", "sim", Now.AddMinutes(-1));
        await seed.PreferenceAsync("5511987654321", "stop", Now.AddMinutes(-2));

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("granted", await seed.ConsentStatusAsync(contact));
        Assert.Equal(1, await seed.EventsAsync(contact, "revoked"));
        Assert.Equal(1, await seed.EventsAsync(contact, "granted"));
        Assert.False(await seed.IsSuppressedAsync(Carla));
    }

    [SkippableFact]
    public async Task OptInThenOptOut_InOneBatch_EndsRevoked_SuppressedFromTheOptOut_AndATwiceSaidSairCountsOnce()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var carla = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(carla, "granted", Now.AddDays(-60));
        var bruno = await seed.ContactAsync("+5521998765432", Now.AddDays(-90));
        await seed.ConsentAsync(bruno, "granted", Now.AddDays(-60));
        await seed.ExecuteAsync(
            "INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'import', @at)", new { hash = Privacy.PhoneHash.Of(Carla), at = Now.AddDays(-10) });
        await seed.InboundAsync("5511987654321", "sim", Now.AddMinutes(-5));
        await seed.InboundAsync("5511987654321", "sair", Now.AddMinutes(-4));
        await seed.InboundAsync("5521998765432", "sair", Now.AddMinutes(-3));
        await seed.InboundAsync("5521998765432", "SAIR!!", Now.AddMinutes(-2));

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("revoked", await seed.ConsentStatusAsync(carla));
        Assert.Equal(1, await seed.EventsAsync(carla, "renewed"));
        Assert.Equal(1, await seed.EventsAsync(carla, "revoked"));
        // The opt-in lifted the import's suppression; the opt-out after it put the number back, as of its own time.
        Assert.Equal("opt_out", await seed.ScalarAsync<string>("SELECT reason FROM suppression_list WHERE phone_hash = @hash", new { hash = Privacy.PhoneHash.Of(Carla) }));
        Assert.Equal(
            Now.AddMinutes(-4),
            await seed.ScalarAsync<DateTimeOffset>("SELECT added_at FROM suppression_list WHERE phone_hash = @hash", new { hash = Privacy.PhoneHash.Of(Carla) }));
        Assert.Equal("revoked", await seed.ConsentStatusAsync(bruno));
        Assert.Equal(1, await seed.EventsAsync(bruno, "revoked"));
        Assert.Equal(
            Now.AddMinutes(-3),
            await seed.ScalarAsync<DateTimeOffset>("SELECT added_at FROM suppression_list WHERE phone_hash = @hash", new { hash = Privacy.PhoneHash.Of("+5521998765432") }));
        // Events in the order things happened.
        Assert.Equal(
            ["renewed", "revoked", "revoked"],
            (await seed.QueryAsync<string>("SELECT event FROM consent_events ORDER BY event_id")).ToArray());
    }

    [SkippableFact]
    public async Task ABurstOfOptOuts_AcrossBatches_RevokesCancelsAndSuppressesEveryOne()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        const int People = 120;
        for (var i = 0; i < People; i++)
        {
            var number = "+55119" + (70_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var contact = await seed.ContactAsync(number, Now.AddDays(-90));
            if (i % 3 != 0)
            {
                // A third have no consent row at all: the opt-out still leaves one, revoked.
                await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
            }

            await seed.QueuedMessageAsync(contact, number, Now.AddHours(20));
            await seed.InboundAsync(number.TrimStart('+'), i % 2 == 0 ? "sair" : "Pare de mandar mensagem", Now.AddMinutes(-60).AddSeconds(i));
        }

        // And a stranger, whose number is suppressed though nobody here has it.
        await seed.InboundAsync("5585998761234", "sair", Now.AddMinutes(-1));

        var run = await seed.RunAsync(ProcessInboundJob.Key, Now, "--Consent:InboundBatchSize=25");

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(People, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consents WHERE status = 'revoked'"));
        Assert.Equal(People, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE event = 'revoked'"));
        Assert.Equal(People, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM message_queue WHERE status = 'cancelled' AND status_reason = 'opted_out'"));
        Assert.Equal(People + 1, await seed.CountAsync("suppression_list"));
        Assert.True(await seed.IsSuppressedAsync("+5585998761234"));
        Assert.Equal(People + 1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE outcome LIKE 'intent=opt_out%'"));
    }

    [SkippableFact]
    public async Task PreferenceStop_Revokes_AndResumeDoesNotGrant()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.PreferenceAsync(CarlaOldWaId, "stop", Now.AddMinutes(-10));
        var resume = await seed.PreferenceAsync(CarlaOldWaId, "resume", Now.AddMinutes(-5));

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("revoked", await seed.ConsentStatusAsync(contact));
        Assert.Equal(1, await seed.EventsAsync(contact, "revoked"));
        Assert.True(await seed.IsSuppressedAsync(Carla));
        Assert.Equal("preference=resume contacts=1 changed=0", await seed.ScalarAsync<string>("SELECT outcome FROM preference_events WHERE preference_id = @resume", new { resume }));
    }

    [SkippableFact]
    public async Task Run_CountsAsChanged_OnlyTheRowsThatChangedSomething()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.InboundAsync(CarlaOldWaId, "Oi, tudo bem?", Now.AddMinutes(-20));
        await seed.InboundAsync("5521998765432", "Bom dia", Now.AddMinutes(-15));
        await seed.PreferenceAsync(CarlaOldWaId, "stop", Now.AddMinutes(-10));
        await seed.PreferenceAsync(CarlaOldWaId, "resume", Now.AddMinutes(-5));

        var run = await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        // Read: two messages and two preference events. Changed: Carla's message (an interaction) and her "stop"
        // (consent revoked); a stranger's greeting and a "resume" change nothing.
        Assert.Equal(4, run.Result!.Scanned);
        Assert.Equal(2, run.Result.Changed);
        Assert.Equal([(4L, 2L)], await seed.QueryAsync<(long, long)>("SELECT scanned, changed FROM job_runs WHERE run_id = @id", new { id = run.RunId }));
    }

    [SkippableFact]
    public async Task AskingToDeleteTheirData_OptsOut_AndFilesAnErasureRequest()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        await seed.InboundAsync("5511987654321", "Apaguem meus dados por favor", Now.AddMinutes(-1));

        await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("revoked", await seed.ConsentStatusAsync(contact));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM erasure_requests WHERE status = 'pending' AND contact_id = @contact", new { contact }));
    }

    [SkippableFact]
    public async Task ManyMessages_AcrossSeveralBatches_AreAllAppliedInOrder()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var contact = await seed.ContactAsync(Carla, Now.AddDays(-90));
        await seed.ConsentAsync(contact, "granted", Now.AddDays(-60));
        for (var i = 0; i < 25; i++)
        {
            await seed.InboundAsync("5511987654321", i == 24 ? "sair" : $"mensagem {i}", Now.AddMinutes(-30 + i));
        }

        var run = await seed.RunAsync(ProcessInboundJob.Key, Now, "--Consent:InboundBatchSize=4");

        Assert.Equal(25, run.Result!.Scanned);
        Assert.Equal("revoked", await seed.ConsentStatusAsync(contact));
        Assert.Equal(25, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM interactions"));
        Assert.Equal(Now.AddMinutes(-6), await seed.ScalarAsync<DateTimeOffset>("SELECT last_interaction_at FROM contacts WHERE contact_id = @contact", new { contact }));
    }
}

public sealed class SqliteProcessInboundJobTests(SqliteEngine engine) : ProcessInboundJobTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresProcessInboundJobTests(PostgresEngine engine) : ProcessInboundJobTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerProcessInboundJobTests(SqlServerEngine engine) : ProcessInboundJobTests(engine), IClassFixture<SqlServerEngine>;
