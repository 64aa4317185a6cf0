using Vinculo.Data;
using Vinculo.Engines;

namespace Vinculo.Planning;

/// <summary>The <c>Messaging</c> section: mistakes stop the run with exit code 2 and name each key; the shipped settings are valid.</summary>
public sealed class MessagingSettingsTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [Fact]
    public async Task BadMessagingSettings_ExitWithTwo_NamingEveryKey()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(
        [
            "run", "plan-messages",
            "--Messaging:Weights:Fatigue=2", "--Messaging:Weights:Recencia=1", "--Messaging:Weights:Affinity=muito",
            "--Messaging:SendWindow=Mon-Fri 18:00-09:00", "--Messaging:BlockedDates:0=24/12/2026", "--Messaging:OptOutFooter=Tchau!",
            "--Messaging:DailyLimit=0", "--Messaging:FrequencyCapDays=0", "--Messaging:MinRelevance=1.5", "--Messaging:DefaultHour=24",
        ]);

        Assert.Equal(2, result.ExitCode);
        foreach (var key in new[]
        {
            "Messaging:Weights:Fatigue", "Messaging:Weights:Recencia", "Messaging:Weights:Affinity", "Messaging:SendWindow", "Messaging:BlockedDates:0",
            "Messaging:OptOutFooter", "Messaging:DailyLimit", "Messaging:FrequencyCapDays", "Messaging:MinRelevance", "Messaging:DefaultHour",
        })
        {
            Assert.Contains(key, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AllWeightsZero_IsRefused()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(
            ["run", "plan-messages", "--Messaging:Weights:Recency=0", "--Messaging:Weights:Engagement=0", "--Messaging:Weights:Affinity=0", "--Messaging:Weights:Priority=0"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Messaging:Weights", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShippedAppSettings_AndPortugueseWindows_AreAccepted()
    {
        await using var db = await engine.CreateDatabaseAsync();
        File.Copy(Path.Combine(SqlServerStatementTests.RepositoryRoot(), "appsettings.json"), Path.Combine(db.ContentRoot, "appsettings.json"));
        Assert.Equal(0, (await db.CliAsync(["migrate"])).ExitCode);

        var shipped = await db.CliAsync(["run", "plan-messages", "--now", "2026-11-23T06:00:00Z"]);
        var portuguese = await db.CliAsync(
            ["run", "plan-messages", "--now", "2026-11-24T06:00:00Z", "--Messaging:SendWindow=seg a sáb 8h30 às 20h", "--Messaging:BlockedDates:0=2026-12-24, 2026-12-31"]);

        Assert.True(shipped.ExitCode == 0, shipped.All);
        Assert.True(portuguese.ExitCode == 0, portuguese.All);
    }
}
