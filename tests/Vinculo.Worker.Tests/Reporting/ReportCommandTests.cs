using System.Text.Json;
using Vinculo.Cli;
using Vinculo.Engines;
using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary>
/// The <c>report</c> and <c>health</c> verbs end to end (settings, host, schema check, real clock, output, exit code), run
/// through their commands' <c>Create</c> with the reporting services added: they pass before the verbs are wired into the
/// command line. <see cref="ReportingWiringTests"/> runs the same through <c>vinculo</c> itself.
/// </summary>
public abstract class ReportCommandTests(EngineFixture engine) : EngineSuite(engine)
{
    [SkippableFact]
    public async Task Report_Json_PrintsTheBase_AndExitsZero()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await new ReportSeed(db).SmallBaseAsync();

        var result = await InvokeAsync(db, ReportCommand.Create, "report", "--json");

        Assert.True(result.ExitCode == 0, result.All);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(6, root.GetProperty("contacts").GetProperty("live").GetInt64());
        Assert.Equal(2, root.GetProperty("suppression").GetProperty("numbers").GetInt64());
        Assert.Equal(131048, root.GetProperty("dispatch_halt").GetProperty("error_code").GetInt32());
        Assert.Equal(8, root.GetProperty("messages").GetProperty("all_time").GetProperty("total").GetInt64());
    }

    [SkippableFact]
    public async Task Report_WhenRedirected_IsPlainText()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await new ReportSeed(db).SmallBaseAsync();

        var result = await InvokeAsync(db, ReportCommand.Create, "report");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.StartsWith("Vinculo: estado da base em ", result.Output, StringComparison.Ordinal);
        Assert.Contains("== Telefones: 6 contato(s) ativo(s) por situação do número ==", result.Output, StringComparison.Ordinal);
        Assert.Contains("SUSPENSO desde", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("98765", result.All, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Health_WhenEveryEnabledJobJustSucceeded_PrintsOk_AndExitsZero()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(ProcessInbound, "succeeded", DateTimeOffset.UtcNow.AddSeconds(-20));
        await seed.JobRunAsync(PlanMessages, "succeeded", DateTimeOffset.UtcNow.AddHours(-3));

        var result = await InvokeAsync(db, HealthCommand.Create, ["health", .. OnlyJobs(ProcessInbound, PlanMessages)]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal("ok: 2 job(s) em dia; envio ativo.", result.Output.Trim());
    }

    [SkippableFact]
    public async Task Health_WhenHalted_ExitsOne_WithALinePerProblem()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        // The scheduler has run here for three days, so a plan that never ran is overdue.
        await seed.JobRunAsync(ProcessInbound, "succeeded", DateTimeOffset.UtcNow.AddDays(-3));
        await seed.JobRunAsync(ProcessInbound, "succeeded", DateTimeOffset.UtcNow.AddSeconds(-20));
        await seed.HaltAsync(131048, "spam rate too high", DateTimeOffset.UtcNow.AddMinutes(-5));

        var result = await InvokeAsync(db, HealthCommand.Create, ["health", .. OnlyJobs(ProcessInbound, PlanMessages)]);

        Assert.Equal(1, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Envio SUSPENSO desde ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("plan-messages: nunca executou", lines[1], StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("never_ran", "plan-messages: nunca executou")]
    [InlineData("failed", "plan-messages: a última execução")]
    [InlineData("stale", "plan-messages: o último sucesso foi em")]
    public async Task Health_ExitsOne_ForAJobThatNeverRanFailedOrIsLate(string problem, string line)
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        var now = DateTimeOffset.UtcNow;
        // The scheduler has run here for three days and the minutely job is up to date.
        await seed.JobRunAsync(ProcessInbound, "succeeded", now.AddDays(-3));
        await seed.JobRunAsync(ProcessInbound, "succeeded", now.AddSeconds(-20));
        switch (problem)
        {
            case "failed":
                await seed.JobRunAsync(PlanMessages, "succeeded", now.AddHours(-26));
                await seed.JobRunAsync(PlanMessages, "failed", now.AddHours(-2), error: "timeout");
                break;
            case "stale":
                await seed.JobRunAsync(PlanMessages, "succeeded", now.AddDays(-2));
                break;
        }

        var result = await InvokeAsync(db, HealthCommand.Create, ["health", .. OnlyJobs(ProcessInbound, PlanMessages)]);

        Assert.Equal(1, result.ExitCode);
        var only = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(line, only, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Health_WhenTheDatabaseCannotBeReached_ExitsOne()
    {
        await using var db = await NewDatabaseAsync();
        var unreachable = $"--Database:ConnectionString={db.UnreachableConnectionString}";

        var result = await InvokeAsync(db, HealthCommand.Create, "health", unreachable);

        Assert.Equal(1, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }
}

public sealed class SqliteReportCommandTests(SqliteEngine engine) : ReportCommandTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresReportCommandTests(PostgresEngine engine) : ReportCommandTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerReportCommandTests(SqlServerEngine engine) : ReportCommandTests(engine), IClassFixture<SqlServerEngine>;
