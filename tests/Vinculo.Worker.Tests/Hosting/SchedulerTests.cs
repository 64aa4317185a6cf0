using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Microsoft.Extensions.Logging;

namespace Vinculo.Hosting;

/// <summary>
/// The scheduler against a real engine: fires on cron (a per-second schedule, awaited through the
/// job's own signal, never by sleeping), stops gracefully, catches up a missed nightly fire once.
/// </summary>
public abstract class SchedulerTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Scheduler_FiresAJobOnItsCron_AndStopWaitsForItToFinish()
    {
        await using var db = await NewDatabaseAsync();
        var probe = new JobProbe();
        var logs = new CapturedLogs();
        using var host = db.BuildSchedulerHost(
            builder =>
            {
                builder.Logging.AddProvider(logs);
                TestJobs.Register(probe, blockCron: "* * * * * ?")(builder);
            },
            ["--Scheduler:ShutdownGracePeriod=00:01:00"]);

        await host.StartAsync();
        await probe.FirstBlockStarted.Task.WaitAsync(Patience);
        var stopping = host.StopAsync();
        await logs.WhenLogged("Stopping: waiting up to").WaitAsync(Patience);
        Assert.False(stopping.IsCompleted);
        probe.Release();
        await stopping.WaitAsync(Patience);

        var runs = await JobRunnerTests.RunsAsync(db, TestJobs.Block);
        Assert.NotEmpty(runs);
        Assert.All(runs, run => Assert.Equal("succeeded", run.Status));
        Assert.False(probe.BlockWasCancelled);
    }

    [SkippableFact]
    public async Task Scheduler_InterruptsAJobStillRunningAfterTheGracePeriod_AndRecordsIt()
    {
        await using var db = await NewDatabaseAsync();
        var probe = new JobProbe();
        using var host = db.BuildSchedulerHost(TestJobs.Register(probe, blockCron: "* * * * * ?"), ["--Scheduler:ShutdownGracePeriod=00:00:00"]);

        await host.StartAsync();
        await probe.FirstBlockStarted.Task.WaitAsync(Patience);
        await host.StopAsync().WaitAsync(Patience);

        Assert.True(probe.BlockWasCancelled);
        var run = await JobRunnerTests.SingleRunAsync(db, TestJobs.Block);
        Assert.Equal("failed", run.Status);
        Assert.StartsWith("interrupted", run.Error, StringComparison.Ordinal);
        Assert.NotNull(run.FinishedAt);
    }

    [SkippableFact]
    public async Task Scheduler_RunsAMissedNightlyFireOnceWhenItComesBack()
    {
        await using var db = await NewDatabaseAsync();
        var probe = new JobProbe();
        var key = new TriggerKey(TestJobs.Record, QuartzJob.Group);
        await ScheduleOnceAsync(db, probe);

        // The worker was down for three nights: the nightly trigger last fired four nights ago.
        var now = TimeProvider.System.GetUtcNow();
        await using (var connection = await db.OpenAsync())
        {
            var changed = await connection.ExecuteAsync(
                "UPDATE QRTZ_TRIGGERS SET PREV_FIRE_TIME = @previous, NEXT_FIRE_TIME = @next WHERE TRIGGER_NAME = @name AND TRIGGER_GROUP = @group",
                new { previous = now.AddDays(-4).UtcTicks, next = now.AddDays(-3).UtcTicks, name = key.Name, group = key.Group });
            Assert.Equal(1, changed);
        }

        using var second = db.BuildSchedulerHost(TestJobs.Register(probe));
        await second.StartAsync();
        await probe.RecordedOnce.Task.WaitAsync(Patience);
        var scheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var next = (await scheduler.GetTrigger(key))!.NextFireTimeUtc;
        await second.StopAsync();

        Assert.Single(probe.Recorded);
        Assert.NotNull(next);
        Assert.True(next > now, $"after catching up, the next fire ({next:o}) is in the future, not another missed night");
        Assert.Single(await JobRunnerTests.RunsAsync(db, TestJobs.Record));
    }

    [SkippableFact]
    public async Task Scheduler_SchedulesAgainATriggerQuartzLeftInItsErrorState_AtStartAndWhileRunning()
    {
        await using var db = await NewDatabaseAsync();
        var probe = new JobProbe();
        var key = new TriggerKey(TestJobs.Record, QuartzJob.Group);
        await ScheduleOnceAsync(db, probe);

        // What Quartz does to a trigger when its store fails while firing it (the database dropped the connection): the
        // trigger never fires again, on any node, until reset.
        await SetErrorStateAsync(db, key);

        using var second = db.BuildSchedulerHost(TestJobs.Register(probe));
        await second.StartAsync();
        var scheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var afterStart = await scheduler.GetTriggerState(key);

        await SetErrorStateAsync(db, key);
        var service = second.Services.GetServices<IHostedService>().OfType<SchedulerService>().Single();
        var reset = await service.ResetErroredTriggersAsync(scheduler, CancellationToken.None);
        var afterCheck = await scheduler.GetTriggerState(key);
        await second.StopAsync();

        Assert.Equal(TriggerState.Normal, afterStart);
        Assert.Equal(1, reset);
        Assert.Equal(TriggerState.Normal, afterCheck);
    }

    /// <summary>Starts a scheduler and stops it, leaving the test jobs and their triggers in the store, as a worker that ran before does.</summary>
    private static async Task ScheduleOnceAsync(TestDatabase db, JobProbe probe)
    {
        using var first = db.BuildSchedulerHost(TestJobs.Register(probe));
        await first.StartAsync();
        await first.StopAsync();
    }

    private static async Task SetErrorStateAsync(TestDatabase db, TriggerKey key)
    {
        await using var connection = await db.OpenAsync();
        var changed = await connection.ExecuteAsync(
            "UPDATE QRTZ_TRIGGERS SET TRIGGER_STATE = 'ERROR' WHERE TRIGGER_NAME = @name AND TRIGGER_GROUP = @group", new { name = key.Name, group = key.Group });
        Assert.Equal(1, changed);
    }

    [SkippableFact]
    public async Task Scheduler_TakesADisabledJobOffTheStoredSchedule()
    {
        await using var db = await NewDatabaseAsync();
        var probe = new JobProbe();
        await ScheduleOnceAsync(db, probe);

        using var second = db.BuildSchedulerHost(TestJobs.Register(probe), [$"--Scheduler:Jobs:{TestJobs.Record}:Enabled=false"]);
        await second.StartAsync();
        var scheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var record = await scheduler.Exists(new JobKey(TestJobs.Record, QuartzJob.Group));
        var fail = await scheduler.Exists(new JobKey(TestJobs.Fail, QuartzJob.Group));
        await second.StopAsync();

        Assert.False(record);
        Assert.True(fail);
    }

    [SkippableFact]
    public async Task Scheduler_ClosesRunsLeftRunningByACrash_WhenItStarts()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using (var connection = await db.OpenAsync())
        {
            DapperSetup.EnsureConfigured();
            await connection.ExecuteAsync(
                "INSERT INTO job_runs (job_key, node, started_at, status) VALUES (@key, 'crashed-node', @at, 'running')",
                new { key = TestJobs.Fail, at = TimeProvider.System.GetUtcNow().AddHours(-1) });
        }

        using var host = db.BuildSchedulerHost(TestJobs.Register(new JobProbe()));
        await host.StartAsync();
        await host.StopAsync();

        var run = await JobRunnerTests.SingleRunAsync(db, TestJobs.Fail);
        Assert.Equal("failed", run.Status);
        Assert.Equal(JobRunStore.AbandonedError, run.Error);
    }

    /// <summary>Where several nodes cannot share the database (an embedded file), a second scheduler is refused.</summary>
    [SkippableFact]
    public async Task Scheduler_RefusesToStartTwiceOnOneDatabase_WhereTheEngineCannotCluster()
    {
        await using var db = await NewDatabaseAsync();
        Skip.If(db.CanCluster, "Several nodes share this engine's database: the cluster test covers it.");
        using var first = db.BuildSchedulerHost(TestJobs.Register(new JobProbe()));
        await first.StartAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var second = await db.CliAsync([], TestJobs.Register(new JobProbe()), cancel.Token);
        await first.StopAsync();

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("Outro agendador do Vinculo já usa", second.Error, StringComparison.Ordinal);
    }

    /// <summary>What only the engines that can cluster do: several nodes on one database.</summary>
    [SkippableFact]
    public async Task Cluster_TwoNodesShareTheSchedule_AndNeverRunOneJobTwiceAtOnce()
    {
        await using var db = await NewDatabaseAsync();
        Skip.IfNot(db.CanCluster, "This engine's database serves one scheduler: the refusal test covers it.");
        await db.MigrateAsync();
        var probe = new JobProbe();
        var recordedThrice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] Node(string name) =>
        [
            "--Scheduler:Clustered=true", $"--Scheduler:InstanceId={name}", "--Scheduler:ShutdownGracePeriod=00:00:00",
            $"--Scheduler:Jobs:{TestJobs.Record}:Cron=* * * * * ?", $"--Scheduler:Jobs:{TestJobs.Block}:Cron=* * * * * ?",
        ];
        using var nodeA = db.BuildSchedulerHost(TestJobs.Register(probe), Node("node-a"));
        using var nodeB = db.BuildSchedulerHost(TestJobs.Register(probe), Node("node-b"));

        await nodeA.StartAsync();
        await nodeB.StartAsync();
        await probe.FirstBlockStarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var fromA = await nodeA.Services.GetRequiredService<JobRunner>().RunAsync(TestJobs.Block, CancellationToken.None);
        var fromB = await nodeB.Services.GetRequiredService<JobRunner>().RunAsync(TestJobs.Block, CancellationToken.None);
        var blockedAfter = probe.Recorded.Count;
        await probe.RecordedCount(blockedAfter + 3).WaitAsync(TimeSpan.FromSeconds(60));
        var blockStartsWhileBlocked = probe.BlockStarts;
        await Task.WhenAll(nodeA.StopAsync(), nodeB.StopAsync()).WaitAsync(TimeSpan.FromSeconds(60));

        // Three more seconds of per-second fires went by on two nodes while the blocking job held its lease,
        // and neither node could start it by hand either: the lease, not only Quartz, keeps it single.
        Assert.Equal(1, blockStartsWhileBlocked);
        Assert.Equal(Jobs.JobRunStatus.AlreadyRunning, fromA.Status);
        Assert.Equal(Jobs.JobRunStatus.AlreadyRunning, fromB.Status);
        var runs = await JobRunnerTests.RunsAsync(db, TestJobs.Record);
        Assert.All(runs, run => Assert.Contains(run.Node, new[] { "node-a", "node-b" }));
        Assert.Equal(runs.Count, runs.Select(r => r.StartedAt).Distinct().Count());
        Assert.DoesNotContain(await JobRunnerTests.RunsAsync(db, TestJobs.Block), run => run.Status == "running");
    }
}

public sealed class SqliteSchedulerTests(SqliteEngine engine) : SchedulerTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresSchedulerTests(PostgresEngine engine) : SchedulerTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerSchedulerTests(SqlServerEngine engine) : SchedulerTests(engine), IClassFixture<SqlServerEngine>;
