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

    public static Task<int> InvokeAsync(IReadOnlyList<string> args, CommandLineContext context) =>
        InvokeAsync(args, context, (configurationArgs, verbContext) => BuildCommands(configurationArgs, RegisteredJobs(verbContext), verbContext));

    /// <summary>
    /// The command line of <c>vinculo</c>, or of a companion tool (<c>vinculo-bench</c>) with commands of its own built by
    /// <paramref name="commands"/> from the configuration overrides and the located settings: the same location options,
    /// configuration overrides, usage errors and exit codes.
    /// </summary>
    internal static async Task<int> InvokeAsync(
        IReadOnlyList<string> args, CommandLineContext context, Func<IReadOnlyList<string>, CommandLineContext, RootCommand> commands)
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
            return await ParseAndInvokeAsync(rest, context with { Paths = paths }, commands);
        }
        catch (InvalidDataException e)
        {
            // A settings file that is not valid JSON, found before any verb runs.
            await context.Error.WriteLineAsync($"Configuração inválida: {paths.SettingsFile ?? VinculoPaths.SettingsFileName} não pôde ser lido ({e.InnerException?.Message ?? e.Message}).");
            return BadUsage;
        }
    }

    private static async Task<int> ParseAndInvokeAsync(
        IReadOnlyList<string> args, CommandLineContext context, Func<IReadOnlyList<string>, CommandLineContext, RootCommand> commands)
    {
        var (verbArgs, configurationArgs) = SplitConfigurationOverrides(args);
        var root = commands(configurationArgs, context);
        if (verbArgs.Count > 0 && verbArgs[0] == "bench" && root.Subcommands.Count > 0 && root.Subcommands.All(c => c.Name != "bench"))
        {
            // The measurements were once a verb of the worker: say where they went.
            await context.Error.WriteLineAsync("O verbo bench não faz parte do vinculo: as medições são o programa vinculo-bench (veja o README, seção Bench).");
            return BadUsage;
        }

        var parse = root.Parse(verbArgs);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync(error.Message);
            }

            await context.Error.WriteLineAsync(root.Subcommands.Count == 0
                ? "Use --help para ver o uso."
                : $"Verbos válidos: {string.Join(", ", root.Subcommands.Select(c => c.Name))}. Use --help para ver o uso.");
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
        AddLocationOptions(root);

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

    /// <summary>
    /// Declares <c>--config</c> and <c>--data</c>, so that <c>--help</c> shows them: they are taken out of the arguments before
    /// parsing (<see cref="TakeLocationOptions"/>).
    /// </summary>
    internal static void AddLocationOptions(RootCommand root)
    {
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

    internal static IHost BuildHost(IReadOnlyList<string> configurationArgs, CommandLineContext context, TimeProvider clock) =>
        CreateBuilder(configurationArgs, context, clock).BuildChecked();

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
