using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Dispatch;

public static class DispatchSetup
{
    /// <summary>The <c>Dispatch</c> options, the senders, the shared throttle, the store and the <c>dispatch-messages</c> job.</summary>
    public static IHostApplicationBuilder AddVinculoDispatch(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddVinculoOptions<DispatchOptions, DispatchOptionsValidator>(DispatchOptions.Section);
        services.AddSingleton<DispatchStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<DispatchStore>());
        services.AddSingleton<DeliveryStatusStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<DeliveryStatusStore>());
        services.AddSingleton<ContentBreaker>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ContentBreaker>());
        services.AddSingleton<ContentStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ContentStore>());
        services.AddSingleton<SenderHealthStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<SenderHealthStore>());
        services.AddSingleton<SenderHealthApplier>();
        services.AddSingleton<SendThrottle>();
        services.AddSingleton<LogSender>();

        // No resilience handler, deliberately: Meta has no idempotency key, so the HTTP stack must never retry or hedge a
        // send; the dispatcher alone decides from the answer whether a message may be tried again. No request logging
        // either: the default handlers would log Meta's URLs, and nothing of a send belongs in the log but what
        // DispatchLog writes.
        services.AddHttpClient<WhatsAppCloudSender>((sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<DispatchOptions>>().Value.RequestTimeout;
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<DispatchOptions>>().Value;
                return WhatsAppCloudSender.Handler(TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, options.RequestTimeout.Ticks / 2)), options.MaxConcurrency);
            })
            .RemoveAllLoggers();

        services.AddTransient<IMessageSender>(sp => sp.GetRequiredService<IOptions<DispatchOptions>>().Value.Sender switch
        {
            SenderKind.WhatsAppCloud => sp.GetRequiredService<WhatsAppCloudSender>(),
            _ => sp.GetRequiredService<LogSender>(),
        });
        services.AddVinculoJob<DispatchMessagesJob>(
            DispatchMessagesJob.Key, DispatchMessagesJob.DefaultCron, "Envia as mensagens devidas pelo remetente configurado, uma vez cada, com nova checagem de consentimento antes de cada envio.");
        return builder;
    }
}
