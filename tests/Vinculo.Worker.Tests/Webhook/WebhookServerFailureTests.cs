using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Engines;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>The webhook when the database is not there for it: Meta is told to deliver again, the health check says so.</summary>
public sealed class WebhookServerFailureTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnUnreachableDatabase_Is500ForMeta_And503ForTheHealthCheck()
    {
        await using var db = await engine.CreateDatabaseAsync();
        // The database file would live under a regular file: it can never be opened.
        await File.WriteAllTextAsync(Path.Combine(db.ContentRoot, "blocker"), "");
        using var host = db.BuildHost(
            configureHost: b => b.AddVinculoWebhookServer(),
            extraArgs: [.. ServerSettings(), $"--Database:ConnectionString=Data Source={Path.Combine(db.ContentRoot, "blocker", "vinculo.db")}"]);
        await host.StartAsync().WaitAsync(Patience);
        var address = Assert.Single(host.Services.GetRequiredService<WebhookServer>().Addresses);
        using var client = new HttpClient { Timeout = Patience };

        using var post = await client.SendAsync(Post(address, FixtureBytes("webhook-message-text.json"), Signed["webhook-message-text.json"]));
        using var health = await client.GetAsync(new Uri(address, "/healthz"));

        Assert.Equal(HttpStatusCode.InternalServerError, post.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("""{"status":"unavailable"}""", await health.Content.ReadAsStringAsync());
        await host.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task APayloadThatCouldNotBeKept_IsKeptWhenMetaDeliversItAgain()
    {
        await using var db = await engine.CreateDatabaseAsync();
        // Not migrated yet: there is no webhook_payloads table.
        using var host = db.BuildHost(configureHost: b => b.AddVinculoWebhookServer(), extraArgs: ServerSettings());
        await host.StartAsync().WaitAsync(Patience);
        var address = Assert.Single(host.Services.GetRequiredService<WebhookServer>().Addresses);
        using var client = new HttpClient { Timeout = Patience };

        using var first = await client.SendAsync(Post(address, FixtureBytes("webhook-statuses.json"), Signed["webhook-statuses.json"]));
        await db.MigrateAsync();
        using var retry = await client.SendAsync(Post(address, FixtureBytes("webhook-statuses.json"), Signed["webhook-statuses.json"]));

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Single(await new WebhookKit(db).PayloadsAsync());
        await host.StopAsync().WaitAsync(Patience);
    }
}
