using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Reporting;

namespace Vinculo.Cli;

/// <summary>
/// <c>health</c>, for systemd timers, monitoring agents and container probes: exit code 0 and a line starting with
/// <c>ok</c> when every enabled job ran successfully within its period and dispatching is not halted; otherwise exit code 1
/// and one line per problem (<see cref="HealthCheck"/>), on standard output. A database that cannot be reached is exit code 1 too.
/// </summary>
internal static class HealthCommand
{
    public static Command Create(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var health = new Command(
            "health",
            "Sai com 0 quando todo job ligado executou com sucesso dentro do seu período e o envio não está suspenso; senão sai com 1 e uma linha por problema.");
        health.SetAction((_, ct) => VinculoCommandLine.Guard(context, () => RunAsync(configurationArgs, context, ct)));
        return health;
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var check = host.Services.GetRequiredService<HealthCheck>();
        var problems = await check.CheckAsync(host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        if (problems.Count == 0)
        {
            await context.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"ok: {check.CheckedJobs.Count} job(s) em dia; envio ativo."));
            return VinculoCommandLine.Success;
        }

        foreach (var problem in problems)
        {
            await context.Output.WriteLineAsync(problem.Message);
        }

        return VinculoCommandLine.JobFailed;
    }
}
