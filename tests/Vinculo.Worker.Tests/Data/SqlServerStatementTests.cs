using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Data;

/// <summary>
/// SQL Server cannot run on the build machines, so every T-SQL text Vinculo sends is parsed here
/// with Microsoft's own parser (the newest it has): the migrations, Quartz's create script as the
/// migrator splits it, and every statement of every class that issues SQL.
/// </summary>
public sealed class SqlServerStatementTests
{
    private const string FakeConnectionString = "Server=sqlserver.invalid;Database=vinculo;User Id=vinculo;Password=not-used;TrustServerCertificate=true";

    public static TheoryData<string> MigrationFiles() => new(MigrationFileNames());

    private static List<string> MigrationFileNames() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "sql", "sqlserver"), "*.sql")
            .Select(file => Path.GetFileName(file))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Theory]
    [MemberData(nameof(MigrationFiles))]
    public void MigrationScript_Parses(string file)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryRoot(), "sql", "sqlserver", file));

        foreach (var batch in SplitBatches(script))
        {
            AssertParses(batch, file);
        }
    }

    [Fact]
    public void MigrationScripts_AreTheOnesTheWorkerEmbeds()
    {
        var embedded = typeof(SchemaMigrator).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Vinculo.sql.sqlserver.", StringComparison.Ordinal))
            .Select(n => n["Vinculo.sql.sqlserver.".Length..])
            .Order(StringComparer.Ordinal);

        Assert.Equal(MigrationFileNames(), embedded);
    }

    [Fact]
    public void QuartzSchemaStatements_Parse()
    {
        var statements = SchemaMigrator.QuartzSchemaStatements(new SqlServerDialect(FakeConnectionString));

        Assert.True(statements.Count > 10);
        foreach (var statement in statements)
        {
            AssertParses(statement, "Quartz create_sqlServer.sql");
        }
    }

    [Fact]
    public void EveryStatementTheWorkerIssues_Parses()
    {
        using var host = CreateSqlServerHost();
        var sources = host.Services.GetServices<ISqlStatements>().ToList();
        var statements = sources.SelectMany(s => s.Statements.Select(sql => (Source: s.GetType().Name, Sql: sql))).ToList();
        statements.Add(("SqlServerDialect", SqlServerDialect.AcquireLeaseSql));
        statements.Add(("SqlServerDialect", SqlServerDialect.ReleaseLeaseSql));
        statements.Add(("SqlServerDialect", SqlServerDialect.CreateDatabaseSql("vinculo_bench_night_20261118050000")));
        statements.Add(("SqlServerDialect", SqlServerDialect.DropDatabaseSql("vinculo_bench_night_20261118050000")));
        statements.Add(("SqlServerDialect", SqlServerDialect.FindDatabaseSql));
        statements.Add(("SqlServerDialect", new SqlServerDialect(FakeConnectionString).RefreshStatisticsSql));

        Assert.Contains(sources, s => s is JobRunStore);
        Assert.Contains(sources, s => s is SchemaMigrator);
        Assert.Contains(sources, s => s is Phones.PhoneStore);
        foreach (var (source, sql) in statements)
        {
            AssertParses(sql, source);
        }
    }

    [Fact]
    public void EveryClassThatIssuesSql_IsRegisteredForThisCheck()
    {
        using var host = CreateSqlServerHost();
        var registered = host.Services.GetServices<ISqlStatements>().Select(s => s.GetType()).ToHashSet();
        var implementers = typeof(ISqlStatements).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISqlStatements).IsAssignableFrom(t));

        Assert.All(implementers, t => Assert.Contains(t, registered));
    }

    [Fact]
    public void Parser_RejectsBrokenTSql()
    {
        var errors = Parse("SELEC 1 FROM");

        Assert.NotEmpty(errors);
    }

    private static Microsoft.Extensions.Hosting.IHost CreateSqlServerHost()
    {
        var builder = Hosting.VinculoHost.CreateBuilder(["--Database:Provider=SqlServer", $"--Database:ConnectionString={FakeConnectionString}"], Path.GetTempPath());
        builder.Services.AddSingleton(TimeProvider.System);
        TestJobs.Register(new JobProbe())(builder);
        return builder.Build();
    }

    private static void AssertParses(string sql, string source)
    {
        var errors = Parse(sql);
        Assert.True(errors.Count == 0, $"{source}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}\n{sql}");
    }

    private static IList<ParseError> Parse(string sql)
    {
        var parser = NewestParser();
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors;
    }

    /// <summary>The highest-numbered TSqlNNNParser the ScriptDom package ships.</summary>
    private static TSqlParser NewestParser()
    {
        var type = typeof(TSqlParser).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(TSqlParser)) && System.Text.RegularExpressions.Regex.IsMatch(t.Name, @"^TSql\d+Parser$"))
            .OrderByDescending(t => int.Parse(t.Name[4..^6], System.Globalization.CultureInfo.InvariantCulture))
            .First();
        return (TSqlParser)Activator.CreateInstance(type, [true])!;
    }

    private static IEnumerable<string> SplitBatches(string script) =>
        System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Where(batch => !string.IsNullOrWhiteSpace(batch));

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Worker.sln not found above the test binaries.");
    }
}
