using Vinculo.Engines;

namespace Vinculo.Dispatch;

/// <summary>The <c>Dispatch</c> section: mistakes stop the run with exit code 2 and name each key; a secret is never echoed.</summary>
public sealed class DispatchSettingsTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [Fact]
    public async Task CloudSenderWithoutItsSettings_ExitsWithTwo_NamingEachKey()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["run", "dispatch-messages", "--Dispatch:Sender=WhatsAppCloud", "--Dispatch:BaseUrl=graph.facebook.com", "--Dispatch:ApiVersion=23"]);

        Assert.Equal(2, result.ExitCode);
        foreach (var key in new[] { "Dispatch:PhoneNumberId", "Dispatch:AccessToken", "Dispatch:BaseUrl", "Dispatch:ApiVersion" })
        {
            Assert.Contains(key, result.Error, StringComparison.Ordinal);
        }

        Assert.Contains("VINCULO_Dispatch__AccessToken", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadNumbers_AndUnknownKeys_AreAllReported_AndATokenIsNeverEchoed()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(
        [
            "run", "dispatch-messages", "--Dispatch:Sender=Carrier", "--Dispatch:MaxConcurrency=0", "--Dispatch:MessagesPerSecond=5000",
            "--Dispatch:MaxAttempts=0", "--Dispatch:RequestTimeout=00:01:00", "--Dispatch:SendingTimeout=00:02:00", "--Dispatch:Retries=3",
            "--Dispatch:PhoneNumberId=+55 11 4000-1234", "--Dispatch:AccessToken=EAAG secret with spaces",
        ]);

        Assert.Equal(2, result.ExitCode);
        foreach (var key in new[]
        {
            "Dispatch:Sender", "Dispatch:MaxConcurrency", "Dispatch:MessagesPerSecond", "Dispatch:MaxAttempts", "Dispatch:SendingTimeout", "Dispatch:Retries",
        })
        {
            Assert.Contains(key, result.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("secret", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    public async Task FlaggedShare_OutsideZeroToOne_StopsEveryJobAtStart_NamingTheKeyAndTheValue(string share)
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["run", "plan-messages", $"--Dispatch:FlaggedShare={share}"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Dispatch:FlaggedShare: '{share}'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheShippedSettings_AreValid_AndSendNothingAnywhere()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        File.Copy(Path.Combine(Data.SqlServerStatementTests.RepositoryRoot(), "appsettings.json"), Path.Combine(db.ContentRoot, "appsettings.json"));

        var result = await db.CliAsync(["dispatch", "status"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Envio ativo (remetente Log)", result.Output, StringComparison.Ordinal);
    }
}
