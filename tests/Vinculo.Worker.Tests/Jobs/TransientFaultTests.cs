using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Bench;
using Vinculo.Consent;
using Vinculo.Dispatch;
using Vinculo.Engines;
using Vinculo.Hosting;

namespace Vinculo.Jobs;

/// <summary>
/// A unit of a job's work that fails on a transient database error (a dropped connection, a restart, a deadlock: injected
/// here as a <c>transient</c> failpoint, which reads as a database timeout) is retried; past the retries the run is recorded
/// failed and the next run finishes the work, on every engine. Nothing is applied, sent or counted twice.
/// </summary>
public abstract class TransientFaultTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-18T13:17:00Z", CultureInfo.InvariantCulture);

    /// <summary>Three retries (the default; the tests' hosts have none), without waiting: the clock is fake, and the backoff is not what is proven.</summary>
    private static readonly string[] NoWait = ["--Database:ConnectRetries=3", "--Database:RetryDelay=00:00:00"];

    [SkippableFact]
    public async Task ProcessInbound_ABatchThatHitsATransientFault_IsRetried_AndEachMessageIsAppliedOnce()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var (ana, bia) = await TwoPeopleWithConsentAsync(seed);
        await seed.InboundAsync("5511987650001", "Sair", Now.AddMinutes(-3));
        await seed.InboundAsync("5511987650002", "obrigada!", Now.AddMinutes(-2));

        JobRunOutcome run;
        using (Failpoints.Arm("inbound.before_commit=transient@1"))
        {
            run = await seed.RunAsync(ProcessInboundJob.Key, Now, NoWait);
        }

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal("revoked", await seed.ConsentStatusAsync(ana));
        Assert.Equal(1, await seed.EventsAsync(ana, "revoked"));
        Assert.Equal("granted", await seed.ConsentStatusAsync(bia));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE kind = 'message_in'"));
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NULL"));
        // The retried batch is counted once.
        var detail = await DetailAsync(seed, run);
        Assert.Equal(2, detail.GetProperty("messages").GetInt64());
        Assert.Equal(1, detail.GetProperty("opt_outs").GetInt64());
    }

    [SkippableFact]
    public async Task ProcessInbound_AFaultThatOutlastsTheRetries_FailsTheRunCleanly_AndTheNextRunAppliesEverything()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var (ana, _) = await TwoPeopleWithConsentAsync(seed);
        await seed.InboundAsync("5511987650001", "Sair", Now.AddMinutes(-3));

        JobRunOutcome failed;
        using (Failpoints.Arm("inbound.before_commit=transient"))
        {
            failed = await seed.RunAsync(ProcessInboundJob.Key, Now, NoWait);
        }

        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Contains("inbound.before_commit", failed.Error, StringComparison.Ordinal);
        Assert.Equal("failed", await seed.ScalarAsync<string>("SELECT status FROM job_runs WHERE run_id = @id", new { id = failed.RunId }));
        // Nothing of the batch stands: the opt-out waits, unapplied, for the next run.
        Assert.Equal("granted", await seed.ConsentStatusAsync(ana));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NULL"));

        var next = await seed.RunAsync(ProcessInboundJob.Key, Now.AddMinutes(1), NoWait);

        Assert.True(next.Status == JobRunStatus.Succeeded, next.Error);
        Assert.Equal("revoked", await seed.ConsentStatusAsync(ana));
        Assert.Equal(1, await seed.EventsAsync(ana, "revoked"));
    }

    [SkippableFact]
    public async Task Dispatch_TheRecordOfASendThatHitsATransientFault_IsRetried_TheMessageIsSentOnceAndRecordedSent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        await using var api = await LoopbackCloudApi.StartAsync();
        var message = await CarlaQueuedAsync(kit);

        JobRunOutcome run;
        using (Failpoints.Arm("dispatch.before_record=transient@1;dispatch.before_claim=transient@1"))
        {
            run = await kit.RunAsync(DispatchKit.Now, DispatchKit.Cloud(api, NoWait));
        }

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Single(api.Requests);
        var row = await kit.MessageAsync(message);
        Assert.Equal("sent", row.Status);
        Assert.Equal(1, row.Attempts);
        var detail = await kit.DetailAsync(run);
        Assert.Equal(1, detail.GetProperty("claimed").GetInt64());
        Assert.False(detail.TryGetProperty("not_recorded", out _));
    }

    [SkippableFact]
    public async Task Dispatch_ARecordThatOutlastsTheRetries_LeavesTheMessageSending_ThenInterrupted_NeverSentTwice()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        await using var api = await LoopbackCloudApi.StartAsync();
        var message = await CarlaQueuedAsync(kit);

        JobRunOutcome run;
        using (Failpoints.Arm("dispatch.before_record=transient"))
        {
            run = await kit.RunAsync(DispatchKit.Now, DispatchKit.Cloud(api, NoWait));
        }

        Assert.Single(api.Requests);
        Assert.Equal(1, (await kit.DetailAsync(run)).GetProperty("not_recorded").GetInt64());
        Assert.Equal("sending", (await kit.MessageAsync(message)).Status);

        var later = await kit.RunAsync(DispatchKit.Now.AddMinutes(20), DispatchKit.Cloud(api, NoWait));

        Assert.True(later.Status == JobRunStatus.Succeeded, later.Error);
        Assert.Single(api.Requests);
        var row = await kit.MessageAsync(message);
        Assert.Equal("failed", row.Status);
        Assert.Equal("interrupted", row.StatusReason);
    }

    [SkippableFact]
    public async Task TheEndOfARunTheDatabaseMissed_IsRecordedByTheNextRun_WithItsOwnOutcome()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var (ana, _) = await TwoPeopleWithConsentAsync(seed);
        await seed.InboundAsync("5511987650001", "Sair", Now.AddMinutes(-3));
        using var host = db.BuildHost(new FakeTimeProvider(Now), extraArgs: NoWait);
        var runner = host.Services.GetRequiredService<JobRunner>();

        JobRunOutcome first;
        using (Failpoints.Arm("job.before_finish=transient"))
        {
            first = await runner.RunAsync(ProcessInboundJob.Key, CancellationToken.None);
        }

        Assert.Equal("revoked", await seed.ConsentStatusAsync(ana));
        Assert.Equal("running", await seed.ScalarAsync<string>("SELECT status FROM job_runs WHERE run_id = @id", new { id = first.RunId }));

        var second = await runner.RunAsync(ExpireConsentsJob.Key, CancellationToken.None);

        Assert.True(second.Status == JobRunStatus.Succeeded, second.Error);
        Assert.Equal("succeeded", await seed.ScalarAsync<string>("SELECT status FROM job_runs WHERE run_id = @id", new { id = first.RunId }));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT changed FROM job_runs WHERE run_id = @id", new { id = first.RunId }));
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM job_runs WHERE status = 'running'"));
    }

    private static async Task<(long Ana, long Bia)> TwoPeopleWithConsentAsync(ConsentSeed seed)
    {
        var ana = await seed.ContactAsync("+5511987650001", Now.AddDays(-30), "Ana");
        var bia = await seed.ContactAsync("+5511987650002", Now.AddDays(-30), "Bia");
        await seed.ConsentAsync(ana, "granted", Now.AddDays(-30));
        await seed.ConsentAsync(bia, "granted", Now.AddDays(-30));
        return (ana, bia);
    }

    /// <summary>One message queued for a person with fresh consent, due now.</summary>
    private static async Task<long> CarlaQueuedAsync(DispatchKit kit)
    {
        var carla = await kit.PersonAsync(DispatchKit.Carla, "Carla Mendes");
        return await kit.QueueAsync(carla, await kit.ContentAsync(), DispatchKit.Carla, body: "Oi", templateParams: DispatchKit.Params);
    }

    private static async Task<JsonElement> DetailAsync(ConsentSeed seed, JobRunOutcome run) =>
        JsonDocument.Parse(await seed.ScalarAsync<string>("SELECT detail FROM job_runs WHERE run_id = @id", new { id = run.RunId })).RootElement;
}

public sealed class SqliteTransientFaultTests(SqliteEngine engine) : TransientFaultTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresTransientFaultTests(PostgresEngine engine) : TransientFaultTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerTransientFaultTests(SqlServerEngine engine) : TransientFaultTests(engine), IClassFixture<SqlServerEngine>;
