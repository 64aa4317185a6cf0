using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Dispatch;
using Vinculo.Hosting;
using Vinculo.Reporting;

namespace Vinculo.Cli;

/// <summary>
/// <c>content list</c>: what Meta last said about the number (quality, tier, the day's limit, the templates it paused), then
/// every content with its state and its send and opt-out figures. <c>content resume &lt;id&gt;</c>:
/// lifts a pause (the circuit breaker's, a refused template's, or one set by hand). Exit codes: 0, or 2 for no such content.
/// </summary>
internal static class ContentCommand
{
    public static Command Create(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var list = new Command("list", "Lista os conteúdos com estado, envios e descadastros.");
        list.SetAction((_, ct) => VinculoCommandLine.Guard(context, () => ListAsync(configurationArgs, context, ct)));
        var id = new Argument<long>("id") { Description = "O content_id do conteúdo." };
        var resume = new Command("resume", "Retoma um conteúdo pausado (pelo disjuntor de descadastros, por template recusado ou pausado pela Meta, ou à mão).") { id };
        resume.SetAction((parse, ct) => VinculoCommandLine.Guard(context, () => ResumeAsync(parse.GetValue(id), configurationArgs, context, ct)));
        return new Command("content", "Conteúdos: list, resume.") { list, resume };
    }

    private static async Task<int> ListAsync(IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var contents = await host.Services.GetRequiredService<ContentStore>().ListAsync(host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        var sender = await host.Services.GetRequiredService<ReportBuilder>().SenderHealthAsync(ct);
        var zone = host.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value.TimeZoneInfo;
        foreach (var note in ReportRenderer.SenderNotes(sender, zone))
        {
            await context.Output.WriteLineAsync(note);
        }

        foreach (var template in sender.PausedTemplates)
        {
            await context.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Modelo {template.TemplateName} ({template.TemplateLanguage}) pausado pela Meta desde {template.PausedAt:yyyy-MM-dd HH:mm} UTC (conteúdo {template.ContentId}): {template.PausedReason}"));
        }

        await context.Output.WriteLineAsync();
        if (contents.Count == 0)
        {
            await context.Output.WriteLineAsync("Nenhum conteúdo cadastrado (tabela contents).");
            return VinculoCommandLine.Success;
        }

        await context.Output.WriteLineAsync($"{"id",6}  {"nome",-28} {"template",-22} {"fila",6} {"enviadas",9} {"lidas",7} {"24 h",6} {"descad.",8}  estado");
        foreach (var c in contents)
        {
            var state = c.PausedAt is { } paused
                ? string.Create(CultureInfo.InvariantCulture, $"PAUSADO desde {paused:yyyy-MM-dd HH:mm} UTC: {c.PausedReason}")
                : c.Active ? "ativo" : "inativo";
            var rate = c.Sent == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ({(double)c.OptedOut / c.Sent:P1})");
            await context.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{c.ContentId,6}  {Cut(c.Name, 28),-28} {Cut(c.TemplateName ?? "-", 22),-22} {c.Queued,6} {c.Sent,9} {c.ReadCount,7} {c.Sent24h,6} {c.OptedOut,8}{rate}  {state}"));
        }

        return VinculoCommandLine.Success;
    }

    private static async Task<int> ResumeAsync(long id, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var resumed = await host.Services.GetRequiredService<ContentStore>().ResumeAsync(id, host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        switch (resumed)
        {
            case null:
                await context.Error.WriteLineAsync($"Conteúdo {id} não existe (veja 'vinculo content list').");
                return VinculoCommandLine.BadUsage;
            case false:
                await context.Output.WriteLineAsync($"O conteúdo {id} não estava pausado; nada a fazer.");
                return VinculoCommandLine.Success;
        }

        DispatchLog.ContentResumed(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vinculo.Dispatch"), id, $"{Environment.UserName}@{Environment.MachineName}");
        await context.Output.WriteLineAsync(
            $"Conteúdo {id} retomado: volta a ser planejado a partir da próxima noite; o disjuntor conta só o que for enviado de agora em diante.");
        return VinculoCommandLine.Success;
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
