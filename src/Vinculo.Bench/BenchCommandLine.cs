using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Vinculo.Cli;

namespace Vinculo.Bench;

/// <summary>
/// The command line of <c>vinculo-bench</c>: the end-to-end measurements, each on a synthetic base in a scratch database of
/// the configured engine. It reads the same settings as <c>vinculo</c> (<c>appsettings.json</c>, <c>--config</c>,
/// <c>--data</c>, <c>--Section:Key=value</c> overrides) and has the same exit codes.
/// </summary>
public static class BenchCommandLine
{
    public static Task<int> InvokeAsync(string[] args) =>
        InvokeAsync(args, new CommandLineContext(Console.Out, Console.Error));

    public static Task<int> InvokeAsync(IReadOnlyList<string> args, CommandLineContext context) =>
        VinculoCommandLine.InvokeAsync(args, context, BuildCommand);

    private static RootCommand BuildCommand(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var contactsOption = new Option<int>("--contacts")
        {
            Description = "Quantos contatos sintéticos gerar (padrão 100000).",
            DefaultValueFactory = _ => 100_000,
        };
        contactsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 50_000_000)
            {
                result.AddError("--contacts: use um número entre 1 e 50000000.");
            }
        });
        var consentsOption = new Option<int?>("--consents")
        {
            Description = "Em vez dos telefones, mede o expire-consents sobre esta quantidade de consentimentos sintéticos.",
        };
        consentsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 50_000_000)
            {
                result.AddError("--consents: use um número entre 1 e 50000000.");
            }
        });
        var importLinesOption = new Option<int?>("--import-lines")
        {
            Description = "Em vez dos telefones, mede a importação de uma conversa sintética com este número de linhas (ex.: 1000000).",
        };
        importLinesOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 100_000_000)
            {
                result.AddError("--import-lines: use um número entre 1 e 100000000.");
            }
        });
        var importContactsOption = new Option<int?>("--import-contacts")
        {
            Description = "Em vez dos telefones, mede a importação de um CSV de contatos com esta quantidade de linhas (e a do mês seguinte por cima).",
        };
        importContactsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && (value < 1 || value > 20_000_000))
            {
                result.AddError("--import-contacts: use um número entre 1 e 20000000.");
            }
        });
        var planOption = new Option<int?>("--plan")
        {
            Description = "Em vez dos telefones, mede o plan-messages sobre esta quantidade de contatos sintéticos com histórico e 20 conteúdos.",
        };
        planOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 50_000_000)
            {
                result.AddError("--plan: use um número entre 1 e 50000000.");
            }
        });
        var dispatchOption = new Option<int?>("--dispatch")
        {
            Description = "Em vez dos telefones, mede o dispatch-messages: esta quantidade de mensagens devidas, enviadas a uma API local que imita a da Meta.",
        };
        dispatchOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 10_000_000)
            {
                result.AddError("--dispatch: use um número entre 1 e 10000000.");
            }
        });
        var latencyOption = new Option<int>("--latency")
        {
            Description = "Com --dispatch: quanto a API local demora para responder, em milissegundos (padrão 150).",
            DefaultValueFactory = _ => 150,
        };
        latencyOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 10_000)
            {
                result.AddError("--latency: use um número entre 0 e 10000 (milissegundos).");
            }
        });
        var rateOption = new Option<double?>("--rate") { Description = "Com --dispatch: Dispatch:MessagesPerSecond (padrão: sem limite prático, 1000)." };
        rateOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is < 0.1 or > 1000)
            {
                result.AddError("--rate: use um número entre 0.1 e 1000.");
            }
        });
        var concurrencyOption = new Option<int?>("--concurrency") { Description = "Com --dispatch: Dispatch:MaxConcurrency (padrão: o bastante para a taxa e a latência)." };
        concurrencyOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 256)
            {
                result.AddError("--concurrency: use um número entre 1 e 256.");
            }
        });
        var inboundOption = new Option<int?>("--inbound")
        {
            Description = "Em vez dos telefones, mede o process-inbound: esta quantidade de mensagens recebidas e o dobro de status de entrega.",
        };
        inboundOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 10_000_000)
            {
                result.AddError("--inbound: use um número entre 1 e 10000000.");
            }
        });
        var webhookOption = new Option<int?>("--webhook")
        {
            Description = "Em vez dos telefones, mede o webhook: esta quantidade de POSTs assinados, com o process-inbound rodando ao mesmo tempo.",
        };
        webhookOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 10_000_000)
            {
                result.AddError("--webhook: use um número entre 1 e 10000000.");
            }
        });
        var nightOption = new Option<int?>("--night")
        {
            Description = "Em vez dos telefones, mede uma noite inteira (revalidate-phones, expire-consents, plan-messages, o envio do dia e as respostas) sobre esta quantidade de contatos com histórico.",
        };
        nightOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 50_000_000)
            {
                result.AddError("--night: use um número entre 1 e 50000000.");
            }
        });
        var historyYearsOption = new Option<int>("--history-years")
        {
            Description = "Com --night: quantos anos de histórico cada base tem (padrão 3).",
            DefaultValueFactory = _ => 3,
        };
        historyYearsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 20)
            {
                result.AddError("--history-years: use um número entre 1 e 20.");
            }
        });
        var keepOption = new Option<bool>("--keep")
        {
            Description = "Com --night ou --contacts: mantém o banco descartável ao fim (para examinar os planos das consultas); o nome é mostrado na primeira linha.",
        };
        var baseOption = new Option<string?>("--base")
        {
            Description = "Com --night: uma base preparada que fica entre execuções (gerada, classificada e editada na primeira vez, com este nome, " +
                "ao lado do banco configurado); a noite roda sobre uma cópia dela. Só SQLite e PostgreSQL.",
        };
        baseOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && !System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z][a-z0-9_]{0,62}$"))
            {
                result.AddError("--base: use letras minúsculas, dígitos e _ (até 63, começando por uma letra).");
            }
        });
        var erasureOption = new Option<int?>("--erasure")
        {
            Description = "Em vez dos telefones, mede esta quantidade de pedidos de exclusão (LGPD) numa base de um milhão de contatos.",
        };
        erasureOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 50_000)
            {
                result.AddError("--erasure: use um número entre 1 e 50000.");
            }
        });
        var root = new RootCommand(
            "vinculo-bench: mede a revalidação de telefones (ou, com --consents, a expiração de consentimentos; com --import-lines, a importação de conversas; com --import-contacts, a de um CSV de contatos; com --plan, o planejamento de mensagens) numa base sintética, em um banco descartável do mesmo motor (a base configurada não é tocada).")
        {
            contactsOption, consentsOption, importLinesOption, importContactsOption, planOption, dispatchOption, latencyOption, rateOption, concurrencyOption, inboundOption, webhookOption,
            nightOption, historyYearsOption, baseOption, keepOption, erasureOption,
        };
        VinculoCommandLine.AddLocationOptions(root);
        root.SetAction((parse, ct) => VinculoCommandLine.Guard(context, () => (parse.GetValue(dispatchOption), parse.GetValue(inboundOption), parse.GetValue(webhookOption)) switch
        {
            _ when parse.GetValue(erasureOption) is { } erasures => ScratchBenchAsync(
                configurationArgs, context, (services, hostFor, output) => ErasureBenchmark.RunAsync(services, hostFor, erasures, output, ct)),
            _ when parse.GetValue(nightOption) is { } night => ScratchBenchAsync(
                configurationArgs, context, (services, hostFor, output) => NightBenchmark.RunAsync(
                    services, hostFor, night, parse.GetValue(historyYearsOption), parse.GetValue(baseOption), parse.GetValue(keepOption), output, ct)),
            (null, null, { } posts) => ScratchBenchAsync(configurationArgs, context, (services, hostFor, output) => WebhookBenchmark.RunAsync(services, hostFor, posts, output, ct)),
            ({ } dispatch, _, _) => ScratchBenchAsync(configurationArgs, context, (services, hostFor, output) => DispatchBenchmark.RunAsync(
                services, hostFor, dispatch, parse.GetValue(latencyOption), parse.GetValue(rateOption), parse.GetValue(concurrencyOption), output, ct)),
            (_, { } inbound, _) => ScratchBenchAsync(configurationArgs, context, (services, hostFor, output) => InboundBenchmark.RunAsync(services, hostFor, inbound, output, ct)),
            _ => BenchAsync(
                parse.GetValue(contactsOption), parse.GetValue(consentsOption), parse.GetValue(importLinesOption), parse.GetValue(importContactsOption), parse.GetValue(planOption),
                parse.GetValue(keepOption), configurationArgs, context, ct),
        }));
        return root;
    }

    private static async Task<int> BenchAsync(
        int contacts, int? consents, int? importLines, int? importContacts, int? plan, bool keep, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        await using var progress = VinculoCommandLine.ProgressFor(context);
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        progress.Start(host.Services);
        var scratchHosts = new List<IHost>();
        try
        {
            IServiceProvider ScratchHost(string scratch)
            {
                var scratchHost = VinculoCommandLine.BuildHost([.. configurationArgs, $"--Database:ConnectionString={scratch}"], context, TimeProvider.System);
                scratchHosts.Add(scratchHost);
                return scratchHost.Services;
            }

            var output = progress.Output;
            if (plan is { } people)
            {
                return await PlanBenchmark.RunAsync(host.Services, ScratchHost, people, output, ct);
            }

            if (importContacts is { } csvRows)
            {
                return await ContactImportBenchmark.RunAsync(host.Services, ScratchHost, csvRows, output, ct);
            }

            return consents is { } count
                ? await ConsentBenchmark.RunAsync(host.Services, ScratchHost, count, output, ct)
                : importLines is { } lines
                    ? await ImportBenchmark.RunAsync(host.Services, ScratchHost, lines, output, ct)
                    : await PhoneBenchmark.RunAsync(host.Services, ScratchHost, contacts, keep, output, ct);
        }
        finally
        {
            scratchHosts.ForEach(h => h.Dispose());
        }
    }

    /// <summary>Runs a benchmark that builds hosts on scratch databases with settings and a clock of its own.</summary>
    private static async Task<int> ScratchBenchAsync(
        IReadOnlyList<string> configurationArgs, CommandLineContext context,
        Func<IServiceProvider, Func<string, IReadOnlyList<string>, TimeProvider, IServiceProvider>, TextWriter, Task<int>> benchmark)
    {
        await using var progress = VinculoCommandLine.ProgressFor(context);
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        progress.Start(host.Services);
        var scratchHosts = new List<IHost>();
        try
        {
            IServiceProvider ScratchHost(string scratch, IReadOnlyList<string> settings, TimeProvider clock)
            {
                var scratchHost = VinculoCommandLine.BuildHost([.. configurationArgs, $"--Database:ConnectionString={scratch}", .. settings], context, clock);
                scratchHosts.Add(scratchHost);
                return scratchHost.Services;
            }

            return await benchmark(host.Services, ScratchHost, progress.Output);
        }
        finally
        {
            scratchHosts.ForEach(h => h.Dispose());
        }
    }
}
