using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using JobRunStatus = Vinculo.Jobs.JobRunStatus;

namespace Vinculo.Hosting;

/// <summary>
/// What the worker does for itself: <c>retention</c> prunes <c>job_runs</c> and the import archive, and a failed nightly
/// run is retried by Quartz's real scheduler (awaited through listener signals, never by sleeping), on every engine.
/// </summary>
public abstract class SelfCareTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T15:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Retention_PrunesOldFinishedRuns_KeepingEachJobsLatestSuccessLatestFailureAndRunningRows()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var oldSuccesses = new[]
        {
            await InsertRunAsync(db, JobCatalog.RevalidatePhones, "succeeded", Now.AddDays(-200)),
            await InsertRunAsync(db, JobCatalog.RevalidatePhones, "succeeded", Now.AddDays(-100)),
        };
        var latestFailure = await InsertRunAsync(db, JobCatalog.RevalidatePhones, "failed", Now.AddDays(-150));
        var stuck = await InsertRunAsync(db, JobCatalog.RevalidatePhones, "running", Now.AddDays(-120));
        var recent = await InsertRunAsync(db, JobCatalog.RevalidatePhones, "succeeded", Now.AddDays(-10));
        var olderSuccess = await InsertRunAsync(db, JobCatalog.ExpireConsents, "succeeded", Now.AddDays(-300));
        var lastSuccess = await InsertRunAsync(db, JobCatalog.ExpireConsents, "succeeded", Now.AddDays(-200));
        var lastRun = await InsertRunAsync(db, JobCatalog.ExpireConsents, "failed", Now.AddDays(-180));
        var onlyRun = await InsertRunAsync(db, JobCatalog.PlanMessages, "failed", Now.AddDays(-400));
        // Latest is by start, as report and health read it, not by row id: a run written later can have started earlier.
        var startedLater = await InsertRunAsync(db, JobCatalog.ImportChats, "succeeded", Now.AddDays(-200));
        var writtenLater = await InsertRunAsync(db, JobCatalog.ImportChats, "succeeded", Now.AddDays(-300));

        var run = await new ConsentSeed(db).RunAsync(RetentionJob.Key, Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(4L, run.Result!.Detail!["job_runs_deleted"]);
        Assert.Equal(90, run.Result.Detail["job_runs_days"]);
        var left = await RunIdsAsync(db);
        Assert.All(oldSuccesses.Append(olderSuccess).Append(writtenLater), id => Assert.DoesNotContain(id, left));
        Assert.All(new[] { latestFailure, stuck, recent, lastSuccess, lastRun, onlyRun, startedLater, run.RunId!.Value }, id => Assert.Contains(id, left));
        Assert.Equal(4L, await DetailAsync(db, run.RunId!.Value, "job_runs_deleted"));
    }

    [SkippableFact]
    public async Task JobRunPrune_DeletesInBoundedBatches_UntilNothingOldIsLeft()
    {
        await using var db = await NewMigratedDatabaseAsync();
        for (var day = 0; day < 7; day++)
        {
            await InsertRunAsync(db, JobCatalog.ProcessInbound, "succeeded", Now.AddDays(-100 - day));
        }

        var kept = await InsertRunAsync(db, JobCatalog.ProcessInbound, "succeeded", Now.AddDays(-1));
        using var host = db.BuildHost();
        var runs = host.Services.GetRequiredService<JobRunStore>();

        var deleted = await runs.PruneAsync(Now.AddDays(-30), CancellationToken.None, batchSize: 2);
        var again = await runs.PruneAsync(Now.AddDays(-30), CancellationToken.None, batchSize: 2);

        Assert.Equal(7, deleted);
        Assert.Equal(0, again);
        Assert.Equal([kept], await RunIdsAsync(db));
    }

    [SkippableFact]
    public async Task Retention_DeletesOldArchivedFilesWithTheirReports_NeverQuarantine_AndOnlyWhenConfigured()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var inbox = Path.Combine(db.ContentRoot, "caixa");
        var archive = Directory.CreateDirectory(Path.Combine(inbox, "archive")).FullName;
        var quarantine = Directory.CreateDirectory(Path.Combine(inbox, "quarantine")).FullName;
        var real = DateTimeOffset.UtcNow;
        var old = Write(archive, "Conversa do WhatsApp com +55 11 98765-4321.txt", real.AddDays(-10));
        var oldReport = Write(archive, "Conversa do WhatsApp com +55 11 98765-4321.txt.report.txt", real.AddDays(-10));
        var fresh = Write(archive, "contatos.csv", real.AddDays(50));
        var moving = Write(archive, ".contatos (2).csv.1a2b3c4d.part", real.AddDays(-10));
        var quarantined = Write(quarantine, "quebrado.zip", real.AddDays(-10));
        var reason = Write(quarantine, "quebrado.zip.reason.txt", real.AddDays(-10));
        var seed = new ConsentSeed(db);
        var inboxSetting = $"--Import:InboxPath={inbox}";

        // Sixty days on, with a 30-day archive: what was last written before day 30 goes.
        var off = await seed.RunAsync(RetentionJob.Key, real.AddDays(60), inboxSetting);
        Assert.True(File.Exists(old) && File.Exists(oldReport), "without Import:ArchiveDays the archive is kept");
        var on = await seed.RunAsync(RetentionJob.Key, real.AddDays(60), inboxSetting, "--Import:ArchiveDays=30");

        Assert.True(off.Status == JobRunStatus.Succeeded, off.Error);
        Assert.Equal(0, off.Result!.Detail!["archive_files_deleted"]);
        Assert.Null(off.Result.Detail["archive_days"]);
        Assert.True(on.Status == JobRunStatus.Succeeded, on.Error);
        Assert.Equal(1, on.Result!.Detail!["archive_files_deleted"]);
        Assert.Equal(1, on.Result.Detail["archive_reports_deleted"]);
        Assert.Equal(30, on.Result.Detail["archive_days"]);
        Assert.False(File.Exists(old));
        Assert.False(File.Exists(oldReport));
        Assert.All(new[] { fresh, moving, quarantined, reason }, path => Assert.True(File.Exists(path), path));
    }

    [SkippableFact]
    public async Task Settings_OutOfRange_AreAllReportedByKey_WithExitCodeTwo()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(
        [
            "run", RetentionJob.Key, "--Retention:JobRunsDays=3", "--Import:ArchiveDays=1", "--Scheduler:RetryFailedAfter=00:00:10", "--Scheduler:RetryAttempts=11",
        ]);

        Assert.Equal(2, result.ExitCode);
        foreach (var key in new[] { "Retention:JobRunsDays", "Import:ArchiveDays", "Scheduler:RetryFailedAfter", "Scheduler:RetryAttempts" })
        {
            Assert.Contains(key, result.Error, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Scheduler_RetriesAFailedNightlyRun_AfterTheDelay_UpToTheAttempts_ThenBackToItsCron()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var probe = new RetryProbe(failures: int.MaxValue);
        await MissANightAsync(db, probe, retryAttempts: 2);

        using var host = db.BuildSchedulerHost(probe.Register(retryAttempts: 2), RetryProbe.NightlyOnly);
        var firings = await RetryProbe.ListenAsync(host);
        await host.StartAsync();
        await firings.Count(3).WaitAsync(Patience);
        await host.StopAsync().WaitAsync(Patience);

        var seen = firings.Seen;
        Assert.Equal([0, 1, 2], seen.Select(f => f.Attempt));
        Assert.Equal([true, true, false], seen.Select(f => f.RetryScheduled));
        var runs = await JobRunnerTests.RunsAsync(db, RetryProbe.Nightly);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, run => Assert.Equal("failed", run.Status));
        for (var i = 1; i < runs.Count; i++)
        {
            var waited = runs[i].StartedAt - runs[i - 1].FinishedAt!.Value;
            Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"retry {i} started {waited} after the failure, before the delay");
        }

        await AssertBackOnTheNightlyCronAsync(db, runs[^1].FinishedAt!.Value, "after the last attempt the trigger is back on its nightly cron");
    }

    [SkippableFact]
    public async Task Scheduler_StopsRetrying_OnceARetrySucceeds()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var probe = new RetryProbe(failures: 1);
        await MissANightAsync(db, probe, retryAttempts: 3);

        using var host = db.BuildSchedulerHost(probe.Register(retryAttempts: 3), RetryProbe.NightlyOnly);
        var firings = await RetryProbe.ListenAsync(host);
        await host.StartAsync();
        await firings.Count(2).WaitAsync(Patience);
        await host.StopAsync().WaitAsync(Patience);

        Assert.Equal([0, 1], firings.Seen.Select(f => f.Attempt));
        Assert.Equal([true, false], firings.Seen.Select(f => f.RetryScheduled));
        var runs = await JobRunnerTests.RunsAsync(db, RetryProbe.Nightly);
        Assert.Equal(["failed", "succeeded"], runs.Select(r => r.Status));
        await AssertBackOnTheNightlyCronAsync(db, runs[^1].FinishedAt!.Value, "a retry that succeeds ends the retries");
    }

    [SkippableFact]
    public async Task Scheduler_NeverRetriesAJobThatFiresEveryMinuteOrMoreOften()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var probe = new RetryProbe(failures: int.MaxValue);

        using var host = db.BuildSchedulerHost(probe.Register(retryAttempts: 3), [$"--Scheduler:Jobs:{RetryProbe.Nightly}:Enabled=false"]);
        var firings = await RetryProbe.ListenAsync(host);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await host.StartAsync();
        await firings.Count(1).WaitAsync(Patience);
        var minute = await scheduler.GetTrigger(new TriggerKey(RetryProbe.Frequent, QuartzJob.Group));
        var inbound = await scheduler.GetTrigger(new TriggerKey(JobCatalog.ProcessInbound, QuartzJob.Group));
        var retention = await scheduler.GetTrigger(new TriggerKey(JobCatalog.Retention, QuartzJob.Group));
        await host.StopAsync().WaitAsync(Patience);

        var first = firings.Seen[0];
        Assert.Equal(RetryProbe.Frequent, first.JobKey);
        Assert.Equal(0, first.Attempt);
        Assert.False(first.RetryScheduled);
        Assert.Equal("failed", (await JobRunnerTests.RunsAsync(db, RetryProbe.Frequent))[0].Status);
        Assert.Equal(RetryPolicy.None, minute!.RetryPolicy);
        Assert.Equal(RetryPolicy.None, inbound!.RetryPolicy);
        Assert.Equal(RetryPolicy.Fixed(3, TimeSpan.FromSeconds(1)), retention!.RetryPolicy);
    }

    /// <summary>
    /// Stores the schedule (with the retry settings the next start uses, so it keeps the stored trigger), then moves the
    /// nightly trigger's fires four nights back, so the next start fires it once, now.
    /// </summary>
    private static async Task MissANightAsync(TestDatabase db, RetryProbe probe, int retryAttempts)
    {
        using (var first = db.BuildSchedulerHost(probe.Register(retryAttempts), RetryProbe.NightlyOnly))
        {
            await first.StartAsync();
            await first.StopAsync();
        }

        var now = TimeProvider.System.GetUtcNow();
        await using var connection = await db.OpenAsync();
        var changed = await connection.ExecuteAsync(
            "UPDATE QRTZ_TRIGGERS SET PREV_FIRE_TIME = @previous, NEXT_FIRE_TIME = @next WHERE TRIGGER_NAME = @name AND TRIGGER_GROUP = @group",
            new { previous = now.AddDays(-4).UtcTicks, next = now.AddDays(-3).UtcTicks, name = RetryProbe.Nightly, group = QuartzJob.Group });
        Assert.Equal(1, changed);
    }

    /// <summary>
    /// The stored next fire is a fire of the nightly cron (02:00 in the scheduler's zone) within a day of the last run,
    /// not a retry a second away. Independent of the hour the test runs at: 02:00 in São Paulo may be minutes away.
    /// </summary>
    private static async Task AssertBackOnTheNightlyCronAsync(TestDatabase db, DateTimeOffset lastFinished, string because)
    {
        var next = await NextFireAsync(db, RetryProbe.Nightly);
        var cron = new CronExpression(RetryProbe.NightlyCron, new SchedulerOptions().TimeZoneInfo);
        Assert.True(next > lastFinished.AddSeconds(2), $"{because}: next fire {next:O} is a retry, right after {lastFinished:O}");
        Assert.True(next <= lastFinished.AddDays(1).AddHours(1), $"{because}: next fire {next:O} skips a night after {lastFinished:O}");
        Assert.True(cron.GetNextValidTimeAfter(next.AddSeconds(-1)) == next, $"{because}: next fire {next:O} is not a fire of {RetryProbe.NightlyCron}");
    }

    private static async Task<DateTimeOffset> NextFireAsync(TestDatabase db, string jobKey)
    {
        await using var connection = await db.OpenAsync();
        var ticks = await connection.ExecuteScalarAsync<long>(
            "SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = @name AND TRIGGER_GROUP = @group", new { name = jobKey, group = QuartzJob.Group });
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private static async Task<long> InsertRunAsync(TestDatabase db, string jobKey, string status, DateTimeOffset startedAt)
    {
        DapperSetup.EnsureConfigured();
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey(
                "job_runs", "job_key, node, started_at, finished_at, status, scanned, changed", "@jobKey, 'node-1', @startedAt, @finishedAt, @status, 0, 0", "run_id"),
            new { jobKey, startedAt, finishedAt = status == "running" ? (DateTimeOffset?)null : startedAt.AddMinutes(1), status });
    }

    private static async Task<List<long>> RunIdsAsync(TestDatabase db)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<long>("SELECT run_id FROM job_runs ORDER BY run_id")).ToList();
    }

    private static async Task<long> DetailAsync(TestDatabase db, long runId, string key)
    {
        await using var connection = await db.OpenAsync();
        var detail = await connection.ExecuteScalarAsync<string>("SELECT detail FROM job_runs WHERE run_id = @runId", new { runId });
        using var json = JsonDocument.Parse(detail!);
        return json.RootElement.GetProperty(key).GetInt64();
    }

    private static string Write(string folder, string name, DateTimeOffset lastWrite)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "conteúdo");
        File.SetLastWriteTimeUtc(path, lastWrite.UtcDateTime);
        return path;
    }
}

