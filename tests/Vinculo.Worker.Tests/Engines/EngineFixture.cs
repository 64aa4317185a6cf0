using Vinculo.Data;

namespace Vinculo.Engines;

/// <summary>
/// One database engine the shared suites run against. Each test asks for a database of its own
/// (a fresh SQLite file, a fresh PostgreSQL or SQL Server database) and disposes it afterwards.
/// </summary>
public abstract class EngineFixture
{
    public abstract DatabaseProvider Provider { get; }

    /// <summary>Null when the engine can run here; otherwise why its tests are skipped.</summary>
    public abstract string? Unavailable { get; }

    public abstract Task<TestDatabase> CreateDatabaseAsync();

    /// <summary>Skips the calling test, with the reason, when the engine cannot run here.</summary>
    public void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);

    protected static string NewName() => "vinculo_t_" + Guid.NewGuid().ToString("N")[..16];
}

public sealed class SqliteEngine : EngineFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string? Unavailable => null;

    public override Task<TestDatabase> CreateDatabaseAsync()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-test-").FullName;
        var connectionString = $"Data Source={Path.Combine(root, "vinculo.db")}";
        return Task.FromResult(new TestDatabase(Provider, connectionString, root, () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
            return Task.CompletedTask;
        }));
    }
}

/// <summary>
/// PostgreSQL from <c>VINCULO_TEST_POSTGRES</c> (a connection string to a server where the user may
/// create databases), which the README's test command sets after starting a throwaway cluster.
/// With <c>VINCULO_TEST_REQUIRE_POSTGRES=1</c> a missing server fails the tests instead of skipping them.
/// </summary>
public sealed class PostgresEngine : ServerEngine
{
    public PostgresEngine()
        : base(DatabaseProvider.Postgres, Environment.GetEnvironmentVariable("VINCULO_TEST_POSTGRES"))
    {
    }

    public override string? Unavailable => Admin is not null
        ? null
        : Environment.GetEnvironmentVariable("VINCULO_TEST_REQUIRE_POSTGRES") == "1"
            ? throw new InvalidOperationException("VINCULO_TEST_REQUIRE_POSTGRES=1 but VINCULO_TEST_POSTGRES is not set.")
            : "PostgreSQL not configured: set VINCULO_TEST_POSTGRES (scripts/test.sh does).";
}

/// <summary>SQL Server from <c>VINCULO_TEST_SQLSERVER</c>; it cannot run on the build machines, so without it these tests are skipped.</summary>
public sealed class SqlServerEngine : ServerEngine
{
    public SqlServerEngine()
        : base(DatabaseProvider.SqlServer, Environment.GetEnvironmentVariable("VINCULO_TEST_SQLSERVER"))
    {
    }

    public override string? Unavailable => Admin is null ? "SQL Server not configured: set VINCULO_TEST_SQLSERVER to run these tests against one." : null;
}

/// <summary>A server engine: each test gets a database of its own, made and dropped by the dialect's scratch-database support.</summary>
public abstract class ServerEngine(DatabaseProvider provider, string? admin) : EngineFixture
{
    protected string? Admin { get; } = admin;

    public override DatabaseProvider Provider => provider;

    public override async Task<TestDatabase> CreateDatabaseAsync()
    {
        var root = Directory.CreateTempSubdirectory("vinculo-test-").FullName;
        var dialect = SqlDialect.Create(Provider, Admin, root);
        var connectionString = await dialect.CreateScratchDatabaseAsync(NewName(), CancellationToken.None);
        return new TestDatabase(Provider, connectionString, root, async () =>
        {
            await dialect.DropScratchDatabaseAsync(connectionString, CancellationToken.None);
            Directory.Delete(root, recursive: true);
        });
    }
}
