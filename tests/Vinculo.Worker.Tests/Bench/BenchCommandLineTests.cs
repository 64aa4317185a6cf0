using Vinculo.Cli;

namespace Vinculo.Bench;

/// <summary>Usage mistakes on <c>vinculo-bench</c>: exit code 2 and a message naming the option, before any database is touched.</summary>
public sealed class BenchCommandLineTests
{
    [Theory]
    [InlineData("--night", "0", "--night: use um número entre 1 e 50000000.")]
    [InlineData("--dispatch", "20000000", "--dispatch: use um número entre 1 e 10000000.")]
    [InlineData("--frobnicate", "1", "Use --help para ver o uso.")]
    public async Task BadOption_ExitsWithTwo_AndSaysWhy(string option, string value, string message)
    {
        var root = Directory.CreateTempSubdirectory("vinculo-bench-usage-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exit = await BenchCommandLine.InvokeAsync([option, value, "--data", root], new CommandLineContext(output, error) { ContentRoot = root });

            Assert.Equal(VinculoCommandLine.BadUsage, exit);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Help_ListsTheMeasurements_AndTheSettingsOptions()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await BenchCommandLine.InvokeAsync(["--help"], new CommandLineContext(output, error) { ContentRoot = AppContext.BaseDirectory });

        Assert.Equal(VinculoCommandLine.Success, exit);
        foreach (var option in new[] { "--contacts", "--consents", "--import-lines", "--plan", "--dispatch", "--inbound", "--webhook", "--night", "--history-years", "--erasure", "--config", "--data" })
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }
}