public sealed class SqliteSelfCareTests(SqliteEngine engine) : SelfCareTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresSelfCareTests(PostgresEngine engine) : SelfCareTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerSelfCareTests(SqlServerEngine engine) : SelfCareTests(engine), IClassFixture<SqlServerEngine>;

/// <summary>Which crons count as nightly: the product's own schedules, and the edges of the rule.</summary>
public sealed class RetryRuleTests
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T15:00:00Z", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0 0 2 * * ?", true)]
    [InlineData("0 30 2 * * ?", true)]
    [InlineData("0 0 3 * * ?", true)]
    [InlineData("0 0 4 ? * SUN", true)]
    [InlineData("0 0 * * * ?", true)]
    [InlineData("0 0 2,14 * * ?", true)]
    [InlineData("0 * * * * ?", false)]
    [InlineData("30 * * * * ?", false)]
    [InlineData("0 0/5 * * * ?", false)]
    [InlineData("0 0/30 * * * ?", false)]
    [InlineData("0 0/10 2 * * ?", false)]
    public void IsNightly_WhenNoTwoFiresAreCloserThanAnHour(string cron, bool nightly) =>
        Assert.Equal(nightly, SchedulerSetup.IsNightly(cron, SaoPaulo, Now));

    [Fact]
    public void RetryPolicy_IsFixedForNightlyJobs_AndNoneForFrequentOnesOrWhenTurnedOff()
    {
        var options = new SchedulerOptions();

        Assert.Equal(RetryPolicy.Fixed(3, TimeSpan.FromMinutes(15)), SchedulerSetup.RetryPolicyFor("0 0 3 * * ?", SaoPaulo, options, Now));
        Assert.Equal(RetryPolicy.None, SchedulerSetup.RetryPolicyFor("0 * * * * ?", SaoPaulo, options, Now));
        Assert.Equal(RetryPolicy.None, SchedulerSetup.RetryPolicyFor("0 0 3 * * ?", SaoPaulo, new SchedulerOptions { RetryAttempts = 0 }, Now));
    }
}

