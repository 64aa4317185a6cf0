using System.Globalization;
using System.Text.Json;
using Vinculo.Bench;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Dispatch.DispatchKit;

namespace Vinculo.Dispatch;

/// <summary><c>dispatch-messages</c> against a real database and a loopback Cloud API, on every engine.</summary>
public abstract class DispatchMessagesJobTests(EngineFixture engine) : EngineSuite(engine)
{
    [SkippableFact]
    public async Task SessionMessage_InsideTheWindow_IsTheTextFixture_SentWithTheToken_AndRecorded()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        var rafael = await kit.PersonAsync(Rafael, "Rafael Lima");
        await kit.InteractionAsync(rafael, "message_in", Now.AddHours(-2));
        var body = Body.Replace("{first_name}", "Rafael", StringComparison.Ordinal).Replace("{product}", Product, StringComparison.Ordinal);
        var message = await kit.QueueAsync(rafael, content, Rafael, body: body, templateParams: """{"first_name":"Rafael","product":"Tênis Corrida Azul"}""");

        var run = await kit.RunAsync(Now, Cloud(api));

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var request = Assert.Single(api.Requests);
        Assert.True(SameJson(Fixture("send-text-request.json"), request.Body), request.Body);
        Assert.Equal($"/v23.0/{PhoneNumberId}/messages", request.Path);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        var row = await kit.MessageAsync(message);
        Assert.Equal("sent", row.Status);
        Assert.Equal(SentAs.Session, row.SentAs);
        Assert.StartsWith("wamid.", row.ProviderMessageId, StringComparison.Ordinal);
        Assert.Equal(Now, row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal("node-a", row.ClaimedBy);
        var detail = await kit.DetailAsync(run);
        Assert.Equal(1, detail.GetProperty("sent_session").GetInt64());
        Assert.Equal(1, detail.GetProperty("claimed").GetInt64());
    }

    [SkippableFact]
    public async Task TemplateMessage_OutsideTheWindow_IsTheTemplateFixture_FromAnotherToolsRow_AndLearnsTheOldWaId()
    {
        await using var scene = await SceneAsync(_ => new CloudApiReply(200, Fixture("send-response.json")));
        var (_, kit, api, content) = scene;
        var carla = await kit.PersonAsync(Carla, "CARLA MENDES");
        await kit.InteractionAsync(carla, "purchase", Now.AddDays(-20), "Meia Esportiva");
        await kit.InteractionAsync(carla, "purchase", Now.AddDays(-3), Product);
        // She last wrote two days ago: the customer-service window is closed.
        await kit.InteractionAsync(carla, "message_in", Now.AddDays(-2));
        var message = await kit.QueueAsync(carla, content, Carla);

        var run = await kit.RunAsync(Now, Cloud(api));

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var request = Assert.Single(api.Requests);
        Assert.True(SameJson(Fixture("send-template-request.json"), request.Body), request.Body);
        var row = await kit.MessageAsync(message);
        Assert.Equal("sent", row.Status);
        Assert.Equal(SentAs.Template, row.SentAs);
        Assert.Equal("wamid.HBgMNTUxMTg3NjU0MzIxFQIAERgSOUYzQzIxRDRBN0I4NUU2MEMxAA==", row.ProviderMessageId);
        // What went out is kept for people who read the queue.
        Assert.True(SameJson("""{"first_name":"Carla","product":"Tênis Corrida Azul"}""", row.TemplateParams!));
        Assert.Equal(CarlaWaId, await kit.ScalarAsync<string>("SELECT whatsapp_id FROM contacts WHERE contact_id = @carla", new { carla }));
    }

    [SkippableFact]
    public async Task StoredTemplateParameters_AreSentAsPlanned()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        // No purchase on record any more: the planner's parameters are what was rendered, and what goes.
        var carla = await kit.PersonAsync(Carla, "Carla Mendes");
        await kit.QueueAsync(carla, content, Carla, body: "texto planejado", templateParams: """{"first_name":"Carla","product":"Tênis Corrida Azul"}""");

