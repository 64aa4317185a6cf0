using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Cli;

/// <summary>
/// The command line of SPEC section 9. Exit codes: 0 success, 1 a job failed (or the database could
/// not be reached), 2 bad usage or configuration. Configuration overrides (<c>--Section:Key=value</c>),
/// <c>--config &lt;file&gt;</c> and <c>--data &lt;folder&gt;</c> may stand anywhere among the arguments.
/// </summary>
public static class VinculoCommandLine
{
    public const int Success = 0;
    public const int JobFailed = 1;
    public const int BadUsage = 2;

    /// <summary>The settings file to read instead of <c>appsettings.json</c>.</summary>
    public const string ConfigOption = "--config";

    /// <summary>The folder every relative path resolves against (see <see cref="VinculoPaths"/>).</summary>
    public const string DataOption = "--data";

    public static Task<int> InvokeAsync(string[] args) =>
        InvokeAsync(args, new CommandLineContext(Console.Out, Console.Error));

    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, CommandLineContext context)
    {
        var (rest, settingsFile, dataFolder, problem) = TakeLocationOptions(args);
        if (problem is not null)
        {
            await context.Error.WriteLineAsync(problem);
            return BadUsage;
        }

        VinculoPaths paths;
        try
        {
            paths = VinculoPaths.Locate(settingsFile, dataFolder, context.ContentRoot);
        }
        catch (ConfigurationException e)
        {
            await context.Error.WriteLineAsync(e.Message);
            return BadUsage;
        }

        try
        {
            return await ParseAndInvokeAsync(rest, context with { Paths = paths });
        }
        catch (InvalidDataException e)
        {
            // A settings file that is not valid JSON, found before any verb runs.
            await context.Error.WriteLineAsync($"Configuração inválida: {paths.SettingsFile ?? VinculoPaths.SettingsFileName} não pôde ser lido ({e.InnerException?.Message ?? e.Message}).");
            return BadUsage;
        }
    }

    private static async Task<int> ParseAndInvokeAsync(IReadOnlyList<string> args, CommandLineContext context)
    {
        var (verbArgs, configurationArgs) = SplitConfigurationOverrides(args);
        var jobs = RegisteredJobs(context);
        var root = BuildCommands(configurationArgs, jobs, context);
        var parse = root.Parse(verbArgs);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync(error.Message);
            }

            await context.Error.WriteLineAsync($"Verbos válidos: {string.Join(", ", root.Subcommands.Select(c => c.Name))}. Use --help para ver o uso.");
            return BadUsage;
        }

        return await parse.InvokeAsync(
            new InvocationConfiguration
            {
                Output = context.Output,
                Error = context.Error,
                // Ctrl+C and SIGTERM cancel the verb's token (a job then records itself as interrupted; the
                // scheduler stops gracefully); the process is only forced out after the longest possible grace.
                ProcessTerminationTimeout = TimeSpan.FromMinutes(31),
                EnableDefaultExceptionHandler = false,
            },
            context.CancellationToken);
    }

    private static RootCommand BuildCommands(IReadOnlyList<string> configurationArgs, IReadOnlyList<JobDefinition> jobs, CommandLineContext context)
    {
        var nowOption = new Option<DateTimeOffset?>("--now")
        {
            Description = "Executa como se fosse este instante (ISO-8601 com fuso, ex.: 2026-11-23T06:00:00Z).",
            CustomParser = result => ParseInstant(result.Tokens.Single().Value, out var instant, out var problem)
                ? instant
                : Fail(result, problem),
        };

        var root = new RootCommand(
            "Vinculo: mantém saudável e dentro da LGPD a base de contatos de WhatsApp de um pequeno negócio. " +
            "Sem verbo, executa o agendador até ser interrompido (Ctrl+C ou SIGTERM).");
        root.SetAction((_, ct) => Guard(context, () => RunSchedulerAsync(configurationArgs, context, ct)));
        // Taken out of the arguments before parsing (TakeLocationOptions); declared here so that --help shows them.
        root.Options.Add(new Option<string>(ConfigOption)
        {
            Description = "Arquivo de configuração (padrão: appsettings.json na pasta atual, senão ao lado do executável).",
            HelpName = "arquivo",
            Recursive = true,
        });
        root.Options.Add(new Option<string>(DataOption)
        {
            Description = $"Pasta de dados: caminhos relativos (banco SQLite, entrada, saída) partem dela (padrão: {VinculoPaths.DataVariable}, senão a pasta do arquivo de configuração).",
            HelpName = "pasta",
            Recursive = true,
        });

        var migrate = new Command("migrate", "Cria ou atualiza o esquema do banco de dados.");
        migrate.SetAction((_, ct) => Guard(context, () => MigrateAsync(configurationArgs, context, ct)));
        root.Add(migrate);

        var jobKey = new Argument<string>("job") { Description = "Chave do job: " + JobList(jobs) };
        var run = new Command("run", "Executa um job uma vez, agora (ou como se fosse --now), e sai.") { jobKey, nowOption };
        run.SetAction((parse, ct) => Guard(context, () => RunJobAsync(parse.GetValue(jobKey)!, parse.GetValue(nowOption), jobs, configurationArgs, context, ct)));
        root.Add(run);

        var sweep = new Command("sweep", "Executa uma vez a sequência noturna: " + string.Join(", ", JobCatalog.NightlySequence) + ".") { nowOption };
        sweep.SetAction((parse, ct) => Guard(context, () => SweepAsync(parse.GetValue(nowOption), jobs, configurationArgs, context, ct)));
        root.Add(sweep);

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
        var bench = new Command(
            "bench",
            "Mede a revalidação de telefones (ou, com --consents, a expiração de consentimentos; com --import-lines, a importação de conversas; com --plan, o planejamento de mensagens) numa base sintética, em um banco descartável do mesmo motor (a base configurada não é tocada).")
        {
            contactsOption, consentsOption, importLinesOption, planOption, dispatchOption, latencyOption, rateOption, concurrencyOption, inboundOption, webhookOption,
            nightOption, historyYearsOption, erasureOption,
        };
        bench.SetAction((parse, ct) => Guard(context, () => (parse.GetValue(dispatchOption), parse.GetValue(inboundOption), parse.GetValue(webhookOption)) switch
        {
            _ when parse.GetValue(erasureOption) is { } erasures => ScratchBenchAsync(
                configurationArgs, context, (services, hostFor, output) => Bench.ErasureBenchmark.RunAsync(services, hostFor, erasures, output, ct)),
            _ when parse.GetValue(nightOption) is { } night => ScratchBenchAsync(
                configurationArgs, context, (services, hostFor, output) => Bench.NightBenchmark.RunAsync(services, hostFor, night, parse.GetValue(historyYearsOption), output, ct)),
            (null, null, { } posts) => ScratchBenchAsync(configurationArgs, context, (services, hostFor, output) => Bench.WebhookBenchmark.RunAsync(services, hostFor, posts, output, ct)),
            ({ } dispatch, _, _) => ScratchBenchAsync(configurationArgs, context, (services, hostFor, output) => Bench.DispatchBenchmark.RunAsync(
                services, hostFor, dispatch, parse.GetValue(latencyOption), parse.GetValue(rateOption), parse.GetValue(concurrencyOption), output, ct)),
            (_, { } inbound, _) => ScratchBenchAsync(configurationArgs, context, (services, hostFor, output) => Bench.InboundBenchmark.RunAsync(services, hostFor, inbound, output, ct)),
            _ => BenchAsync(parse.GetValue(contactsOption), parse.GetValue(consentsOption), parse.GetValue(importLinesOption), parse.GetValue(planOption), configurationArgs, context, ct),
        }));
        root.Add(bench);

        var phoneOption = new Option<string>("--phone")
        {
            Description = "O número da pessoa, em qualquer formato (ex.: \"(11) 98765-4321\" ou +5511987654321).",
            Required = true,
        };
        var erase = new Command(
            "erase",
            "Executa agora um pedido de exclusão (LGPD art. 18): anonimiza todos os dados da pessoa com este número e o mantém na lista de supressão.")
        { phoneOption, nowOption };
        erase.SetAction((parse, ct) => Guard(context, () => EraseAsync(parse.GetValue(phoneOption)!, parse.GetValue(nowOption), configurationArgs, context, ct)));
        root.Add(erase);

        root.Add(ImportCommand.Create(configurationArgs, context));
        root.Add(DispatchCommand.Create(configurationArgs, context));
        root.Add(ContentCommand.Create(configurationArgs, context));
        root.Add(ReportCommand.Create(configurationArgs, context));
        root.Add(HealthCommand.Create(configurationArgs, context));
        root.Add(DemoCommand.Create(configurationArgs, context));
        return root;
    }

    private static async Task<int> EraseAsync(string phone, DateTimeOffset? now, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = BuildHost(configurationArgs, context, ClockFor(now));
        var eraser = host.Services.GetRequiredService<Consent.PersonEraser>();
        if (eraser.ReadNumber(phone) is not { } e164)
        {
            await context.Error.WriteLineAsync("--phone: o valor informado não é um número de telefone reconhecível (ex.: (11) 98765-4321 ou +5511987654321).");
            return BadUsage;
        }

        await PrepareDatabaseAsync(host, ct);
        var (requestId, outcome) = await eraser.EraseNumberAsync(e164, host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        var masked = Privacy.PhoneMask.Mask(e164);
        await context.Output.WriteLineAsync(outcome.Contacts == 0
            ? $"Pedido {requestId}: nenhum contato com o número {masked}; o número entrou na lista de supressão e não receberá mensagens."
            : $"Pedido {requestId}: {outcome.Contacts} contato(s) com o número {masked} anonimizado(s); o número entrou na lista de supressão.");
        return Success;
    }

    private static async Task<int> BenchAsync(
        int contacts, int? consents, int? importLines, int? plan, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        await using var progress = ProgressFor(context);
        using var host = BuildHost(configurationArgs, context, TimeProvider.System);
        progress.Start(host.Services);
        var scratchHosts = new List<IHost>();
        try
        {
            IServiceProvider ScratchHost(string scratch)
            {
                var scratchHost = BuildHost([.. configurationArgs, $"--Database:ConnectionString={scratch}"], context, TimeProvider.System);
                scratchHosts.Add(scratchHost);
                return scratchHost.Services;
            }

            var output = progress.Output;
            if (plan is { } people)
            {
                return await Bench.PlanBenchmark.RunAsync(host.Services, ScratchHost, people, output, ct);
            }

            return consents is { } count
                ? await Bench.ConsentBenchmark.RunAsync(host.Services, ScratchHost, count, output, ct)
                : importLines is { } lines
                    ? await Bench.ImportBenchmark.RunAsync(host.Services, ScratchHost, lines, output, ct)
                    : await Bench.PhoneBenchmark.RunAsync(host.Services, ScratchHost, contacts, output, ct);
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
        await using var progress = ProgressFor(context);
        using var host = BuildHost(configurationArgs, context, TimeProvider.System);
        progress.Start(host.Services);
        var scratchHosts = new List<IHost>();
        try
        {
            IServiceProvider ScratchHost(string scratch, IReadOnlyList<string> settings, TimeProvider clock)
            {
                var scratchHost = BuildHost([.. configurationArgs, $"--Database:ConnectionString={scratch}", .. settings], context, clock);
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

    private static async Task<int> RunSchedulerAsync(IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = CreateBuilder(configurationArgs, context, TimeProvider.System).BuildSchedulerHost();
        VinculoHost.LogWhatIsInUse(host.Services);
        var preflight = host.Services.GetRequiredService<SchedulerPreflight>();
        try
        {
            await preflight.RunAsync(ct);
            await host.RunAsync(ct);
        }
        finally
        {
            await preflight.ReleaseAsync();
        }
        return Success;
    }

    private static async Task<int> MigrateAsync(IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        using var host = BuildHost(configurationArgs, context, TimeProvider.System);
        VinculoHost.LogWhatIsInUse(host.Services);
        var status = await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        var applied = status.AppliedNow.Count == 0
            ? "nenhuma migração pendente"
            : $"{status.AppliedNow.Count} migração(ões) aplicada(s): {string.Join(", ", status.AppliedNow)}";
        await context.Output.WriteLineAsync($"Esquema em {status.Target}: versão {status.CodeVersion.Label} ({applied}; tabelas do Quartz verificadas).");
        return Success;
    }

    private static async Task<int> RunJobAsync(
        string jobKey, DateTimeOffset? now, IReadOnlyList<JobDefinition> jobs, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        if (jobs.All(j => j.Key != jobKey))
        {
            await context.Error.WriteLineAsync($"Job desconhecido: '{jobKey}'. Jobs disponíveis: {JobList(jobs)}.");
            return BadUsage;
        }

        await using var progress = ProgressFor(context);
        using var host = BuildHost(configurationArgs, context, ClockFor(now));
        progress.Start(host.Services);
        await PrepareDatabaseAsync(host, ct);
        var outcome = await host.Services.GetRequiredService<JobRunner>().RunAsync(jobKey, ct);
        await progress.Output.WriteLineAsync(Describe(outcome));
        return outcome.Status == JobRunStatus.Succeeded ? Success : JobFailed;
    }

    private static async Task<int> SweepAsync(
        DateTimeOffset? now, IReadOnlyList<JobDefinition> jobs, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        var sequence = JobCatalog.NightlySequence.Where(key => jobs.Any(j => j.Key == key)).ToList();
        if (sequence.Count == 0)
        {
            await context.Output.WriteLineAsync("Nenhum job da sequência noturna existe nesta versão; nada a fazer.");
            return Success;
        }

        await using var progress = ProgressFor(context);
        using var host = BuildHost(configurationArgs, context, ClockFor(now));
        progress.Start(host.Services);
        await PrepareDatabaseAsync(host, ct);
        var runner = host.Services.GetRequiredService<JobRunner>();
        var exitCode = Success;
        foreach (var jobKey in sequence)
        {
            var outcome = await runner.RunAsync(jobKey, ct);
            await progress.Output.WriteLineAsync(Describe(outcome));
            if (outcome.Status != JobRunStatus.Succeeded)
            {
                exitCode = JobFailed;
            }
        }

        return exitCode;
    }

    /// <summary>
    /// The progress display of a verb that runs long work: made before the verb's host is built (on a terminal the host's
    /// log lines then go through it), started with <see cref="ProgressDisplay.Start"/> once the host is there. The verb
    /// writes what it reports through <see cref="ProgressDisplay.Output"/>.
    /// </summary>
    internal static ProgressDisplay ProgressFor(CommandLineContext context) => ProgressDisplay.ForCommandLine(context.Progress, context.Output, context.Error);

    /// <summary>
    /// What every verb that uses the database does before anything else: one log line saying what is in use, then the
    /// schema migrated (<c>Database:MigrateOnStart</c>, the default) or checked (see <see cref="SchemaMigrator.PrepareAsync"/>).
    /// </summary>
    internal static async Task PrepareDatabaseAsync(IHost host, CancellationToken ct)
    {
        VinculoHost.LogWhatIsInUse(host.Services);
        await host.Services.GetRequiredService<SchemaMigrator>().PrepareAsync(ct);
    }

    /// <summary>Turns the failures a user can fix into a message and an exit code, instead of a stack trace.</summary>
    internal static async Task<int> Guard(CommandLineContext context, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ConfigurationException e)
        {
            await context.Error.WriteLineAsync(e.Message);
            return BadUsage;
        }
        catch (OptionsValidationException e)
        {
            await context.Error.WriteLineAsync(new ConfigurationException(e.Failures.ToList()).Message);
            return BadUsage;
        }
        catch (Exception e) when (e is SchemaMismatchException or SchedulerAlreadyRunningException)
        {
            await context.Error.WriteLineAsync(e.Message);
            return BadUsage;
        }
        catch (DatabaseUnavailableException e)
        {
            await context.Error.WriteLineAsync(e.Message);
            return JobFailed;
        }
        catch (Exception e) when (IsCancellation(e))
        {
            // Ctrl+C or SIGTERM arrived while starting: a stop, not a failure.
            await context.Error.WriteLineAsync("Interrompido antes de concluir.");
            return Success;
        }
        catch (Exception e)
        {
            await context.Error.WriteLineAsync($"Erro inesperado ({e.GetType().Name}): {e.Message}");
            return JobFailed;
        }
    }

    private static bool IsCancellation(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private static HostApplicationBuilder CreateBuilder(IReadOnlyList<string> configurationArgs, CommandLineContext context, TimeProvider clock)
    {
        var builder = VinculoHost.CreateBuilder(configurationArgs, context.Paths ?? VinculoPaths.Locate(null, null, context.ContentRoot));
        builder.Services.AddSingleton(clock);
        builder.Services.Replace(ServiceDescriptor.Singleton(context.Progress));
        context.ConfigureHost?.Invoke(builder);
        return builder;
    }

    internal static IHost BuildHost(IReadOnlyList<string> configurationArgs, CommandLineContext context, TimeProvider clock)
    {
        var host = CreateBuilder(configurationArgs, context, clock).Build();
        try
        {
            ConfigurationCheck.ThrowIfInvalid(host.Services);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static TimeProvider ClockFor(DateTimeOffset? now) => now is { } instant ? new OffsetTimeProvider(instant) : TimeProvider.System;

    private static List<JobDefinition> RegisteredJobs(CommandLineContext context)
    {
        var builder = VinculoHost.CreateBuilder([], context.Paths ?? VinculoPaths.Locate(null, null, context.ContentRoot));
        context.ConfigureHost?.Invoke(builder);
        return builder.Services
            .Where(d => d.ServiceType == typeof(JobDefinition) && d.ImplementationInstance is JobDefinition)
            .Select(d => (JobDefinition)d.ImplementationInstance!)
            .OrderBy(j => j.Key, StringComparer.Ordinal)
            .ToList();
    }

    private static string JobList(IReadOnlyList<JobDefinition> jobs) =>
        jobs.Count == 0 ? "(nenhum job existe ainda nesta versão)" : string.Join(", ", jobs.Select(j => j.Key));

    private static string Describe(JobRunOutcome outcome) => outcome.Status switch
    {
        JobRunStatus.Succeeded =>
            $"{outcome.JobKey}: concluído (execução {outcome.RunId}): {outcome.Result!.Scanned} lido(s), {outcome.Result.Changed} alterado(s).",
        JobRunStatus.Failed => $"{outcome.JobKey}: falhou (execução {outcome.RunId}): {outcome.Error}",
        _ => $"{outcome.JobKey}: não executado: outra execução deste job está em andamento.",
    };

    /// <summary>
    /// Takes <c>--config &lt;file&gt;</c> and <c>--data &lt;folder&gt;</c> (or <c>--config=…</c>, <c>--data=…</c>) out of the
    /// arguments, wherever they stand: they decide where settings and files are before any verb is parsed. The last one given wins.
    /// </summary>
    internal static (List<string> Arguments, string? SettingsFile, string? DataFolder, string? Problem) TakeLocationOptions(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        string? settingsFile = null, dataFolder = null, problem = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var option = new[] { ConfigOption, DataOption }.FirstOrDefault(o => arg == o || arg.StartsWith(o + "=", StringComparison.Ordinal));
            if (option is null)
            {
                rest.Add(arg);
                continue;
            }

            var value = arg.Length > option.Length
                ? arg[(option.Length + 1)..]
                : i + 1 < args.Count && !args[i + 1].StartsWith('-') ? args[++i] : null;
            if (string.IsNullOrWhiteSpace(value))
            {
                problem ??= option == ConfigOption
                    ? $"{ConfigOption}: informe o arquivo de configuração (ex.: {ConfigOption} /etc/vinculo/appsettings.json)."
                    : $"{DataOption}: informe a pasta de dados (ex.: {DataOption} /var/lib/vinculo).";
            }
            else if (option == ConfigOption)
            {
                settingsFile = value;
            }
            else
            {
                dataFolder = value;
            }
        }

        return (rest, settingsFile, dataFolder, problem);
    }

    /// <summary>
    /// Separates configuration overrides (<c>--Database:Provider=Postgres</c> or <c>--Database:Provider Postgres</c>:
    /// a key always has a colon) from the verb and its options.
    /// </summary>
    internal static (List<string> Verb, List<string> Configuration) SplitConfigurationOverrides(IReadOnlyList<string> args)
    {
        var verb = new List<string>();
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg.StartsWith('/') ? arg[1..] : null;
            var equals = name?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            var key = equals >= 0 ? name![..equals] : name;

            // A configuration key always has a section (Database:Provider); "--now=…:…" is an option with a value.
            var isKey = key is not null && key.Contains(':', StringComparison.Ordinal);
            if (!isKey)
            {
                verb.Add(arg);
                continue;
            }

            configuration.Add(arg);
            if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
            {
                configuration.Add(args[++i]);
            }
        }

        return (verb, configuration);
    }

    internal static bool ParseInstant(string text, out DateTimeOffset instant, out string problem)
    {
        problem = "";
        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d\d:?\d\d$");
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out instant))
        {
            problem = $"--now: '{text}' não é um instante ISO-8601 (ex.: 2026-11-23T06:00:00Z).";
            return false;
        }

        if (!hasZone)
        {
            problem = $"--now: '{text}' não diz o fuso; use Z ou um deslocamento (ex.: 2026-11-23T03:00:00-03:00).";
            return false;
        }

        instant = instant.ToUniversalTime();
        return true;
    }

    private static DateTimeOffset? Fail(System.CommandLine.Parsing.ArgumentResult result, string problem)
    {
        result.AddError(problem);
        return null;
    }
}

/// <summary>Where the command line writes, and (for tests) how the host is extended and where it is rooted.</summary>
public sealed record CommandLineContext(TextWriter Output, TextWriter Error)
{
    public Action<HostApplicationBuilder>? ConfigureHost { get; init; }

    /// <summary>Where to look for <c>appsettings.json</c> instead of the current directory and the binary's folder.</summary>
    public string? ContentRoot { get; init; }

    /// <summary>The settings file and data folder of this invocation, set once <c>--config</c> and <c>--data</c> are read.</summary>
    public VinculoPaths? Paths { get; internal init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>The runs of this invocation, in every host it builds, for its progress display.</summary>
    public ProgressFeed Progress { get; init; } = new();
}
