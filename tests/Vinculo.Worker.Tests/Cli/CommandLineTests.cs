using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Cli;

/// <summary>Usage and configuration mistakes: exit code 2, a message naming the key or listing the valid choices, never a stack trace.</summary>
public sealed class CommandLineTests : IClassFixture<SqliteEngine>
{
    private readonly SqliteEngine engine;

    public CommandLineTests(SqliteEngine engine) => this.engine = engine;

    [Fact]
    public async Task UnknownVerb_ExitsWithTwo_AndListsTheVerbs()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["frobnicate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("migrate, run, sweep", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownJobKey_ExitsWithTwo_AndListsTheJobs()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["run", "no-such-job"], TestJobs.Register(new JobProbe()));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-job", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{TestJobs.Block}, {TestJobs.Fail}, {TestJobs.Record}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "migrate", "run", "sweep" })
        {
            Assert.Contains(verb, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Now_WithoutATimeZone_IsBadUsage()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["run", TestJobs.Record, "--now", "2026-11-23T03:00:00"], TestJobs.Register(new JobProbe()));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--now", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_WithNoNightlyJobBuiltYet_SaysSoAndSucceeds()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["sweep"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Nenhum job da sequência noturna", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Database:Provider=Oracle", "Database:Provider: 'Oracle'")]
    [InlineData("--Scheduler:Jobs:revalidate-phones:Cron=every night", "Scheduler:Jobs:revalidate-phones:Cron: 'every night'")]
    [InlineData("--Scheduler:Clustered=true", "Scheduler:Clustered")]
    [InlineData("--Scheduler:TimeZone=Mars/Olympus", "Scheduler:TimeZone: 'Mars/Olympus'")]
    [InlineData("--Scheduler:Jobs:revalidate-phone:Cron=0 0 2 * * ?", "Scheduler:Jobs:revalidate-phone: ")]
    [InlineData("--Database:MigrateOnStart=maybe", "Database:MigrateOnStart")]
    public async Task BadConfiguration_ExitsWithTwo_NamingTheKey(string setting, string expected)
    {
        await using var db = await engine.CreateDatabaseAsync();

        var migrate = await db.CliAsync(["migrate", setting]);

        Assert.Equal(2, migrate.ExitCode);
        Assert.Contains(expected, migrate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", migrate.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadConfiguration_ReportsEveryMistakeAtOnce()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["migrate", "--Scheduler:Clustered=true", "--Scheduler:Jobs:expire-consents:Cron=nope", "--Scheduler:TimeZone=Nowhere"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Scheduler:Clustered", result.Error, StringComparison.Ordinal);
        Assert.Contains("Scheduler:Jobs:expire-consents:Cron", result.Error, StringComparison.Ordinal);
        Assert.Contains("Scheduler:TimeZone", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableDatabase_ExitsWithOne_WithAClearMessageAndNoSecret()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(
        [
            "migrate", "--Database:Provider=Postgres",
            "--Database:ConnectionString=Host=127.0.0.1;Port=1;Database=vinculo;Username=vinculo;Password=s3cr3t-value;Timeout=3",
        ]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Não foi possível conectar ao banco PostgreSQL 'vinculo' em 127.0.0.1:1", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationOverrides_AreSeparatedFromTheVerb()
    {
        var (verb, configuration) = VinculoCommandLine.SplitConfigurationOverrides(
            ["run", "--Database:Provider", "Postgres", "test-record", "--now", "2026-11-23T05:00:00Z", "--Scheduler:TimeZone=UTC"]);

        Assert.Equal(["run", "test-record", "--now", "2026-11-23T05:00:00Z"], verb);
        Assert.Equal(["--Database:Provider", "Postgres", "--Scheduler:TimeZone=UTC"], configuration);
    }
}
