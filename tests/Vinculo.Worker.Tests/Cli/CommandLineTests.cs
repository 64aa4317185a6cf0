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
    public async Task Bench_IsNoVerbOfTheWorker_AndTheErrorNamesVinculoBench()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["bench", "--night", "1000"]);
        var help = await db.CliAsync(["--help"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("O verbo bench não faz parte do vinculo: as medições são o programa vinculo-bench (veja o README, seção Bench).", result.Error.Trim());
        Assert.DoesNotContain("bench", help.Output, StringComparison.Ordinal);
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
    public async Task Sweep_RunsTheNightlyJobsThatExist_InOrder()
    {
        await using var db = await engine.CreateDatabaseAsync();
        var before = await db.CliAsync(["sweep", "--Database:MigrateOnStart=false"]);

        var result = await db.CliAsync(["sweep", "--now", "2026-11-23T05:00:00Z"]);

        Assert.Equal(2, before.ExitCode);
        Assert.Contains("vinculo migrate", before.Error, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("revalidate-phones: concluído", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_GivenWithAnEqualsSign_IsTheOptionNotAConfigurationKey()
    {
        await using var db = await engine.CreateDatabaseAsync();
        Assert.Equal(0, (await db.CliAsync(["migrate"])).ExitCode);
        var probe = new JobProbe();

        var result = await db.CliAsync(["run", TestJobs.Record, "--now=2026-11-23T05:00:00Z"], TestJobs.Register(probe));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.InRange(Assert.Single(probe.Recorded).Now, DateTimeOffset.Parse("2026-11-23T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-11-23T05:01:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("--Database:Provider=Oracle", "Database:Provider: 'Oracle'")]
    [InlineData("--Scheduler:Jobs:revalidate-phones:Cron=every night", "Scheduler:Jobs:revalidate-phones:Cron: 'every night'")]
    [InlineData("--Scheduler:Clustered=true", "Scheduler:Clustered: 'true' não é possível com Database:Provider Sqlite (um arquivo embutido atende um só nó); use Postgres ou SqlServer para rodar em cluster.")]
    [InlineData("--Scheduler:TimeZone=Mars/Olympus", "Scheduler:TimeZone: 'Mars/Olympus'")]
    [InlineData("--Scheduler:Jobs:revalidate-phone:Cron=0 0 2 * * ?", "Scheduler:Jobs:revalidate-phone: ")]
    [InlineData("--Database:MigrateOnStart=maybe", "Database:MigrateOnStart")]
    [InlineData("--Database:Provider=Sqlite,Postgres", "Database:Provider: 'Sqlite,Postgres'")]
    [InlineData("--Scheduler:Clusterd=true", "Scheduler:Clusterd: chave desconhecida")]
    [InlineData("--Scheduler:Jobs:retention=false", "Scheduler:Jobs:retention: 'false' não é uma seção")]
    [InlineData("--Scheduler:Jobs:retention:Cron=0 0 0 30 2 ?", "nunca dispara")]
    [InlineData("--Phones:DefaultRegion=XX", "Phones:DefaultRegion: 'XX'")]
    [InlineData("--Phones:DefaultAreaCode=20", "Phones:DefaultAreaCode: '20'")]
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
    public async Task ServerConnectionStringWithoutAServer_IsAConfigurationError()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["migrate", "--Database:Provider=Postgres", "--Database:ConnectionString=Database=vinculo"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Database:ConnectionString", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedSettingsFile_IsAConfigurationError_NotACrash()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await File.WriteAllTextAsync(Path.Combine(db.ContentRoot, "appsettings.json"), "{ \"Database\": { ");

        var result = await db.CliAsync(["migrate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("appsettings.json", result.Error, StringComparison.Ordinal);
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
            ["run", "--Database:Provider", "Postgres", "test-record", "--now", "2026-11-23T05:00:00Z", "--Scheduler:TimeZone=UTC", "--now=2026-11-23T05:00:00Z"]);

        Assert.Equal(["run", "test-record", "--now", "2026-11-23T05:00:00Z", "--now=2026-11-23T05:00:00Z"], verb);
        Assert.Equal(["--Database:Provider", "Postgres", "--Scheduler:TimeZone=UTC"], configuration);
    }
}
