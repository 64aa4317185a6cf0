using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Webhook;

public static class WebhookSetup
{
    /// <summary>The <c>Webhook</c> options, the payload store, the inbox and the normaliser. The server itself is added only by the scheduler's host.</summary>
    public static IHostApplicationBuilder AddVinculoWebhook(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddVinculoOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<WebhookStore>());
        services.AddSingleton<WebhookInbox>();
        services.AddSingleton<WebhookNormalizer>();
        return builder;
    }

    /// <summary>
    /// Kestrel with the webhook and the health check, started with the host. Added before the scheduler, so that it
    /// starts first and stops last: the command line has migrated the schema before the host starts, and a POST that
    /// meets an unmigrated schema is answered 500, which Meta delivers again.
    /// </summary>
    public static IHostApplicationBuilder AddVinculoWebhookServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WebhookServer>();
        builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WebhookServer>());
        return builder;
    }
}
