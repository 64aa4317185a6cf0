using System.Text.RegularExpressions;

namespace Vinculo.Data;

/// <summary>
/// <c>Data/</c> is the only place that knows which engine it talks to: feature code asks the dialect what it can do
/// (<see cref="SqlDialect.CanCluster"/>, <see cref="SqlDialect.LargeImportSession"/>, <see cref="BulkWrite.SchemaConformant"/> …)
/// instead of testing for an engine. This reads the sources and names any file outside <c>Data/</c> that tests one.
/// </summary>
public sealed partial class EngineSeamTests
{
    /// <summary>What testing for an engine looks like: its dialect type, the dialect's engine tag, SQLite's settings statement.</summary>
    [GeneratedRegex(@"\b(SqliteDialect|PostgresDialect|SqlServerDialect)\b|\bDialect\.Provider\b|\bDialect is\b|\bPRAGMA\b", RegexOptions.CultureInvariant)]
    private static partial Regex EngineTest();

    [Fact]
    public void FeatureCode_NeverTestsWhichEngineItRunsOn()
    {
        var offenders = SourceFiles()
            .Where(file => !Under(file, "Vinculo.Worker", "Data"))
            .Where(file => EngineTest().IsMatch(File.ReadAllText(file)))
            .Select(Relative)
            .ToList();

        Assert.True(offenders.Count == 0, "Ask the dialect for a capability instead of testing the engine in: " + string.Join(", ", offenders));
    }

    /// <summary>What a test asking for its engine looks like: a comparison or a switch on the provider.</summary>
    [GeneratedRegex(@"\.Provider\s*(==|!=|switch\b)|\bcase\s+(Data\.)?DatabaseProvider\.", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderTest();

    [Fact]
    public void FeatureTests_NeverTestWhichEngineTheyRunOn()
    {
        // Engine-specific DDL and catalogue reads a test needs live on TestDatabase (Engines/); the data layer's own tests
        // (Data/) are about the engines themselves.
        var tests = Path.Combine(SqlServerStatementTests.RepositoryRoot(), "tests", "Vinculo.Worker.Tests");
        var files = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(tests, file).Replace('\\', '/'))
            .Where(file => !file.Split('/').Any(part => part is "bin" or "obj"))
            .ToList();
        var offenders = files
            .Where(file => !file.StartsWith("Engines/", StringComparison.Ordinal) && !file.StartsWith("Data/", StringComparison.Ordinal))
            .Where(file => ProviderTest().IsMatch(File.ReadAllText(Path.Combine(tests, file))))
            .ToList();

        Assert.Contains(files, file => file.StartsWith("Engines/", StringComparison.Ordinal) && ProviderTest().IsMatch(File.ReadAllText(Path.Combine(tests, file))));
        Assert.True(offenders.Count == 0, "Move what the test asks of its engine to TestDatabase in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void TheScan_FindsTheEngineNamesWhereTheyBelong()
    {
        // Without this the test above would pass on an empty or misplaced source tree.
        var data = SourceFiles().Where(file => Under(file, "Vinculo.Worker", "Data")).ToList();

        Assert.Contains(data, file => Path.GetFileName(file) == "SqliteDialect.cs" && EngineTest().IsMatch(File.ReadAllText(file)));
        Assert.Contains(data, file => Path.GetFileName(file) == "SqlDialect.cs" && EngineTest().IsMatch(File.ReadAllText(file)));
        Assert.True(SourceFiles().Count() > 100, "The worker's and the core's sources were not found.");
    }

    private static IEnumerable<string> SourceFiles()
    {
        var src = Path.Combine(SqlServerStatementTests.RepositoryRoot(), "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(file => !Relative(file).Split('/').Any(part => part is "bin" or "obj"));
    }

    private static bool Under(string file, string project, string folder) => Relative(file).StartsWith($"{project}/{folder}/", StringComparison.Ordinal);

    private static string Relative(string file) =>
        Path.GetRelativePath(Path.Combine(SqlServerStatementTests.RepositoryRoot(), "src"), file).Replace('\\', '/');
}
