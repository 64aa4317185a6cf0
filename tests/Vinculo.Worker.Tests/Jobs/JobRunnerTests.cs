using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vinculo.Data;
using Vinculo.Engines;

namespace Vinculo.Jobs;

/// <summary>Running a job once (as <c>run</c> and the scheduler do) and what lands in <c>job_runs</c>, on every engine.</summary>
public abstract class JobRunnerTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-23T05:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Run_RecordsASucceededRunWithCountersDetailAndTheGivenNow()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var probe = new JobProbe();

        var result = await db.CliAsync(["run", TestJobs.Record, "--now", "2026-11-23T02:00:00-03:00"], TestJobs.Register(probe));

        Assert.True(result.ExitCode == 0, result.All);
        var seen = Assert.Single(probe.Recorded);
        Assert.InRange(seen.Now, Night, Night.AddMinutes(1));
        var row = await SingleRunAsync(db, TestJobs.Record);
        Assert.Equal("succeeded", row.Status);
        Assert.Equal(3, row.Scanned);
        Assert.Equal(1, row.Changed);
        Assert.Equal(Environment.MachineName, row.Node);
        Assert.Null(row.Error);
        Assert.InRange(row.StartedAt, Night, Night.AddMinutes(1));
        Assert.NotNull(row.FinishedAt);
        using var detail = JsonDocument.Parse(row.Detail!);
        Assert.Equal("test", detail.RootElement.GetProperty("kind").GetString());
        Assert.Contains("concluído", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Run_FailingJob_LeavesAFailedRowWithTheError_AndExitsWithOne()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(["run", TestJobs.Fail], TestJobs.Register(new JobProbe()));

        Assert.Equal(1, result.ExitCode);
        var row = await SingleRunAsync(db, TestJobs.Fail);
        Assert.Equal("failed", row.Status);
        Assert.Contains("the test job failed on purpose", row.Error, StringComparison.Ordinal);
        Assert.NotNull(row.FinishedAt);
        Assert.Contains("falhou", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Run_IsRefused_WhileTheSameJobRunsInAnotherProcess()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var probe = new JobProbe();
        using var first = db.BuildHost(configureHost: TestJobs.Register(probe));
        using var second = db.BuildHost(configureHost: TestJobs.Register(probe));

        var running = first.Services.GetRequiredService<JobRunner>().RunAsync(TestJobs.Block, CancellationToken.None);
        await probe.FirstBlockStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await second.Services.GetRequiredService<JobRunner>().RunAsync(TestJobs.Block, CancellationToken.None);
        var other = await second.Services.GetRequiredService<JobRunner>().RunAsync(TestJobs.Record, CancellationToken.None);
        probe.Release();
        var finished = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobRunStatus.AlreadyRunning, refused.Status);
        Assert.Equal(JobRunStatus.Succeeded, other.Status);
        Assert.Equal(JobRunStatus.Succeeded, finished.Status);
        Assert.Equal(1, probe.BlockStarts);
        Assert.Equal("succeeded", (await SingleRunAsync(db, TestJobs.Block)).Status);
    }

    [SkippableFact]
    public async Task Run_ClosesARowLeftRunningByAProcessThatDied()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using (var connection = await db.OpenAsync())
        {
            DapperSetup.EnsureConfigured();
            await connection.ExecuteAsync(
                "INSERT INTO job_runs (job_key, node, started_at, status) VALUES (@key, 'crashed-node', @at, 'running')",
                new { key = TestJobs.Record, at = Night.AddDays(-1) });
        }

        var result = await db.CliAsync(["run", TestJobs.Record], TestJobs.Register(new JobProbe()));

        Assert.Equal(0, result.ExitCode);
        var rows = await RunsAsync(db, TestJobs.Record);
        Assert.Equal(2, rows.Count);
        Assert.Equal("failed", rows[0].Status);
        Assert.Equal(JobRunStore.AbandonedError, rows[0].Error);
        Assert.NotNull(rows[0].FinishedAt);
        Assert.Equal("succeeded", rows[1].Status);
    }

    [SkippableFact]
    public async Task Run_IsFollowedInTheProgressFeed_UntilItEnds_AndTheJobReportsThere()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var probe = new JobProbe();
        var feed = new ProgressFeed();
        using var host = db.BuildHost(configureHost: builder =>
        {
            TestJobs.Register(probe)(builder);
            builder.Services.Replace(ServiceDescriptor.Singleton(feed));
        });
        var runner = host.Services.GetRequiredService<JobRunner>();

        var running = runner.RunAsync(TestJobs.Block, CancellationToken.None);
        await probe.FirstBlockStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var during = feed.Running;
        probe.Release();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        await runner.RunAsync(TestJobs.Record, CancellationToken.None);

        Assert.Equal(TestJobs.Block, Assert.Single(during).JobKey);
        Assert.Empty(feed.Running);
        var recorded = Assert.Single(probe.Recorded).Progress;
        Assert.Equal(TestJobs.Record, recorded.JobKey);
        Assert.Equal(new[] { new ProgressReading(RecordingJob.Recording, 3, 3) }, recorded.Readings);
    }

    [SkippableFact]
    public async Task Run_BeforeMigrate_SaysToMigrate_WithExitCodeTwo()
    {
        await using var db = await NewDatabaseAsync();

        var result = await db.CliAsync(["run", TestJobs.Record, "--Database:MigrateOnStart=false"], TestJobs.Register(new JobProbe()));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("vinculo migrate", result.Error, StringComparison.Ordinal);
    }

    internal static async Task<RunRow> SingleRunAsync(TestDatabase db, string jobKey) => Assert.Single(await RunsAsync(db, jobKey));

    internal static async Task<List<RunRow>> RunsAsync(TestDatabase db, string jobKey)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<RunRow>(
            "SELECT run_id AS RunId, job_key AS JobKey, node AS Node, started_at AS StartedAt, finished_at AS FinishedAt, status AS Status, " +
            "scanned AS Scanned, changed AS Changed, error AS Error, detail AS Detail FROM job_runs WHERE job_key = @jobKey ORDER BY run_id",
            new { jobKey })).ToList();
    }
}

public sealed class RunRow
{
    public long RunId { get; set; }

    public string JobKey { get; set; } = "";

    public string Node { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string Status { get; set; } = "";

    public long Scanned { get; set; }

    public long Changed { get; set; }

    public string? Error { get; set; }

    public string? Detail { get; set; }
}

public sealed class SqliteJobRunnerTests(SqliteEngine engine) : JobRunnerTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresJobRunnerTests(PostgresEngine engine) : JobRunnerTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerJobRunnerTests(SqlServerEngine engine) : JobRunnerTests(engine), IClassFixture<SqlServerEngine>;
