using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vinculo.Webhook;

/// <summary>
/// Kestrel inside the worker, for as long as the scheduler runs (<c>Webhook:Enabled</c>): Meta's webhook on
/// <c>Webhook:Path</c> and <c>GET /healthz</c>, bound to <c>Webhook:Urls</c>. It shares the worker's database, clock,
/// settings and logging; nothing else of ASP.NET Core (no configuration files, no console lifetime of its own, no
/// request logging, which would write the verify token of the handshake's query string).
/// </summary>
public sealed class WebhookServer(
    IOptions<WebhookOptions> options, WebhookInbox inbox, WebhookStore store, ILoggerFactory loggerFactory, ILogger<WebhookServer> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>The addresses actually bound once started (with the real port when <c>Webhook:Urls</c> asked for port 0).</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Vinculo.Webhook" });
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxBodyBytes;
        });
        builder.WebHost.UseUrls([.. settings.UrlList]);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(inbox);
        builder.Services.AddSingleton(store);
        builder.Logging.AddProvider(new WorkerLoggerProvider(loggerFactory));
        // ASP.NET Core's own lines below Warning would include request URLs, and the handshake's carries the verify token.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Its "Now listening on" would repeat the worker's own line.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var web = builder.Build();
        web.MapWhatsAppWebhooks(settings.Path);
        web.MapDatabaseHealthCheck(WebhookOptions.HealthPath);
        try
        {
            await web.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            await web.DisposeAsync();
            // A setting that cannot work here: reported as configuration (exit code 2), naming the key.
            throw new OptionsValidationException(
                WebhookOptions.Section,
                typeof(WebhookOptions),
                [$"Webhook:Urls: não foi possível escutar em {string.Join(", ", settings.UrlList)} ({e.Message.Split('\n')[0].Trim()}).{HttpsHint(settings)}"]);
        }

        app = web;
        var bound = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        Addresses = [.. bound.Select(a => new Uri(a))];
        WebhookLog.Listening(logger, string.Join(", ", bound), settings.Path, WebhookOptions.HealthPath);
    }

    private static string HttpsHint(WebhookOptions settings) =>
        settings.UrlList.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            ? $" Para HTTPS, termine o TLS num proxy reverso (nginx, Caddy) na frente de {WebhookOptions.DefaultUrls}."
            : "";

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>The worker's host owns Ctrl+C and SIGTERM; the embedded server only starts and stops with it.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Hands the embedded server's log lines to the worker's loggers (its console or JSON output, its levels).</summary>
    private sealed class WorkerLoggerProvider(ILoggerFactory worker) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => worker.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