        await kit.RunAsync(Now, Cloud(api));

        Assert.True(SameJson(Fixture("send-template-request.json"), Assert.Single(api.Requests).Body));
    }

    public static TheoryData<int, int, string?> Errors => new()
    {
        { 130429, 400, "error-130429.json" },
        { 131056, 400, "error-131056.json" },
        { 131026, 400, "error-131026.json" },
        { 131049, 400, "error-131049.json" },
        { 131050, 400, "error-131050.json" },
        { 131048, 400, "error-131048.json" },
        { 190, 401, "error-190.json" },
        { 10, 403, null },
        { 368, 403, null },
        { 131000, 500, null },
        { 100, 400, null },
        { 132001, 404, null },
    };

    [SkippableTheory]
    [MemberData(nameof(Errors))]
    public async Task EachWhatsAppError_LeadsToItsOutcome(int code, int httpStatus, string? fixture)
    {
        var errorBody = fixture is null ? ErrorBody(code, "Something") : Fixture(fixture);
        await using var scene = await SceneAsync(_ => new CloudApiReply(httpStatus, errorBody));
        var (_, kit, api, content) = scene;
        var carla = await kit.PersonAsync(Carla, "Carla Mendes");
        var day = new DateOnly(2026, 11, 18);
        var message = await kit.QueueAsync(carla, content, Carla, body: "Oi", templateParams: """{"first_name":"Carla","product":"Tênis"}""", planDay: day);

        var run = await kit.RunAsync(Now, Cloud(api));

        Assert.Single(api.Requests);
        var row = await kit.MessageAsync(message);
        Assert.Equal(code, row.ErrorCode);
        switch (code)
        {
            case 130429 or 131056 or 131000:
                Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
                Assert.Equal(("queued", 1), (row.Status, row.Attempts));
                Assert.True(row.NextAttemptAt > Now, "retried with a backoff");
                break;
            case 131026:
                Assert.Equal(("failed", DispatchReasons.Undeliverable), (row.Status, row.StatusReason));
                Assert.Equal(1, await kit.ScalarAsync<int>("SELECT phone_failures FROM contacts WHERE contact_id = @carla", new { carla }));
                Assert.Equal("valid", await kit.ScalarAsync<string>("SELECT phone_status FROM contacts WHERE contact_id = @carla", new { carla }));
                break;
            case 131049:
                // Meta's per-user marketing limit: the person's slot on a later day, not a failure of the number.
                Assert.Equal("queued", row.Status);
                Assert.True(row.ScheduledAt >= Now.AddHours(24), $"re-queued at {row.ScheduledAt:o}");
                // At the person's hour (10h in São Paulo), on a send day: the plan day follows the slot.
                var local = TimeZoneInfo.ConvertTime(row.ScheduledAt, TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo"));
                Assert.Equal(10, local.Hour);
                Assert.Equal(local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (await kit.ScalarAsync<object>("SELECT plan_day FROM message_queue WHERE message_id = @message", new { message })) switch
                {
                    DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    var other => other.ToString(),
                });
                Assert.Equal(Planning.SendDayStatus.Open, Planning.SendWindow.Default.CheckDay(DateOnly.FromDateTime(local.DateTime)));
                Assert.Equal(0, await kit.ScalarAsync<int>("SELECT phone_failures FROM contacts WHERE contact_id = @carla", new { carla }));
                break;
            case 131050:
                Assert.Equal(("failed", DispatchReasons.MarketingStopped), (row.Status, row.StatusReason));
                Assert.Equal("revoked", await kit.ScalarAsync<string>("SELECT status FROM consents WHERE contact_id = @carla", new { carla }));
                Assert.Equal("whatsapp", await kit.ScalarAsync<string>("SELECT source FROM consent_events WHERE contact_id = @carla AND event = 'revoked'", new { carla }));
                Assert.Equal(1, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM suppression_list WHERE phone_hash = @hash", new { hash = Privacy.PhoneHash.Of(Carla) }));
                break;
            case 131048 or 190 or 10 or 368:
                Assert.Equal(JobRunStatus.Failed, run.Status);
                Assert.Contains("vinculo dispatch resume", run.Error, StringComparison.Ordinal);
                Assert.Equal(("queued", 0), (row.Status, row.Attempts));
                Assert.Equal(code, await kit.ScalarAsync<int>("SELECT error_code FROM dispatch_halts WHERE resumed_at IS NULL"));
                break;
            case 132001:
                Assert.Equal(("failed", DispatchReasons.TemplateRejected), (row.Status, row.StatusReason));
                Assert.StartsWith("template_rejected", await kit.ScalarAsync<string>("SELECT paused_reason FROM contents WHERE content_id = @content", new { content }), StringComparison.Ordinal);
                break;
            default:
                // A code this version does not know: fail closed, never sent again.
                Assert.Equal(("failed", DispatchReasons.Rejected), (row.Status, row.StatusReason));
                break;
        }

        // Nothing the first run decided makes a second run send again (the retries wait for their backoff).
        await kit.RunAsync(Now.AddSeconds(1), Cloud(api));
        Assert.Single(api.Requests);
    }

    [SkippableFact]
    public async Task WindowClosed_131047_IsSentAgainAtOnceAsTheTemplate()
    {
        await using var scene = await SceneAsync(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString() == "text"
            ? new CloudApiReply(400, Fixture("error-131047.json"))
            : CloudApiReply.Accepted(r.To));
        var (_, kit, api, content) = scene;
        var carla = await kit.PersonAsync(Carla, "Carla Mendes");
        await kit.InteractionAsync(carla, "message_in", Now.AddHours(-23));
        var message = await kit.QueueAsync(carla, content, Carla, body: "Oi Carla", templateParams: """{"first_name":"Carla","product":"Tênis Corrida Azul"}""");

        await kit.RunAsync(Now, Cloud(api));

        Assert.Equal("text,template", string.Join(",", api.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString())));
        var row = await kit.MessageAsync(message);
        Assert.Equal(("sent", SentAs.Template, 1), (row.Status, row.SentAs, row.Attempts));
    }

    [SkippableFact]
    public async Task Undeliverable_Twice_MakesTheNumberUnreachable_AndAReplyClearsIt()
    {
        await using var scene = await SceneAsync(_ => new CloudApiReply(400, Fixture("error-131026.json")));
        var (_, kit, api, content) = scene;
        var number = "+5585998761234";
        var person = await kit.PersonAsync(number, "Ana");
        await kit.QueueAsync(person, content, number, body: "Oi", templateParams: """{"first_name":"Ana","product":"X"}""");
        await kit.RunAsync(Now, Cloud(api));
        await kit.QueueAsync(person, content, number, scheduledAt: Now.AddDays(8).AddMinutes(-1), body: "Oi", templateParams: """{"first_name":"Ana","product":"X"}""");

        await kit.RunAsync(Now.AddDays(8), Cloud(api));

        Assert.Equal("unreachable", await kit.ScalarAsync<string>("SELECT phone_status FROM contacts WHERE contact_id = @person", new { person }));
        Assert.Equal(2, await kit.ScalarAsync<int>("SELECT phone_failures FROM contacts WHERE contact_id = @person", new { person }));
    }

    [SkippableFact]
    public async Task Halt_NothingMoreReachesWhatsApp_UntilDispatchResume()
    {
        var expired = true;
        await using var scene = await SceneAsync(r => expired ? new CloudApiReply(401, Fixture("error-190.json")) : CloudApiReply.Accepted(r.To));
        var (db, kit, api, content) = scene;
        var messages = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            messages.Add((await kit.PlannedAsync(content)).Message);
        }

        var halted = await kit.RunAsync(Now, Cloud(api, "--Dispatch:MaxConcurrency=1"));
        var again = await kit.RunAsync(Now.AddMinutes(1), Cloud(api, "--Dispatch:MaxConcurrency=1"));

        Assert.Equal(JobRunStatus.Failed, halted.Status);
        Assert.Equal(JobRunStatus.Failed, again.Status);
        Assert.Contains("190", again.Error, StringComparison.Ordinal);
        Assert.Single(api.Requests);
        foreach (var id in messages)
        {
            Assert.Equal(("queued", 0), ((await kit.MessageAsync(id)).Status, (await kit.MessageAsync(id)).Attempts));
        }

        var status = await db.CliAsync(["dispatch", "status"]);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("SUSPENSO", status.Output, StringComparison.Ordinal);
        Assert.Contains("190", status.Output, StringComparison.Ordinal);

        var resumed = await db.CliAsync(["dispatch", "resume"]);
        Assert.Equal(0, resumed.ExitCode);
        expired = false;
        var after = await kit.RunAsync(Now.AddMinutes(2), Cloud(api));

        Assert.True(after.Status == JobRunStatus.Succeeded, after.Error);
        Assert.Equal(6, api.Requests.Count);
        foreach (var id in messages)
        {
            Assert.Equal("sent", (await kit.MessageAsync(id)).Status);
        }

        Assert.Equal(0, (await db.CliAsync(["dispatch", "status"])).ExitCode);
    }

    [SkippableFact]
    public async Task TheToken_AndThePeople_AppearInNoLogLine_AtAnyLevel()
    {
        var calls = 0;
        await using var scene = await SceneAsync(r => Interlocked.Increment(ref calls) switch
        {
            1 => new CloudApiReply(400, Fixture("error-131026.json")),
            2 => new CloudApiReply(400, Fixture("error-130429.json")),
            3 => CloudApiReply.Accepted(r.To),
            _ => new CloudApiReply(401, Fixture("error-190.json")),
        });
        var (_, kit, api, content) = scene;
        foreach (var (number, name) in new[] { (Carla, "Carla Mendes"), (Rafael, "Rafael Lima"), ("+5585998761234", "Beatriz Souza"), ("+5531991234567", "Daniel Costa") })
        {
            var person = await kit.PersonAsync(number, name);
            await kit.InteractionAsync(person, "purchase", Now.AddDays(-2), Product);
            await kit.QueueAsync(person, content, number);
        }

        await kit.RunAsync(Now, Cloud(api, "--Dispatch:MaxConcurrency=1"));

        Assert.Equal(4, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
        var logs = kit.Logs.All;
        Assert.NotEmpty(kit.Logs.Entries);
        Assert.DoesNotContain(Token, logs, StringComparison.Ordinal);
        foreach (var secret in new[] { "987654321", "998765432", "998761234", "991234567", "Carla", "Rafael", "Beatriz", "Daniel", "Corrida" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Token, await kit.ScalarAsync<string>("SELECT error FROM job_runs WHERE job_key = 'dispatch-messages'"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Recheck_CancelsWhatChangedSincePlanning_EachWithItsReason_AndSendsNothing()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        var paused = await kit.ContentAsync();
        var cases = new Dictionary<string, long>();

        // The person wrote "sair": process-inbound revokes and cancels before the dispatcher sees the message.
        var optOut = await kit.PlannedAsync(content);
        await kit.ExecuteAsync(
            "INSERT INTO inbound_messages (from_phone, body, received_at) VALUES (@from, 'Sair', @at)", new { from = optOut.Number.TrimStart('+'), at = Now.AddMinutes(-1) });
        await kit.RunJobAsync(Consent.ProcessInboundJob.Key, Now);
        cases[Consent.ProcessInboundJob.OptedOutReason] = optOut.Message;

        // Another tool suppressed the number (a do-not-call import written straight into the table).
        var suppressed = await kit.PlannedAsync(content);
        await kit.ExecuteAsync("INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'nao_me_ligue', @at)", new { hash = Privacy.PhoneHash.Of(suppressed.Number), at = Now });
        cases[DispatchReasons.Suppressed] = suppressed.Message;

        // A row whose hash was never written, whose number is suppressed: computed from phone_e164, never fail open.
        var noHash = await kit.PlannedAsync(content, withHash: false);
        await kit.ExecuteAsync("INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'opt_out', @at)", new { hash = Privacy.PhoneHash.Of(noHash.Number), at = Now });
        cases[DispatchReasons.Suppressed + "(no hash)"] = noHash.Message;

        // Consent given with an end that has now passed.
        var expired = await kit.PlannedAsync(content);
        await kit.ExecuteAsync("UPDATE consents SET expires_at = @at WHERE contact_id = @id", new { at = Now.AddMinutes(-5), id = expired.Person });
        cases[DispatchReasons.ConsentNotFresh] = expired.Message;

        // Consent revoked by another tool without touching the queue.
        var revoked = await kit.PlannedAsync(content);
        await kit.ExecuteAsync("UPDATE consents SET status = 'revoked' WHERE contact_id = @id", new { id = revoked.Person });
        cases[DispatchReasons.NoConsent] = revoked.Message;

        // The content was paused after planning.
        var pausedCase = await kit.PlannedAsync(paused);
        await kit.ExecuteAsync("UPDATE contents SET paused_at = @at, paused_reason = 'manual' WHERE content_id = @paused", new { at = Now.AddMinutes(-10), paused });
        cases[DispatchReasons.ContentPaused] = pausedCase.Message;

        // The number stopped being valid.
        var landline = await kit.PlannedAsync(content);
        await kit.ExecuteAsync("UPDATE contacts SET phone_status = 'unreachable' WHERE contact_id = @id", new { id = landline.Person });
        cases[DispatchReasons.PhoneNotValid] = landline.Message;

        // Another message went to the number three days ago (the cap is seven).
        var capped = await kit.PlannedAsync(content);
        await kit.QueueAsync(capped.Person, content, capped.Number, scheduledAt: Now.AddDays(-3), body: "Antes", status: "delivered", sentAt: Now.AddDays(-3));
        cases[DispatchReasons.FrequencyCap] = capped.Message;

        var run = await kit.RunAsync(Now, Cloud(api));

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Empty(api.Requests);
        foreach (var (reason, id) in cases)
        {
            var row = await kit.MessageAsync(id);
            Assert.Equal(("cancelled", reason.Replace("(no hash)", "", StringComparison.Ordinal)), (row.Status, row.StatusReason));
        }
    }

    [SkippableFact]
    public async Task MissedWindow_IsCancelled_NeverSentTheNextMorning()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        // Planned for 17:40 in São Paulo on the 18th; the worker comes back at 18:05, and the next morning.
        var (_, _, evening) = await kit.PlannedAsync(content, scheduledAt: DateTimeOffset.Parse("2026-11-18T20:40:00Z", CultureInfo.InvariantCulture));
        // 15:59 in Acre (UTC-5): at 18:05 in São Paulo it is 16:05 there, and the window is still open.
        var (_, acre, stillOpen) = await kit.PlannedAsync(content, scheduledAt: DateTimeOffset.Parse("2026-11-18T20:59:00Z", CultureInfo.InvariantCulture), zone: "America/Rio_Branco");
        var (_, _, lastWeek) = await kit.PlannedAsync(content, scheduledAt: Now.AddDays(-6));

        await kit.RunAsync(DateTimeOffset.Parse("2026-11-18T21:05:00Z", CultureInfo.InvariantCulture), Cloud(api, "--Dispatch:PreferSessionMessages=false"));

        Assert.Equal(("cancelled", DispatchReasons.MissedWindow), ((await kit.MessageAsync(evening)).Status, (await kit.MessageAsync(evening)).StatusReason));
        Assert.Equal(("cancelled", DispatchReasons.MissedWindow), ((await kit.MessageAsync(lastWeek)).Status, (await kit.MessageAsync(lastWeek)).StatusReason));
        Assert.Equal("sent", (await kit.MessageAsync(stillOpen)).Status);
        Assert.Equal(acre, Assert.Single(api.Requests).To);
    }

    [SkippableFact]
    public async Task ASlotBeforeTheWindowOpens_WaitsForTheOpening_WithoutUsingAnAttempt()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        // Another tool queued it for 07:00 in São Paulo; it is 08:00 there now.
        var (_, _, early) = await kit.PlannedAsync(content, scheduledAt: DateTimeOffset.Parse("2026-11-18T10:00:00Z", CultureInfo.InvariantCulture));

        await kit.RunAsync(DateTimeOffset.Parse("2026-11-18T11:00:00Z", CultureInfo.InvariantCulture), Cloud(api));

        Assert.Empty(api.Requests);
        var row = await kit.MessageAsync(early);
        Assert.Equal(("queued", 0), (row.Status, row.Attempts));
        Assert.Equal(DateTimeOffset.Parse("2026-11-18T12:00:00Z", CultureInfo.InvariantCulture), row.NextAttemptAt);

        await kit.RunAsync(DateTimeOffset.Parse("2026-11-18T12:00:30Z", CultureInfo.InvariantCulture), Cloud(api));

        Assert.Single(api.Requests);
    }

    [SkippableFact]
    public async Task AMessageLeftSending_PastTheTimeout_FailsAsInterrupted_AndIsNeverSent()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        var crashed = await kit.QueueAsync(await kit.PersonAsync(kit.NewNumber(), "A"), content, kit.NewNumber(), body: "Oi", templateParams: Params, status: "sending");
        var recent = await kit.QueueAsync(await kit.PersonAsync(kit.NewNumber(), "B"), content, kit.NewNumber(), body: "Oi", templateParams: Params, status: "sending");
        await kit.ExecuteAsync("UPDATE message_queue SET claimed_at = @at, claimed_by = 'node-dead' WHERE message_id = @crashed", new { at = Now.AddMinutes(-11), crashed });
        await kit.ExecuteAsync("UPDATE message_queue SET claimed_at = @at, claimed_by = 'node-b' WHERE message_id = @recent", new { at = Now.AddMinutes(-2), recent });

        var run = await kit.RunAsync(Now, Cloud(api));

        Assert.Empty(api.Requests);
        Assert.Equal(("failed", DispatchReasons.Interrupted), ((await kit.MessageAsync(crashed)).Status, (await kit.MessageAsync(crashed)).StatusReason));
        Assert.Equal("sending", (await kit.MessageAsync(recent)).Status);
        Assert.Equal(1, (await kit.DetailAsync(run)).GetProperty("interrupted_failed").GetInt64());
    }

    [SkippableFact]
    public async Task NoAnswerWithinTheTimeout_IsAnUnknownOutcome_NeverSentAgain()
    {
        await using var scene = await SceneAsync(delay: TimeSpan.FromSeconds(3));
        var (_, kit, api, content) = scene;
        var (_, _, message) = await kit.PlannedAsync(content, "A");

        await kit.RunAsync(Now, Cloud(api, "--Dispatch:RequestTimeout=00:00:01"));
        await kit.RunAsync(Now.AddMinutes(30), Cloud(api, "--Dispatch:RequestTimeout=00:00:01"));

        Assert.Single(api.Requests);
        Assert.Equal(("failed", DispatchReasons.UnknownOutcome), ((await kit.MessageAsync(message)).Status, (await kit.MessageAsync(message)).StatusReason));
    }

    [SkippableFact]
    public async Task NoConnection_IsRetriedWithBackoff_ThenFailsAfterMaxAttempts()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var (_, _, message) = await kit.PlannedAsync(await kit.ContentAsync(), "A");
        string[] closed =
        [
            "--Dispatch:Sender=WhatsAppCloud", "--Dispatch:BaseUrl=http://127.0.0.1:1", $"--Dispatch:PhoneNumberId={PhoneNumberId}",
            $"--Dispatch:AccessToken={Token}", "--Dispatch:MaxAttempts=2",
        ];

        await kit.RunAsync(Now, closed);
        var first = await kit.MessageAsync(message);
        await kit.RunAsync(first.NextAttemptAt!.Value, closed);

        Assert.Equal(("queued", 1), (first.Status, first.Attempts));
        Assert.InRange(first.NextAttemptAt!.Value - Now, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
        Assert.Equal(("failed", DispatchReasons.MaxAttempts), ((await kit.MessageAsync(message)).Status, (await kit.MessageAsync(message)).StatusReason));
    }

    [SkippableFact]
    public async Task DailyLimit_CountsDistinctNumbersOfTheLast24Hours()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        var earlier = kit.NewNumber();
        await kit.QueueAsync(await kit.PersonAsync(earlier, "A"), content, earlier, scheduledAt: Now.AddHours(-20), status: "sent", sentAt: Now.AddHours(-20), body: "Oi");
        var due = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            due.Add((await kit.PlannedAsync(content, "B")).Message);
        }

        var run = await kit.RunAsync(Now, Cloud(api, "--Messaging:DailyLimit=3"));

        Assert.Equal(2, api.Requests.Count);
        var sent = 0;
        foreach (var id in due)
        {
            sent += (await kit.MessageAsync(id)).Status == "sent" ? 1 : 0;
        }

        Assert.Equal(2, sent);
        Assert.True((await kit.DetailAsync(run)).GetProperty("daily_limit_reached").GetBoolean());
    }

    [SkippableFact]
    public async Task TwoMessagesToOneNumberInOneRun_OnlyTheFirstGoes()
    {
        await using var scene = await SceneAsync();
        var (_, kit, api, content) = scene;
        var (person, number, first) = await kit.PlannedAsync(content, "A", scheduledAt: Now.AddMinutes(-3));
        var second = await kit.QueueAsync(person, content, number, scheduledAt: Now.AddMinutes(-2), body: "Oi de novo", templateParams: Params);

        await kit.RunAsync(Now, Cloud(api));

        Assert.Single(api.Requests);
        Assert.Equal("sent", (await kit.MessageAsync(first)).Status);
        Assert.Equal(("cancelled", DispatchReasons.FrequencyCap), ((await kit.MessageAsync(second)).Status, (await kit.MessageAsync(second)).StatusReason));
    }

    [SkippableFact]
    public async Task LogSender_WritesTheRequestToTheOutbox_AndMarksTheMessageSent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var carla = await kit.PersonAsync(Carla, "Carla Mendes");
        await kit.InteractionAsync(carla, "purchase", Now.AddDays(-3), Product);
        var content = await kit.ContentAsync();
        var message = await kit.QueueAsync(carla, content, Carla);

        var run = await kit.RunAsync(Now, "--Logging:LogLevel:Default=Information");

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var row = await kit.MessageAsync(message);
        Assert.Equal(("sent", SentAs.Template), (row.Status, row.SentAs));
        Assert.StartsWith(LogSender.IdPrefix, row.ProviderMessageId, StringComparison.Ordinal);
        var line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(db.ContentRoot, "data", "outbox", "outbox-2026-11-18.jsonl")))).RootElement;
        Assert.Equal(message, line.GetProperty("message_id").GetInt64());
        Assert.True(SameJson(Fixture("send-template-request.json"), line.GetProperty("request").GetRawText()));
        var logged = Assert.Single(kit.Logs.Entries, e => e.Text.Contains("outbox", StringComparison.Ordinal));
        Assert.Contains("+55 11 9****-4321", logged.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task LogSender_KeepsSending_RunAfterRunInOneHost()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        using var host = db.BuildHost(clock);
        var runner = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<JobRunner>(host.Services);
        var sent = new List<long>();
        for (var run = 0; run < 3; run++)
        {
            var (_, _, message) = await kit.PlannedAsync(content, "A", scheduledAt: clock.GetUtcNow().AddMinutes(-1));

            // The scheduler runs the job every minute in one host: each run gets a fresh scope, the sender lives on.
            var outcome = await runner.RunAsync(DispatchMessagesJob.Key, CancellationToken.None);

            Assert.True(outcome.Status == JobRunStatus.Succeeded, outcome.Error);
            sent.Add(message);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        foreach (var message in sent)
        {
            Assert.Equal("sent", (await kit.MessageAsync(message)).Status);
        }
    }

    [SkippableFact]
    public async Task TwoDispatchersAtOnce_NeverClaimOneMessageTwice()
    {
        await using var scene = await SceneAsync(delay: TimeSpan.FromMilliseconds(2));
        var (db, kit, api, content) = scene;
        const int Messages = 300;
        for (var i = 0; i < Messages; i++)
        {
            await kit.PlannedAsync(content);
        }

        // Past the job's lease, as a node that Quartz wrongly declared dead would be: only the claim keeps them apart.
        await Task.WhenAll(
            DispatchProcess.RunJobDirectlyAsync(db, Now, Cloud(api, "--Scheduler:InstanceId=node-a", "--Dispatch:MaxConcurrency=8", "--Messaging:DailyLimit=100000")),
            DispatchProcess.RunJobDirectlyAsync(db, Now, Cloud(api, "--Scheduler:InstanceId=node-b", "--Dispatch:MaxConcurrency=8", "--Messaging:DailyLimit=100000")));

        Assert.Equal(Messages, api.Requests.Count);
        Assert.Equal(Messages, api.Requests.Select(r => r.To).Distinct().Count());
        Assert.Equal(Messages, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM message_queue WHERE status = 'sent' AND attempts = 1"));
    }

    [SkippableFact]
    public async Task NoveltyCountsOnlyWhatWentOut_ACancelledMessageDoesNotUseTheContentUp()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var plan = new Planning.PlanSeed(db);
        var now = DateTimeOffset.Parse("2026-11-23T06:00:00Z", CultureInfo.InvariantCulture);
        var person = await plan.CustomerAsync(now, Carla, "Carla", product: "Café", category: "cafe");
        var content = await plan.ContentAsync("Café novo", "Oi {first_name}, chegou café.", category: "cafe");
        // Planned a fortnight ago, then cancelled when the content was paused: Carla never got it.
        await plan.MessageAsync(person, content, Carla, now.AddDays(-14), status: "cancelled");

        await plan.RunAsync(now);

        var planned = Assert.Single(await plan.PlannedAsync(now));
        Assert.Equal(content, planned.ContentId);
        Assert.True(SameJson("""{"first_name":"Carla"}""", await kit.ScalarAsync<string>("SELECT template_params FROM message_queue WHERE message_id = @id", new { id = planned.MessageId })));
    }

    /// <summary>Where most tests start: a migrated database, its kit, a loopback Cloud API answering with <paramref name="respond"/>, and the fixtures' content.</summary>
    private async Task<Scene> SceneAsync(Func<RecordedRequest, CloudApiReply>? respond = null, TimeSpan delay = default)
    {
        var db = await NewMigratedDatabaseAsync();
        LoopbackCloudApi? api = null;
        try
        {
            api = await LoopbackCloudApi.StartAsync(respond, delay);
            var kit = new DispatchKit(db);
            return new Scene(db, kit, api, await kit.ContentAsync());
        }
        catch
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }

            await db.DisposeAsync();
            throw;
        }
    }

    private sealed record Scene(TestDatabase Db, DispatchKit Kit, LoopbackCloudApi Api, long Content) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Api.DisposeAsync();
            await Db.DisposeAsync();
        }
    }
}

public sealed class SqliteDispatchMessagesJobTests(SqliteEngine engine) : DispatchMessagesJobTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresDispatchMessagesJobTests(PostgresEngine engine) : DispatchMessagesJobTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerDispatchMessagesJobTests(SqlServerEngine engine) : DispatchMessagesJobTests(engine), IClassFixture<SqlServerEngine>;
