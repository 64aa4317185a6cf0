using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinculo.Engines;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>The <c>Webhook</c> section: mistakes stop the worker with exit code 2 and name each key; a secret is never echoed.</summary>
public sealed class WebhookSettingsTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [Fact]
    public async Task EnabledWithoutItsSecrets_ExitsWithTwo_NamingBothKeys()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["--Webhook:Enabled=true"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Webhook:VerifyToken", result.Error, StringComparison.Ordinal);
        Assert.Contains("Webhook:AppSecret", result.Error, StringComparison.Ordinal);
        Assert.Contains("VINCULO_Webhook__AppSecret", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryMistake_IsReported_AndNoSecretIsEchoed()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(
        [
            "--Webhook:Enabled=true", "--Webhook:Urls=127.0.0.1:5080;http://127.0.0.1:5081/hook", "--Webhook:Path=webhook",
            "--Webhook:MaxBodyBytes=100", "--Webhook:VerifyToken=my-verify-token-1", "--Webhook:AppSecret=abc secret 123", "--Webhook:Secret=x",
        ]);

        Assert.Equal(2, result.ExitCode);
        foreach (var fragment in new[]
        {
            "Webhook:Urls: '127.0.0.1:5080'", "Webhook:Urls: 'http://127.0.0.1:5081/hook'", "Webhook:Path: 'webhook'", "Webhook:MaxBodyBytes: '100'",
            "Webhook:AppSecret:", "Webhook:Secret:",
        })
        {
            Assert.Contains(fragment, result.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("abc secret 123", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("my-verify-token-1", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortAlreadyTaken_ExitsWithTwo_NamingWebhookUrls_BeforeAnyJobRuns()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await db.CliAsync([.. ServerSettings(), $"--Webhook:Urls=http://127.0.0.1:{port}"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Webhook:Urls: não foi possível escutar em http://127.0.0.1:{port}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Scheduler starting", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheShippedSettings_KeepTheWebhookOff_WithItsDefaults()
    {
        await using var db = await engine.CreateDatabaseAsync();
        File.Copy(Path.Combine(Data.SqlServerStatementTests.RepositoryRoot(), "appsettings.json"), Path.Combine(db.ContentRoot, "appsettings.json"));

        using var host = db.BuildSchedulerHost();

        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal((false, "http://127.0.0.1:5080", "/webhook", 1048576, (string?)null, (string?)null), (options.Enabled, options.Urls, options.Path, options.MaxBodyBytes, options.VerifyToken, options.AppSecret));
        Assert.Empty(host.Services.GetServices<IHostedService>().OfType<WebhookServer>());
    }
}
