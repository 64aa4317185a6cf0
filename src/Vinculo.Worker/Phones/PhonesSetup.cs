using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Phones;

public static class PhonesSetup
{
    /// <summary>The <c>Phones</c> options, the phone store and the <c>revalidate-phones</c> job.</summary>
    public static IHostApplicationBuilder AddVinculoPhones(this IHostApplicationBuilder builder)
    {
        builder.Services.AddVinculoOptions<PhonesOptions, PhonesOptionsValidator>(PhonesOptions.Section);
        // One classifier for the process, from the validated settings: it holds compiled patterns and is thread-safe.
        builder.Services.AddSingleton(sp => new PhoneClassifier(sp.GetRequiredService<IOptions<PhonesOptions>>().Value.ClassifierOptions));
        builder.Services.AddSingleton<PhoneStore>();
        builder.Services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<PhoneStore>());
        builder.Services.AddVinculoJob<RevalidatePhonesJob>(
            RevalidatePhonesJob.Key, RevalidatePhonesJob.DefaultCron, "Normaliza, classifica e deduplica os telefones que precisam de verificação.");
        return builder;
    }
}
