using System.Globalization;
using Vinculo.Consent;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Dispatch.DispatchKit;

namespace Vinculo.Dispatch;

/// <summary>Delivery statuses applied by <c>process-inbound</c>, and the content circuit breaker, on every engine.</summary>
public abstract class DeliveryStatusTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly DateTimeOffset SentAt = Now.AddMinutes(-30);

    [SkippableFact]
    public async Task Statuses_OutOfOrderAndTwice_EndInTheRightState_NeverBackwards()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var (readFirst, _) = await SentMessageAsync(kit, content, "wamid.read-first");
        var (failedAfterRead, _) = await SentMessageAsync(kit, content, "wamid.failed-after-read");
        var (duplicated, _) = await SentMessageAsync(kit, content, "wamid.twice");
        var (failedThenDelivered, _) = await SentMessageAsync(kit, content, "wamid.failed-then-delivered");
        // read arrives before delivered; failed after read; the same delivered twice; failed, then proof it arrived.
        await StatusAsync(kit, "wamid.read-first", "read", SentAt.AddMinutes(5));
        await StatusAsync(kit, "wamid.failed-after-read", "read", SentAt.AddMinutes(2));
        await StatusAsync(kit, "wamid.failed-after-read", "failed", SentAt.AddMinutes(3), 131026);
        await StatusAsync(kit, "wamid.twice", "delivered", SentAt.AddMinutes(1));
        await StatusAsync(kit, "wamid.twice", "delivered", SentAt.AddMinutes(1));
        await StatusAsync(kit, "wamid.failed-then-delivered", "failed", SentAt.AddMinutes(1), 131000);

        var first = await kit.RunJobAsync(ProcessInboundJob.Key, Now);
        // The delivery report of the message already read comes late.
        await StatusAsync(kit, "wamid.read-first", "delivered", SentAt.AddMinutes(1));
        await StatusAsync(kit, "wamid.failed-then-delivered", "delivered", SentAt.AddMinutes(2));
        await StatusAsync(kit, "wamid.twice", "sent", SentAt);
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        Assert.True(first.Status == JobRunStatus.Succeeded, first.Error);
        Assert.Equal("read", (await kit.MessageAsync(readFirst)).Status);
        Assert.Equal("read", (await kit.MessageAsync(failedAfterRead)).Status);
        Assert.Equal("delivered", (await kit.MessageAsync(duplicated)).Status);
        Assert.Equal("delivered", (await kit.MessageAsync(failedThenDelivered)).Status);
        Assert.Equal(0, await kit.ScalarAsync<long>("SELECT COUNT(*) FROM message_status_events WHERE processed_at IS NULL"));
        Assert.StartsWith("ignored", await kit.ScalarAsync<string>(
            "SELECT outcome FROM message_status_events WHERE provider_message_id = 'wamid.failed-after-read' AND status = 'failed'"), StringComparison.Ordinal);
        // A failure after a read says nothing: the number's count did not grow.
        Assert.Equal(0, await kit.ScalarAsync<int>("SELECT MAX(phone_failures) FROM contacts"));
    }

    [SkippableFact]
    public async Task Read_BecomesOneReadInteraction_AtTheReadTime()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var (_, person) = await SentMessageAsync(kit, content, "wamid.HBgMNTUxMTg3NjU0MzIx");
        await StatusAsync(kit, "wamid.HBgMNTUxMTg3NjU0MzIx", "read", SentAt.AddMinutes(7));
        await StatusAsync(kit, "wamid.HBgMNTUxMTg3NjU0MzIx", "read", SentAt.AddMinutes(9));

        await kit.RunJobAsync(ProcessInboundJob.Key, Now);
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        var reads = await kit.QueryAsync<DateTimeOffset>("SELECT occurred_at FROM interactions WHERE contact_id = @person AND kind = 'read'", new { person });
        Assert.Equal(SentAt.AddMinutes(7), Assert.Single(reads));
        Assert.DoesNotContain("HBgM", await kit.ScalarAsync<string>("SELECT source_key FROM interactions WHERE kind = 'read'"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Undeliverable_TwiceByStatus_MakesTheNumberUnreachable_AndItsNextMessageInClearsIt()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var number = "+5585998761234";
        var person = await kit.PersonAsync(number, "Ana");
        var first = await kit.QueueAsync(person, content, number, scheduledAt: SentAt, status: "sent", sentAt: SentAt, body: "Oi");
        var second = await kit.QueueAsync(person, content, number, scheduledAt: SentAt.AddDays(-8), status: "sent", sentAt: SentAt.AddDays(-8), body: "Oi");
        foreach (var message in new[] { first, second })
        {
            var wamid = "wamid.u" + message.ToString(CultureInfo.InvariantCulture);
            await kit.ExecuteAsync("UPDATE message_queue SET provider_message_id = @wamid WHERE message_id = @message", new { wamid, message });
            await StatusAsync(kit, wamid, "failed", SentAt.AddMinutes(1), 131026);
        }

        await kit.RunJobAsync(ProcessInboundJob.Key, Now);

        Assert.Equal("unreachable", await kit.ScalarAsync<string>("SELECT phone_status FROM contacts WHERE contact_id = @person", new { person }));
        Assert.Equal(("failed", DispatchReasons.Undeliverable), ((await kit.MessageAsync(first)).Status, (await kit.MessageAsync(first)).StatusReason));

        await kit.ExecuteAsync("INSERT INTO inbound_messages (from_phone, body, received_at) VALUES ('5585998761234', 'Oi, mudei de aparelho', @at)", new { at = Now.AddMinutes(2) });
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(3));

        Assert.Equal("valid", await kit.ScalarAsync<string>("SELECT phone_status FROM contacts WHERE contact_id = @person", new { person }));
        Assert.Equal(0, await kit.ScalarAsync<int>("SELECT phone_failures FROM contacts WHERE contact_id = @person", new { person }));
    }

    [SkippableFact]
    public async Task FailedStatuses_StopMarketing_RevokesConsent_AndTheMarketingLimit_RequeuesForALaterDay()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var (stopped, stoppedPerson) = await SentMessageAsync(kit, content, "wamid.stop");
        var (limited, _) = await SentMessageAsync(kit, content, "wamid.limit");
        var (unknown, _) = await SentMessageAsync(kit, content, "wamid.other");
        await StatusAsync(kit, "wamid.stop", "failed", SentAt.AddMinutes(1), 131050);
        await StatusAsync(kit, "wamid.limit", "failed", SentAt.AddMinutes(1), 131049);
        await StatusAsync(kit, "wamid.other", "failed", SentAt.AddMinutes(1), 135000);

        await kit.RunJobAsync(ProcessInboundJob.Key, Now);

        Assert.Equal(("failed", DispatchReasons.MarketingStopped), ((await kit.MessageAsync(stopped)).Status, (await kit.MessageAsync(stopped)).StatusReason));
        Assert.Equal("revoked", await kit.ScalarAsync<string>("SELECT status FROM consents WHERE contact_id = @stoppedPerson", new { stoppedPerson }));
        var requeued = await kit.MessageAsync(limited);
        Assert.Equal("queued", requeued.Status);
        Assert.True(requeued.ScheduledAt >= Now.AddHours(24));
        Assert.Equal(("failed", DispatchReasons.Rejected, (int?)135000), ((await kit.MessageAsync(unknown)).Status, (await kit.MessageAsync(unknown)).StatusReason, (await kit.MessageAsync(unknown)).ErrorCode));
    }

    [SkippableFact]
    public async Task AStatusBeforeItsMessageIsRecorded_WaitsAndIsAppliedOnceTheSendIs()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var content = await kit.ContentAsync();
        var number = kit.NewNumber();
        var message = await kit.QueueAsync(await kit.PersonAsync(number, "A"), content, number, body: "Oi", status: "sending");
        await StatusAsync(kit, "wamid.early", "delivered", SentAt.AddMinutes(1));

        var early = await kit.RunJobAsync(ProcessInboundJob.Key, Now);
        await kit.ExecuteAsync("UPDATE message_queue SET status = 'sent', sent_at = @at, provider_message_id = 'wamid.early' WHERE message_id = @message", new { at = SentAt, message });
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(1));

        Assert.Equal(1, (await kit.DetailAsync(early)).GetProperty("delivery_statuses").GetProperty("waiting_for_their_message").GetInt64());
        Assert.Equal("delivered", (await kit.MessageAsync(message)).Status);

        // A status whose message never shows up is given up after a week.
        await StatusAsync(kit, "wamid.nobody", "read", SentAt, receivedAt: Now.AddDays(-8));
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(2));
        Assert.Equal("no_such_message", await kit.ScalarAsync<string>("SELECT outcome FROM message_status_events WHERE provider_message_id = 'wamid.nobody'"));
    }

    [SkippableFact]
    public async Task CircuitBreaker_100RecipientsAnd3OptOuts_PausesTheContentAndCancelsItsQueue_49DoNot()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        var tripped = await kit.ContentAsync();
        var small = await kit.ContentAsync();
        var trippedPeople = await RecipientsAsync(kit, tripped, 100);
        var smallPeople = await RecipientsAsync(kit, small, 49);
        var waiting = kit.NewNumber();
        var queued = await kit.QueueAsync(await kit.PersonAsync(waiting, "Espera"), tripped, waiting, scheduledAt: Now.AddHours(3), body: "Oi");
        foreach (var number in trippedPeople.Take(3).Concat(smallPeople.Take(3)))
        {
            await kit.ExecuteAsync("INSERT INTO inbound_messages (from_phone, body, received_at) VALUES (@from, 'SAIR', @at)", new { from = number.TrimStart('+'), at = Now.AddMinutes(-2) });
        }

        var run = await kit.RunJobAsync(ProcessInboundJob.Key, Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var reason = await kit.ScalarAsync<string>("SELECT paused_reason FROM contents WHERE content_id = @tripped", new { tripped });
        Assert.StartsWith(ContentBreaker.PausedReasonPrefix, reason, StringComparison.Ordinal);
        Assert.Contains("3 of 100", reason, StringComparison.Ordinal);
        Assert.Equal(("cancelled", "content_paused"), ((await kit.MessageAsync(queued)).Status, (await kit.MessageAsync(queued)).StatusReason));
        Assert.Null(await kit.ScalarAsync<string?>("SELECT paused_reason FROM contents WHERE content_id = @small", new { small }));

        var list = await db.CliAsync(["content", "list"]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("PAUSADO", list.Output, StringComparison.Ordinal);
        var resumed = await db.CliAsync(["content", "resume", tripped.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Null(await kit.ScalarAsync<string?>("SELECT paused_reason FROM contents WHERE content_id = @tripped", new { tripped }));
        Assert.Equal(2, (await db.CliAsync(["content", "resume", "987654"])).ExitCode);

        // What was sent before the resume no longer counts: the breaker does not pause it again at once.
        await kit.RunJobAsync(ProcessInboundJob.Key, Now.AddMinutes(1));
        Assert.Null(await kit.ScalarAsync<string?>("SELECT paused_reason FROM contents WHERE content_id = @tripped", new { tripped }));
    }

    private static async Task<List<string>> RecipientsAsync(DispatchKit kit, long content, int count)
    {
        var numbers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var number = kit.NewNumber();
            await kit.QueueAsync(await kit.PersonAsync(number, "Cliente"), content, number, scheduledAt: SentAt, status: "delivered", sentAt: SentAt, body: "Oi");
            numbers.Add(number);
        }

        return numbers;
    }

    private static async Task<(long Message, long Person)> SentMessageAsync(DispatchKit kit, long content, string wamid)
    {
        var number = kit.NewNumber();
        var person = await kit.PersonAsync(number, "Cliente");
        var message = await kit.QueueAsync(person, content, number, scheduledAt: SentAt, status: "sent", sentAt: SentAt, body: "Oi");
        await kit.ExecuteAsync("UPDATE message_queue SET provider_message_id = @wamid WHERE message_id = @message", new { wamid, message });
        return (message, person);
    }

    /// <summary>A status row as any WhatsApp integration writes it (only SPEC section 8's columns, plus received_at).</summary>
    private static Task StatusAsync(DispatchKit kit, string wamid, string status, DateTimeOffset at, int? code = null, DateTimeOffset? receivedAt = null) =>
        kit.ExecuteAsync(
            "INSERT INTO message_status_events (provider_message_id, status, error_code, occurred_at, received_at) VALUES (@wamid, @status, @code, @at, @received)",
            new { wamid, status, code, at, received = receivedAt ?? at });
}

public sealed class SqliteDeliveryStatusTests(SqliteEngine engine) : DeliveryStatusTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresDeliveryStatusTests(PostgresEngine engine) : DeliveryStatusTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerDeliveryStatusTests(SqlServerEngine engine) : DeliveryStatusTests(engine), IClassFixture<SqlServerEngine>;