/// <summary>
/// A nightly job that fails its first <c>failures</c> runs, a job firing every second that always fails, and a record of
/// every firing Quartz completes for them (attempt, whether a retry was scheduled).
/// </summary>
internal sealed class RetryProbe(int failures)
{
    public const string Nightly = "test-nightly-flaky";
    public const string Frequent = "test-every-second-fail";
    public const string NightlyCron = "0 0 2 * * ?";

    /// <summary>Takes the every-second job off the schedule.</summary>
    public static readonly string[] NightlyOnly = [$"--Scheduler:Jobs:{Frequent}:Enabled=false"];

    private int runs;

    public bool NextRunFails() => Interlocked.Increment(ref runs) <= failures;

    /// <summary>The two jobs, and retries a second apart (below what the settings allow, which is the point of a test seam).</summary>
    public Action<HostApplicationBuilder> Register(int retryAttempts) => builder =>
    {
        builder.Services.AddSingleton(this);
        builder.Services.AddVinculoJob<FlakyNightlyJob>(Nightly, NightlyCron, "Fails its first runs.");
        builder.Services.AddVinculoJob<AlwaysFailingJob>(Frequent, "* * * * * ?", "Always fails.");
        builder.Services.PostConfigure<SchedulerOptions>(o =>
        {
            o.RetryFailedAfter = TimeSpan.FromSeconds(1);
            o.RetryAttempts = retryAttempts;
        });
        builder.Services.RemoveAll<IValidateOptions<SchedulerOptions>>();
    };

