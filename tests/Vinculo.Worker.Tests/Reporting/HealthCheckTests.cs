using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;
using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary>
/// <see cref="HealthCheck"/> as of a chosen instant, on every engine. Only <c>plan-messages</c> (daily 03:00: stale after
/// 1 d + 12 h) and <c>process-inbound</c> (every minute: stale after 1 min + 10 min) are enabled, unless a test says otherwise.
/// </summary>
public abstract class HealthCheckTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly string[] TwoJobs = OnlyJobs(PlanMessages, ProcessInbound);

    [SkippableFact]
    public async Task Healthy_WhenEveryEnabledJobSucceededWithinItsPeriod_AndNothingIsHalted()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddHours(-35));
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-10));
        await seed.HaltAsync(190, "token expired", Now.AddDays(-3), resumedAt: Now.AddDays(-2));

        var problems = await CheckAsync(seed, Now, TwoJobs);

        Assert.Empty(problems);
    }

    [SkippableFact]
    public async Task NeverRan_IsAProblem_ForEachEnabledJob()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);

        var problems = await CheckAsync(seed, Now, TwoJobs);

        Assert.Equal([(HealthProblemKinds.NeverRan, PlanMessages), (HealthProblemKinds.NeverRan, ProcessInbound)], problems.Select(p => (p.Kind, p.JobKey)));
        Assert.StartsWith("plan-messages: nunca executou (agenda '0 0 3 * * ?', a cada 1 d)", problems[0].Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ANewInstallation_WaitsForEachJobsFirstFire_ThenCallsItNeverRan()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        // The scheduler started 20 minutes ago: the minutely job has run, the 03:00 plan has not had its first fire yet.
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-20));
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-1));

        Assert.Empty(await CheckAsync(seed, Now, TwoJobs));

        // Two days on, with the minutely job still running, a plan that never ran is a problem.
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddDays(2).AddMinutes(-1));
        var problem = Assert.Single(await CheckAsync(seed, Now.AddDays(2), TwoJobs));
        Assert.Equal((HealthProblemKinds.NeverRan, PlanMessages), (problem.Kind, problem.JobKey));
    }

    [SkippableFact]
    public async Task LastRunFailed_IsAProblem_EvenWithAnEarlierSuccess_AndNamesTheError()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddDays(-1));
        var failed = await seed.JobRunAsync(PlanMessages, "failed", Now.AddHours(-7), error: "DbException: database is locked");
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-1));

        var problem = Assert.Single(await CheckAsync(seed, Now, TwoJobs));

        Assert.Equal((HealthProblemKinds.LastRunFailed, PlanMessages), (problem.Kind, problem.JobKey));
        Assert.Equal(
            $"plan-messages: a última execução ({failed}, iniciada em 2026-11-18 06:17:00 UTC) falhou: DbException: database is locked",
            problem.Message);
    }

    [SkippableFact]
    public async Task LastRunFailed_StillCounts_WhileANewerRunIsInProgress()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(ProcessInbound, "failed", Now.AddMinutes(-2), error: "boom");
        await seed.JobRunAsync(ProcessInbound, "running", Now.AddSeconds(-5));

        var problems = await CheckAsync(seed, Now, OnlyJobs(ProcessInbound));

        Assert.Equal([HealthProblemKinds.LastRunFailed], problems.Select(p => p.Kind));
    }

    [SkippableFact]
    public async Task Stale_WhenTheLastSuccessIsOlderThanThePeriodPlusGrace()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddHours(-37));
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-12));

        var problems = await CheckAsync(seed, Now, TwoJobs);

        Assert.Equal([(HealthProblemKinds.Stale, PlanMessages), (HealthProblemKinds.Stale, ProcessInbound)], problems.Select(p => (p.Kind, p.JobKey)));
        Assert.Equal(
            "plan-messages: o último sucesso foi em 2026-11-17 00:17:00 UTC, há 1 d 13 h; o esperado é no máximo 1 d 12 h " +
            "(agenda '0 0 3 * * ?': a cada 1 d, mais 12 h de tolerância).",
            problems[0].Message);
        Assert.Contains("há 12 min; o esperado é no máximo 11 min (agenda '0 * * * * ?': a cada 1 min, mais 10 min de tolerância)", problems[1].Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Stale_UsesTheCronInForce()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddHours(-37));

        var problems = await CheckAsync(seed, Now, [.. OnlyJobs(PlanMessages), "--Scheduler:Jobs:plan-messages:Cron=0 0 3 ? * MON"]);

        Assert.Empty(problems);
    }

    [SkippableFact]
    public async Task Halted_IsAProblem_WithTheReasonAndWhatToDo()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddHours(-7));
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-1));
        await seed.HaltAsync(368, "account restricted (368)", Now.AddMinutes(-30));

        var problem = Assert.Single(await CheckAsync(seed, Now, TwoJobs));

        Assert.Equal((HealthProblemKinds.Halted, (string?)null), (problem.Kind, problem.JobKey));
        Assert.Equal(
            "Envio SUSPENSO desde 2026-11-18 12:47:00 UTC (erro 368): account restricted (368). Corrija a causa e execute 'vinculo dispatch resume'.",
            problem.Message);
    }

    [SkippableFact]
    public async Task AFlaggedNumber_IsAProblem_UntilMetaUnflagsIt()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddHours(-7));
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-1));
        await seed.SenderSignalsAsync();

        var problem = Assert.Single(await CheckAsync(seed, Now, TwoJobs));

        Assert.Equal((HealthProblemKinds.Flagged, (string?)null), (problem.Kind, problem.JobKey));
        Assert.StartsWith("Número SINALIZADO pela Meta (FLAGGED) desde 2026-11-18 08:17:00 UTC", problem.Message, StringComparison.Ordinal);

        await seed.Sql.ExecuteAsync(
            "INSERT INTO sender_health (field, event, occurred_at, applied_at) VALUES ('phone_number_quality_update', 'UNFLAGGED', @at, @at)", new { at = Now.AddMinutes(-10) });

        Assert.Empty(await CheckAsync(seed, Now, TwoJobs));
    }

    [SkippableFact]
    public async Task AnAccountRestriction_IsAHaltWithMetasReason()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "succeeded", Now.AddHours(-7));
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-1));
        await seed.HaltAsync(null, "account_update ACCOUNT_RESTRICTION: RESTRICTED_BIZ_INITIATED_MESSAGING until 2026/11/25 13:17 UTC", Now.AddMinutes(-30));

        var problem = Assert.Single(await CheckAsync(seed, Now, TwoJobs));

        Assert.Equal(HealthProblemKinds.Halted, problem.Kind);
        Assert.Contains("account_update ACCOUNT_RESTRICTION: RESTRICTED_BIZ_INITIATED_MESSAGING until 2026/11/25 13:17 UTC", problem.Message, StringComparison.Ordinal);
        Assert.Contains("vinculo dispatch resume", problem.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DisabledJobs_AreNotChecked()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(ProcessInbound, "succeeded", Now.AddMinutes(-1));
        await seed.JobRunAsync(DispatchMessages, "failed", Now.AddMinutes(-1), error: "boom");

        var problems = await CheckAsync(seed, Now, OnlyJobs(ProcessInbound));

        Assert.Empty(problems);
    }

    [SkippableFact]
    public async Task AFirstRunInProgress_IsNotAProblem_UntilItOutlastsThePeriod()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(PlanMessages, "running", Now.AddMinutes(-5));

        Assert.Empty(await CheckAsync(seed, Now, OnlyJobs(PlanMessages)));
        var late = Assert.Single(await CheckAsync(seed, Now.AddDays(2), OnlyJobs(PlanMessages)));
        Assert.Equal(HealthProblemKinds.NeverRan, late.Kind);
        Assert.Contains("nunca concluiu uma execução", late.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task EveryJobOfTheDefaultSchedule_IsCheckedWhenEnabled()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        foreach (var key in Jobs.JobCatalog.SpecifiedKeys)
        {
            await seed.JobRunAsync(key, "succeeded", Now.AddSeconds(-30));
        }

        using var host = seed.Host();
        var check = host.Services.GetRequiredService<HealthCheck>();

        Assert.Equal(Jobs.JobCatalog.SpecifiedKeys.Order(StringComparer.Ordinal), check.CheckedJobs);
        Assert.Empty(await check.CheckAsync(Now, CancellationToken.None));
        Assert.Equal(
            ["dispatch-messages", "import-chats", "process-inbound"],
            (await check.CheckAsync(Now.AddMinutes(20), CancellationToken.None)).Select(p => p.JobKey));
    }

    private static async Task<IReadOnlyList<HealthProblem>> CheckAsync(ReportSeed seed, DateTimeOffset now, string[] settings)
    {
        using var host = seed.Host(now, settings);
        return await host.Services.GetRequiredService<HealthCheck>().CheckAsync(now, CancellationToken.None);
    }
}

public sealed class SqliteHealthCheckTests(SqliteEngine engine) : HealthCheckTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresHealthCheckTests(PostgresEngine engine) : HealthCheckTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerHealthCheckTests(SqlServerEngine engine) : HealthCheckTests(engine), IClassFixture<SqlServerEngine>;
