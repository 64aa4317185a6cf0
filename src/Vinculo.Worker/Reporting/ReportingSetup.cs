using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinculo.Data;

namespace Vinculo.Reporting;

public static class ReportingSetup
{
    /// <summary>What <c>report</c> and <c>health</c> read with: the store, the report builder and the health check.</summary>
    /// <remarks>Adding it twice adds nothing the second time.</remarks>
    public static IHostApplicationBuilder AddVinculoReporting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ReportStore)))
        {
            return builder;
        }

        services.AddSingleton<ReportStore>();
        services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<ReportStore>());
        services.AddSingleton<ReportBuilder>();
        services.AddSingleton<HealthCheck>();
        return builder;
    }
}