    /// <summary>Listens to the host's scheduler before it starts, so no firing is missed.</summary>
    public static async Task<FiringLog> ListenAsync(IHost host)
    {
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var log = new FiringLog();
        scheduler.ListenerManager.AddJobListener(log, Matchers.Key(new JobKey(Nightly, QuartzJob.Group)), Matchers.Key(new JobKey(Frequent, QuartzJob.Group)));
        return log;
    }
}

internal sealed record Firing(string JobKey, int Attempt, bool RetryScheduled);

internal sealed class FiringLog : IJobListener
{
    private readonly ConcurrentQueue<Firing> seen = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];

    public string Name => "retry-test-firings";

    public IReadOnlyList<Firing> Seen => [.. seen];

    public Task Count(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            if (seen.Count >= count)
            {
                reached.TrySetResult();
            }
            else
            {
                waiters.Add((count, reached));
            }
        }

        return reached.Task;
    }

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        lock (waiters)
        {
            seen.Enqueue(new Firing(context.JobDetail.Key.Name, context.RetryAttempt, context.RetryScheduled));
            foreach (var waiter in waiters.Where(w => seen.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                waiters.Remove(waiter);
            }
        }

        return default;
    }
}

internal sealed class FlakyNightlyJob(RetryProbe probe) : IVinculoJob
{
    public Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken) =>
        probe.NextRunFails() ? throw new InvalidOperationException("the nightly test job failed on purpose") : Task.FromResult(new JobResult(1, 0));
}

internal sealed class AlwaysFailingJob : IVinculoJob
{
    public Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the frequent test job failed on purpose");
}
