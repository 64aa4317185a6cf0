using System.Text.RegularExpressions;

namespace Vinculo.Data;

/// <summary>
/// <c>Data/</c> is the only place that knows which engine it talks to: feature code asks the dialect what it can do
/// (<see cref="SqlDialect.CanCluster"/>, <see cref="SqlDialect.LargeImportSession"/>, <see cref="BulkWrite.SchemaConformant"/> …)
/// instead of testing for an engine, and feature tests ask <c>TestDatabase</c> (<c>Engines/</c>). This reads the sources
/// and names any file outside those places that tests for an engine, in any of the ways below.
/// </summary>
public sealed partial class EngineSeamTests
{
    /// <summary>A dialect's own type, the dialect's engine tag, or a type test on the dialect.</summary>
    [GeneratedRegex(@"\b(SqliteDialect|PostgresDialect|SqlServerDialect)\b|\bDialect\.Provider\b|\bDialect is\b", RegexOptions.CultureInvariant)]
    private static partial Regex DialectType();

    /// <summary>An engine's driver: its namespace or its connection, command, builder and exception types.</summary>
    [GeneratedRegex(
        @"\bMicrosoft\.Data\.Sqlite\b|\bNpgsql\w*|\bMicrosoft\.Data\.SqlClient\b|\bSqlite(Connection|Command|Exception|DataReader|Parameter|Transaction)\w*|\bPostgresException\b|\bSql(Connection|Command|Exception|BulkCopy|DataReader)\w*",
        RegexOptions.CultureInvariant)]
    private static partial Regex DriverType();

    /// <summary>A comparison or a switch on the engine: <c>== DatabaseProvider.X</c>, <c>is DatabaseProvider.X</c>, a case or switch arm, <c>Provider switch</c>.</summary>
    [GeneratedRegex(
        @"\bProvider\s*(==|!=|switch\b)|\bProvider\s+is\s+(not\s+)?(Data\.)?DatabaseProvider\.|(==|!=|\bis|\bis\s+not|\bcase)\s+(Data\.)?DatabaseProvider\.\w+|\bDatabaseProvider\.\w+\s*(==|!=|=>|or\b|and\b)",
        RegexOptions.CultureInvariant)]
    private static partial Regex ProviderTest();

    /// <summary>SQL only one engine speaks: SQLite's settings and catalogue, PostgreSQL's and SQL Server's catalogues, SQLite's plans and JSON table.</summary>
    [GeneratedRegex(@"\bPRAGMA\b|\bpragma_\w+|\bsqlite_\w+|\bpg_\w+|\bsys\.\w+|\bEXPLAIN QUERY PLAN\b|\bjson_each\b", RegexOptions.CultureInvariant)]
    private static partial Regex EngineSql();

    private static readonly (string Name, Func<Regex> Pattern)[] Patterns =
    [
        ("dialect type", DialectType),
        ("driver type", DriverType),
        ("engine comparison", ProviderTest),
        ("engine-only SQL", EngineSql),
    ];

