using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Engines;
using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary>
/// NEEDS THE WIRING: these run <c>report</c> and <c>health</c> through <c>vinculo</c> itself and fail until
/// <c>VinculoCommandLine</c> adds <c>ReportCommand.Create</c> and <c>HealthCommand.Create</c> to its root and
/// <c>VinculoHost.CreateBuilder</c> calls <c>builder.AddVinculoReporting()</c>. No reporting service is added here.
/// </summary>
public sealed class ReportingWiringTests(SqliteEngine engine) : EngineSuite(engine), IClassFixture<SqliteEngine>
{
    [SkippableFact]
    public async Task Vinculo_Report_Json_IsWired()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await new ReportSeed(db).SmallBaseAsync();

        var result = await db.CliAsync(["report", "--json"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(6, JsonDocument.Parse(result.Output).RootElement.GetProperty("contacts").GetProperty("live").GetInt64());
    }

    [SkippableFact]
    public async Task Vinculo_Health_IsWired_HealthyAndHalted()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.JobRunAsync(ProcessInbound, "succeeded", DateTimeOffset.UtcNow.AddSeconds(-20));

        var healthy = await db.CliAsync(["health", .. OnlyJobs(ProcessInbound)]);
        await seed.HaltAsync(368, "account restricted", DateTimeOffset.UtcNow.AddMinutes(-1));
        var halted = await db.CliAsync(["health", .. OnlyJobs(ProcessInbound)]);

        Assert.True(healthy.ExitCode == 0, healthy.All);
        Assert.StartsWith("ok", healthy.Output, StringComparison.Ordinal);
        Assert.Equal(1, halted.ExitCode);
        Assert.StartsWith("Envio SUSPENSO desde ", halted.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DefaultHost_RegistersTheReportStore_ForTheTSqlCheck()
    {
        await using var db = await NewDatabaseAsync();
        using var host = db.BuildHost();

        Assert.Contains(host.Services.GetServices<ISqlStatements>(), s => s is ReportStore);
        Assert.NotNull(host.Services.GetService<ReportBuilder>());
        Assert.NotNull(host.Services.GetService<HealthCheck>());
    }
}
