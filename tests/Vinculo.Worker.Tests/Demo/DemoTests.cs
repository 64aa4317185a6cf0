using System.Globalization;
using Microsoft.Extensions.Logging;
using Vinculo.Cli;
using Vinculo.Engines;

namespace Vinculo.Demo;

/// <summary>The demo, run as a user runs it: its own database, the real jobs, a summary that shows every part at work.</summary>
public sealed partial class DemoTests
{
    private const int Seed = 77;
    private const int People = 600;

    [Fact]
    public async Task Demo_RunsTheRealJobsOnItsOwnDatabase_ShowsEveryPart_AndLogsNoPerson()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-demo-").FullName;
        try
        {
            var logs = new CapturedLogs();
            var (exit, output) = await RunDemoAsync(root, logs, "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Vinculo=Information");

            Assert.True(exit == 0, output);
            foreach (var part in new[]
            {
                "corrigidos", "inválidos, com o motivo", "expirados", "pedidos (", "mensagens enviadas depois de um descadastro: 0",
                "na hora habitual", "a menos de 7 dias: 0", "pelo remetente Log", "lidas",
                "O relatório (vinculo report)", "== Telefones:", "== Consentimento (LGPD)", "== Jobs: última execução",
            })
            {
                Assert.Contains(part, output, StringComparison.Ordinal);
            }

            // Everything under the data folder given with --data; nothing beside the settings, no configured database.
            var data = Path.Combine(root, "dados");
            Assert.True(File.Exists(Path.Combine(data, "data", "demo.db")));
            Assert.False(File.Exists(Path.Combine(data, "data", "vinculo.db")), "the configured database is never touched");
            Assert.False(Directory.Exists(Path.Combine(root, "data")));
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(data, "data", "demo", "outbox"), "*.jsonl"));

            // Every log line at Information and above, against every person's name and number and the texts they wrote.
            var lines = logs.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => e.Text).ToList();
            Assert.NotEmpty(lines);
            var business = new DemoBusiness(Seed, People, DemoCommand.Start);
            var needles = new HashSet<string>(StringComparer.Ordinal) { "Quero sim! Pode separar", "pode me tirar da lista", "Chegou reposição", "café do mês" };
            for (var i = 1; i <= People; i++)
            {
                var person = business.Person(i);
                needles.Add(person.Name);
                if (person.E164 is { } e164)
                {
                    needles.Add(e164[^8..]);
                }
            }

            var found = lines.SelectMany(line => needles.Where(n => line.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => $"{n} in: {line}")).Take(5).ToList();
            Assert.True(found.Count == 0, string.Join("\n", found));
        }
        finally
        {
            TestDatabase.ReleaseEmbeddedFiles();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_IsTheSameForTheSameSeed_AndStartsAfresh()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-demo-").FullName;
        try
        {
            var (first, firstOutput) = await RunDemoAsync(root, new CapturedLogs());
            var (second, secondOutput) = await RunDemoAsync(root, new CapturedLogs());

            Assert.Equal((0, 0), (first, second));
            Assert.Equal(Figures(firstOutput), Figures(secondOutput));
        }
        finally
        {
            TestDatabase.ReleaseEmbeddedFiles();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The summary and the report without wall-clock timings (which change from run to run) or the folder.</summary>
    private static string Figures(string output) =>
        Timing().Replace(string.Join("\n", output.Split('\n').Skip(1).SkipLast(2)), "(t)");

    [System.Text.RegularExpressions.GeneratedRegex(@"\d+(,\d+)? s\b")]
    private static partial System.Text.RegularExpressions.Regex Timing();

    /// <summary>The demo through the real command line, with its data folder under <paramref name="root"/> (<c>--data</c>).</summary>
    private static async Task<(int Exit, string Output)> RunDemoAsync(string root, CapturedLogs logs, params string[] settings)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CommandLineContext(output, error) { ContentRoot = root, ConfigureHost = b => b.Logging.AddProvider(logs) };
        var exit = await VinculoCommandLine.InvokeAsync(
            ["demo", "--contacts", People.ToString(CultureInfo.InvariantCulture), "--days", "8", "--seed", Seed.ToString(CultureInfo.InvariantCulture),
             "--data", Path.Combine(root, "dados"), .. settings],
            context);
        return (exit, output + error.ToString());
    }
}