    [Fact]
    public void FeatureCode_NeverTestsWhichEngineItRunsOn()
    {
        var offenders = Offenders(SourceFiles().Where(file => !file.StartsWith("src/Vinculo.Worker/Data/", StringComparison.Ordinal)));

        Assert.True(offenders.Count == 0, "Ask the dialect for a capability instead of testing the engine in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void FeatureTests_NeverTestWhichEngineTheyRunOn()
    {
        // Engine-specific DDL, catalogue reads and driver calls a test needs live on TestDatabase (Engines/); the data
        // layer's own tests (Data/) are about the engines themselves.
        var offenders = Offenders(TestFiles().Where(file => !InTestPlaceForEngines(file)));

        Assert.True(offenders.Count == 0, "Move what the test asks of its engine to TestDatabase in: " + string.Join(", ", offenders));
    }

    /// <summary>Without this the tests above would pass on an empty or misplaced tree, or with a pattern that matches nothing.</summary>
    [Theory]
    [InlineData("dialect type", "src/Vinculo.Worker/Data/SqlDialect.cs")]
    [InlineData("driver type", "src/Vinculo.Worker/Data/SqliteDialect.cs")]
    [InlineData("driver type", "src/Vinculo.Worker/Data/PostgresDialect.cs")]
    [InlineData("driver type", "src/Vinculo.Worker/Data/SqlServerDialect.cs")]
    [InlineData("engine comparison", "src/Vinculo.Worker/Data/SqlDialect.cs")]
    [InlineData("engine-only SQL", "src/Vinculo.Worker/Data/SqliteDialect.cs")]
    [InlineData("driver type", "tests/Vinculo.Worker.Tests/Engines/TestDatabase.Engine.cs")]
    [InlineData("engine comparison", "tests/Vinculo.Worker.Tests/Engines/TestDatabase.Engine.cs")]
    [InlineData("engine-only SQL", "tests/Vinculo.Worker.Tests/Engines/TestDatabase.Engine.cs")]
    [InlineData("engine-only SQL", "tests/Vinculo.Worker.Tests/Data/PlannerStatistics.cs")]
    public void TheScan_FindsTheEngineNamesWhereTheyBelong(string pattern, string file)
    {
        var scanned = file.StartsWith("src/", StringComparison.Ordinal) ? SourceFiles() : TestFiles();

        Assert.Contains(file, scanned);
        Assert.Matches(Patterns.Single(p => p.Name == pattern).Pattern(), File.ReadAllText(Path.Combine(Root, file)));
    }

    [Fact]
    public void TheScan_ReadsTheWholeTree()
    {
        Assert.True(SourceFiles().Count() > 100, "The worker's and the core's sources were not found.");
        Assert.True(TestFiles().Count(file => !InTestPlaceForEngines(file)) > 50, "The feature tests were not found.");
    }

    [Theory]
    [InlineData("if (provider == DatabaseProvider.Sqlite)", "engine comparison")]
    [InlineData("return db.Provider is DatabaseProvider.Postgres;", "engine comparison")]
    [InlineData("x is not DatabaseProvider.SqlServer", "engine comparison")]
    [InlineData("case Data.DatabaseProvider.Postgres:", "engine comparison")]
    [InlineData("DatabaseProvider.Sqlite => \"a\",", "engine comparison")]
    [InlineData("var sql = Provider switch", "engine comparison")]
    [InlineData("Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();", "driver type")]
    [InlineData("new Npgsql.NpgsqlConnectionStringBuilder(cs)", "driver type")]
    [InlineData("catch (SqlException e)", "driver type")]
    [InlineData("SELECT name FROM sqlite_master", "engine-only SQL")]
    [InlineData("SELECT indexdef FROM pg_indexes", "engine-only SQL")]
    [InlineData("FROM sys.indexes", "engine-only SQL")]
    [InlineData("PRAGMA foreign_keys = ON", "engine-only SQL")]
    public void ThePatterns_CatchEachWayOfAskingForAnEngine(string code, string pattern) =>
        Assert.Matches(Patterns.Single(p => p.Name == pattern).Pattern(), code);

    [Theory]
    [InlineData("var dialect = SqlDialect.Create(options.ProviderKind, options.ConnectionString, root);")]
    [InlineData("if (dialect.CanCluster)")]
    [InlineData("public string Provider { get; set; } = SqlDialect.DefaultProvider.ToString();")]
    [InlineData("using System.Data.Common; catch (DbException e)")]
    [InlineData("\"--Database:Provider=Postgres\"")]
    public void ThePatterns_LeaveCapabilityQuestionsAlone(string code) =>
        Assert.All(Patterns, p => Assert.DoesNotMatch(p.Pattern(), code));

    private static List<string> Offenders(IEnumerable<string> files) =>
        files
            .SelectMany(file =>
            {
                var text = File.ReadAllText(Path.Combine(Root, file));
                return Patterns.Where(p => p.Pattern().IsMatch(text)).Select(p => $"{file} ({p.Name}: {p.Pattern().Match(text).Value})");
            })
            .ToList();

    private static bool InTestPlaceForEngines(string file) =>
        file.StartsWith("tests/Vinculo.Worker.Tests/Engines/", StringComparison.Ordinal) || file.StartsWith("tests/Vinculo.Worker.Tests/Data/", StringComparison.Ordinal);

    private static string Root => SqlServerStatementTests.RepositoryRoot();

    /// <summary>Every C# source under <c>src/</c>, relative to the repository root with forward slashes.</summary>
    private static IEnumerable<string> SourceFiles() => CSharpFiles("src");

    /// <summary>Every C# source of the worker's tests, relative to the repository root with forward slashes.</summary>
    private static IEnumerable<string> TestFiles() => CSharpFiles("tests/Vinculo.Worker.Tests");

    private static IEnumerable<string> CSharpFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Root, file).Replace('\\', '/'))
            .Where(file => !file.Split('/').Any(part => part is "bin" or "obj"));
}
