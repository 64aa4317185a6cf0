using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Import;

public static class ImportSetup
{
    /// <summary>The <c>Import</c> options, the import store and processor, and the <c>import-chats</c> job.</summary>
    public static IHostApplicationBuilder AddVinculoImport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddVinculoOptions<ImportOptions, ImportOptionsValidator>(ImportOptions.Section);
        builder.Services.AddSingleton<ImportStore>();
        builder.Services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ImportStore>());
        builder.Services.AddSingleton<InboxProcessor>();
        builder.Services.AddVinculoJob<ImportChatsJob>(
            ImportChatsJob.Key, ImportChatsJob.DefaultCron, "Importa as conversas do WhatsApp, planilhas de contatos e listas de supressão deixadas na pasta de entrada.");
        return builder;
    }
}
