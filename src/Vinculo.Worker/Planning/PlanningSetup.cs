using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Planning;

public static class PlanningSetup
{
    /// <summary>The <c>Messaging</c> options, the planner's store and the <c>plan-messages</c> job.</summary>
    public static IHostApplicationBuilder AddVinculoPlanning(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddVinculoOptions<MessagingOptions, MessagingOptionsValidator>(MessagingOptions.Section);
        services.AddSingleton<PlanStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<PlanStore>());
        services.AddVinculoJob<PlanMessagesJob>(
            PlanMessagesJob.Key, PlanMessagesJob.DefaultCron, "Planeja as mensagens do próximo dia de envio: uma por pessoa, relevante, no horário dela e dentro do limite de frequência.");
        return builder;
    }
}
