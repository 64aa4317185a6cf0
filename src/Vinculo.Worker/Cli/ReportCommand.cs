using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Reporting;

namespace Vinculo.Cli;

/// <summary>
/// <c>report [--json]</c>: the state of the base (phones, consent, suppression, the plan, messages, contents, halts, jobs) as
/// tables on a terminal, plain text when the output is redirected, or the JSON documented on <see cref="VinculoReport"/>.
/// Exit code 0.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var json = new Option<bool>("--json") { Description = "Escreve o relatório em JSON (esquema estável, chaves em snake_case)." };
        var report = new Command(
            "report",
            "Mostra o estado da base: telefones, funil de consentimento, supressão, o plano dos próximos dias, envios e descadastros por conteúdo, suspensões e as últimas execuções dos jobs.")
        { json };
        report.SetAction((parse, ct) => VinculoCommandLine.Guard(context, () => RunAsync(parse.GetValue(json), configurationArgs, context, ct)));
        return report;
    }

    private static async Task<int> RunAsync(bool json, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(now, ct);
        ReportRenderer.Write(report, context.Output, ReportRenderer.ChooseFormat(context.Output, json));
        return VinculoCommandLine.Success;
    }
}
