using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Consent;

public static class ConsentSetup
{
    /// <summary>The <c>Consent</c> and <c>Retention</c> options, the consent ledger, erasure, and the jobs <c>expire-consents</c>, <c>process-inbound</c> and <c>retention</c>.</summary>
    public static IHostApplicationBuilder AddVinculoConsent(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddVinculoOptions<ConsentOptions, ConsentOptionsValidator>(ConsentOptions.Section);
        services.AddVinculoOptions<RetentionOptions, RetentionOptionsValidator>(RetentionOptions.Section);
        services.AddSingleton<ConsentLedger>();
        services.AddSingleton<ConsentExpiryStore>();
        services.AddSingleton<InboundStore>();
        services.AddSingleton<ErasureStore>();
        services.AddSingleton<PersonEraser>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ConsentLedger>());
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ConsentExpiryStore>());
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<InboundStore>());
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ErasureStore>());
        services.AddVinculoJob<ExpireConsentsJob>(
            ExpireConsentsJob.Key, ExpireConsentsJob.DefaultCron, "Expira consentimentos vencidos ou parados há Consent:MaxIdleDays dias.");
        services.AddVinculoJob<ProcessInboundJob>(
            ProcessInboundJob.Key, ProcessInboundJob.DefaultCron, "Aplica mensagens recebidas: descadastros (SAIR), aceites e interações; e os avisos da Meta sobre o número (qualidade, nível, modelos, conta).");
        services.AddVinculoJob<RetentionJob>(
            RetentionJob.Key, RetentionJob.DefaultCron, "Executa pedidos de exclusão de dados (LGPD) e a política de retenção.");
        return builder;
    }
}
