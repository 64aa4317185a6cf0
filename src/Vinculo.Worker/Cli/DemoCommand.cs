using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Demo;
using Vinculo.Hosting;
using Vinculo.Planning;
using Vinculo.Reporting;

namespace Vinculo.Cli;

/// <summary>
/// <c>demo [--contacts N] [--days D] [--seed S]</c>: a believable small business built in a SQLite file of its own
/// (<c>data/demo.db</c>, rebuilt each time; the configured database is never touched), taken through the real import and
/// the real jobs over D simulated days, ending with what the worker did and the report. Exit code 0 when every job run
/// succeeded and the checks hold (no message after an opt-out, none within the cap).
/// </summary>
internal static class DemoCommand
{
    /// <summary>Monday 2026-11-02, midnight in São Paulo: the first simulated day.</summary>
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-02T00:00:00-03:00", CultureInfo.InvariantCulture);

    public static Command Create(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var contacts = new Option<int>("--contacts") { Description = "Quantos contatos a empresa de demonstração tem (padrão 5000).", DefaultValueFactory = _ => 5_000 };
        contacts.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 50 or > 5_000_000)
            {
                r.AddError("--contacts: use um número entre 50 e 5000000.");
            }
        });
        var days = new Option<int>("--days") { Description = "Quantos dias simular (padrão 14).", DefaultValueFactory = _ => 14 };
        days.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 90)
            {
                r.AddError("--days: use um número entre 1 e 90.");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Semente: a mesma semente dá a mesma empresa e o mesmo resultado (padrão 2026).", DefaultValueFactory = _ => 2026 };
        var command = new Command(
            "demo",
            "Monta uma pequena empresa de demonstração num banco próprio (data/demo.db), passa os arquivos dela pela importação e roda os jobs de verdade " +
            "por alguns dias simulados: telefones, consentimento, planejamento, envio pelo remetente Log, respostas e descadastros. O banco configurado não é tocado.")
        { contacts, days, seed };
        command.SetAction((parse, ct) => VinculoCommandLine.Guard(
            context, () => RunAsync(parse.GetValue(contacts), parse.GetValue(days), parse.GetValue(seed), configurationArgs, context, ct)));
        return command;
    }

    private static async Task<int> RunAsync(int people, int days, int seed, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        // Beside the configured data (the data folder's data/), never in the configured database.
        var data = (context.Paths ?? VinculoPaths.Locate(null, null, context.ContentRoot)).Resolve("data");
        var databasePath = Path.Combine(data, "demo.db");
        var folder = Path.Combine(data, "demo");
        var database = SqlDialect.ForFile(databasePath);
        Clean(database, databasePath, folder);
        var inbox = Path.Combine(folder, "inbox");
        var outbox = Path.Combine(folder, "outbox");
        Directory.CreateDirectory(inbox);

        var clock = new SimulatedClock(Start);
        string[] demo =
        [
            $"--Database:Provider={database.Provider}", $"--Database:ConnectionString=Data Source={databasePath}", "--Database:MigrateOnStart=true",
            $"--Import:InboxPath={inbox}", "--Import:SettleTime=00:00:00", "--Import:ChatGrantsConsent=false",
            "--Dispatch:Sender=Log", $"--Dispatch:OutboxPath={outbox}", "--Dispatch:MessagesPerSecond=1000", "--Dispatch:MaxConcurrency=16",
            "--Phones:DefaultAreaCode=11", "--Webhook:Enabled=false", "--Scheduler:InstanceId=demo", "--Scheduler:TimeZone=America/Sao_Paulo",
        ];

        // The jobs' own log lines would drown the demo's story on a terminal: warnings and errors only, unless asked otherwise.
        // Off a terminal, the line a long run logs every few seconds (of real time) still shows the demo is alive.
        string[] quiet = ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Vinculo=Warning", $"--Logging:LogLevel:{typeof(ProgressDisplay).FullName}=Information"];
        await using var progress = VinculoCommandLine.ProgressFor(context);
        using var host = VinculoCommandLine.BuildHost([.. quiet, .. configurationArgs, .. demo], context, clock);
        progress.Start(host.Services);
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        await progress.Output.WriteLineAsync(string.Create(
            CultureInfo.GetCultureInfo("pt-BR"),
            $"Vinculo demo: {DemoBusiness.ShopName}, {people:N0} contatos, {days} dias a partir de {Start:dd/MM/yyyy}, semente {seed}, banco {databasePath}"));

        var business = new DemoBusiness(seed, people, Start);
        var run = new DemoRun(host.Services, clock, business, inbox, progress.Output);
        var jobsOk = await run.RunAsync(days, ct);
        // Gone before the summary and the report, which are written as they always were (tables on a terminal).
        await progress.DisposeAsync();
        var capDays = host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.FrequencyCapDays;
        var checksOk = await new DemoSummary(host.Services.GetRequiredService<Database>(), run.Tally, outbox).WriteAsync(context.Output, capDays, ct);

        // What 'vinculo report' says about the demo's base on its last simulated evening.
        await context.Output.WriteLineAsync("\nO relatório (vinculo report) no fim da simulação:\n");
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(clock.GetUtcNow(), ct);
        ReportRenderer.Write(report, context.Output, ReportRenderer.ChooseFormat(context.Output, json: false));
        await context.Output.WriteLineAsync(string.Create(
            CultureInfo.GetCultureInfo("pt-BR"),
            $"\nConcluído em {watch.Elapsed.TotalSeconds:N1} s. Explore o resultado: vinculo report --Database:ConnectionString=\"Data Source={databasePath}\" (ou abra o arquivo num cliente SQLite)."));
        return jobsOk && checksOk ? VinculoCommandLine.Success : VinculoCommandLine.JobFailed;
    }

    /// <summary>The last demo's database (with the files its engine keeps beside it) and files go: each demo starts from nothing.</summary>
    private static void Clean(SqlDialect database, string databasePath, string folder)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        database.DeleteDatabaseFiles();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
