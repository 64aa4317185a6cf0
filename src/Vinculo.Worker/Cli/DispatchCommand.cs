using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Dispatch;
using Vinculo.Planning;

namespace Vinculo.Cli;

/// <summary>
/// <c>dispatch status</c> shows whether dispatching is halted and what waits in the queue; <c>dispatch resume</c> lifts a
/// halt once a person has fixed its cause (a new token, an appeal won). Exit codes: status 0 when dispatching runs, 1 when
/// halted; resume 0.
/// </summary>
internal static class DispatchCommand
{
    public static Command Create(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var status = new Command("status", "Mostra se o envio está suspenso (e por quê) e o que espera na fila.");
        status.SetAction((_, ct) => VinculoCommandLine.Guard(context, () => StatusAsync(configurationArgs, context, ct)));
        var resume = new Command(
            "resume",
            "Retoma o envio suspenso por um erro da Meta (token expirado, conta restrita, taxa de spam). Use depois de corrigir a causa.");
        resume.SetAction((_, ct) => VinculoCommandLine.Guard(context, () => ResumeAsync(configurationArgs, context, ct)));
        return new Command("dispatch", "Estado do envio de mensagens: status, resume.") { status, resume };
    }

    private static async Task<int> StatusAsync(IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var store = host.Services.GetRequiredService<DispatchStore>();
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var options = host.Services.GetRequiredService<IOptions<DispatchOptions>>().Value;
        var limit = host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.DailyLimit;
        var halt = await store.OpenHaltAsync(ct);
        var queue = await store.SummariseQueueAsync(now, ct);
        var recipients = await store.CountRecipientsSinceAsync(now.AddHours(-24), ct);
        var number = await host.Services.GetRequiredService<SenderHealthStore>().StateAsync(ct);
        var effective = number.EffectiveDailyLimit(limit, options.FlaggedShare);

        var output = context.Output;
        if (halt is null)
        {
            await output.WriteLineAsync($"Envio ativo (remetente {options.Sender}).");
        }
        else
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Envio SUSPENSO desde {halt.HaltedAt:yyyy-MM-dd HH:mm:ss} UTC (nó {halt.Node ?? "?"}, mensagem {halt.MessageId?.ToString(CultureInfo.InvariantCulture) ?? "-"}): {halt.Reason}"));
            await output.WriteLineAsync("Nada é enviado até alguém corrigir a causa e executar 'vinculo dispatch resume'. As mensagens continuam na fila.");
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Fila: {queue.Due ?? 0} devida(s) agora, {queue.Later ?? 0} para mais tarde, {queue.Sending ?? 0} em envio."));
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Últimas 24 horas: {recipients} número(s) receberam mensagem; limite diário {effective} ({Limit(limit, number, options.FlaggedShare)})."));
        return halt is null ? VinculoCommandLine.Success : VinculoCommandLine.JobFailed;
    }

    private static async Task<int> ResumeAsync(IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var store = host.Services.GetRequiredService<DispatchStore>();
        var by = $"{Environment.UserName}@{Environment.MachineName}";
        var lifted = await store.ResumeAsync(by, host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        if (lifted == 0)
        {
            await context.Output.WriteLineAsync("O envio não estava suspenso; nada a fazer.");
            return VinculoCommandLine.Success;
        }

        DispatchLog.Resumed(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vinculo.Dispatch"), by, lifted);
        await context.Output.WriteLineAsync("Envio retomado: as mensagens na fila voltam a sair na próxima execução de dispatch-messages (a cada minuto).");
        return VinculoCommandLine.Success;
    }

    /// <summary>Where the day's limit comes from: the setting, Meta's tier, the flag.</summary>
    internal static string Limit(int configured, SenderState number, double flaggedShare)
    {
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"Messaging:DailyLimit {configured}") };
        if (number.Tier is { } tier)
        {
            parts.Add("nível da Meta " + tier);
        }

        if (number.Flagged)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"número sinalizado pela Meta: {flaggedShare:0.##} do limite (Dispatch:FlaggedShare)"));
        }

        return string.Join("; ", parts);
    }
}
