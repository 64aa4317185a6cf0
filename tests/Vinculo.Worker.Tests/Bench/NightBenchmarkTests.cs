using Vinculo.Cli;

namespace Vinculo.Bench;

/// <summary><c>vinculo-bench --night</c> on a small base: the command the scale figures come from keeps working end to end.</summary>
public sealed class NightBenchmarkTests
{
    [Fact]
    public async Task Night_OnASmallSqliteBase_RunsEveryJobOfTheNight_SendsTheDay_AndDropsItsScratchDatabase()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-night-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var data = Path.Combine(root, "dados");
            var exit = await BenchCommandLine.InvokeAsync(["--night", "400", "--history-years", "2", "--data", data], new CommandLineContext(output, error) { ContentRoot = root });

            var text = output.ToString();
            Assert.True(exit == 0, text + error);
            foreach (var job in new[] { "revalidate-phones", "expire-consents", "plan-messages", "dispatch-messages (", "process-inbound", "noite inteira" })
            {
                Assert.Contains("  " + job, text, StringComparison.Ordinal);
            }

            var queue = text.Split('\n').Single(line => line.Contains("(fila do dia depois do envio)", StringComparison.Ordinal));
            Assert.Matches(@"sent [1-9]", queue);
            Assert.DoesNotContain("FALHOU", text, StringComparison.Ordinal);
            // The phases the runs recorded: where the planner's and the dispatcher's time went.
            Assert.Matches(@"\(fases registradas\)\s+.*read_signals [0-9]", text);
            Assert.Matches(@"\(fases registradas\)\s+.*claim_and_recheck [0-9]", text);
            // The scratch database beside the configured one is gone; the configured one was never created.
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "data"), "*bench_night*"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
