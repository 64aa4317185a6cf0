using Dapper;
using Vinculo.Data;

namespace Vinculo.Engines;

/// <summary>Which rows a refusal trigger refuses: new ones or changed ones.</summary>
public enum RowChange
{
    Insert,
    Update,
}

/// <summary>
/// What tests need of an engine's own catalogue and DDL (triggers, table and index lists, query plans, an unreachable
/// server): the one place in the tests that knows which engine it talks to, so feature tests never ask.
/// </summary>
public sealed partial class TestDatabase
{
    /// <summary>
    /// The database a worker run without a <c>Database:Provider</c> keeps, at <paramref name="connectionString"/> resolved
    /// against <paramref name="contentRoot"/>: for tests whose subject is a real worker process on the default engine.
    /// Disposing it lets go of its pooled connections; the caller deletes the folder.
    /// </summary>
    public static TestDatabase OnDefaultEngine(string connectionString, string contentRoot) =>
        new(SqlDialect.DefaultProvider, connectionString, contentRoot, () =>
        {
            ReleaseEmbeddedFiles();
            return Task.CompletedTask;
        });

    /// <summary>Lets go of every pooled connection to an embedded database file, so that a test can delete the folder that holds it.</summary>
    public static void ReleaseEmbeddedFiles() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    /// <summary>Whether several scheduler nodes (and several worker processes) can share this database: the dialect's <see cref="SqlDialect.CanCluster"/>.</summary>
    public bool CanCluster => SqlDialect.CanClusterOn(Provider);

    /// <summary>The database's name on its server, or the file's name on the embedded engine.</summary>
    public string DatabaseName => Provider switch
    {
        DatabaseProvider.Sqlite => Path.GetFileName(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource),
        DatabaseProvider.Postgres => new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database!,
        _ => new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(ConnectionString).InitialCatalog,
    };

    /// <summary>A connection string of this engine that cannot be opened.</summary>
    public string UnreachableConnectionString => Provider == DatabaseProvider.Sqlite
        ? $"Data Source={Path.Combine(ContentRoot, "missing", "deeper", "vinculo.db")};Mode=ReadOnly"
        : Provider == DatabaseProvider.Postgres
            ? "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2"
            : "Server=127.0.0.1,1;Database=nothing;User Id=nobody;Password=none;Connect Timeout=2;TrustServerCertificate=true";

    /// <summary>
    /// A trigger that makes <paramref name="table"/> refuse the rows <paramref name="change"/> brings, as another tool or a
    /// failing disk might: every such row, or those where <paramref name="condition"/> holds. The condition is written
    /// against the row as <c>{row}</c> (<c>{row}.contact_id = 5</c>). The statement fails with <paramref name="message"/>.
    /// </summary>
    /// <remarks>
    /// DDL takes no parameters: the names and the message are spliced into it, so they must be plain words (checked here);
    /// the condition is written by the test itself, from literals.
    /// </remarks>
    public async Task RefuseAsync(string trigger, string table, RowChange change, string message, string? condition = null)
    {
        PlainWords(trigger, table, message);
        var verb = change == RowChange.Insert ? "INSERT" : "UPDATE";
        var sql = Provider switch
        {
            DatabaseProvider.Sqlite =>
                $"CREATE TRIGGER {trigger} BEFORE {verb} ON {table} " +
                (condition is null ? "" : $"WHEN {condition.Replace("{row}", "NEW", StringComparison.Ordinal)} ") +
                $"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            DatabaseProvider.Postgres =>
                $"CREATE FUNCTION {trigger}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$; " +
                $"CREATE TRIGGER {trigger} BEFORE {verb} ON {table} FOR EACH ROW " +
                (condition is null ? "" : $"WHEN ({condition.Replace("{row}", "NEW", StringComparison.Ordinal)}) ") +
                $"EXECUTE FUNCTION {trigger}_fn()",
            _ =>
                $"CREATE TRIGGER {trigger} ON {table} AFTER {verb} AS " +
                (condition is null ? "" : $"IF EXISTS (SELECT 1 FROM inserted WHERE {condition.Replace("{row}", "inserted", StringComparison.Ordinal)}) ") +
                $"THROW 50000, '{message}', 1;",
        };
        await ExecuteAsync(sql);
    }

    /// <summary>Removes a trigger <see cref="RefuseAsync"/> made.</summary>
    public Task StopRefusingAsync(string trigger, string table) => PlainWords(trigger, table) ? ExecuteAsync(Provider switch
    {
        DatabaseProvider.Postgres => $"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}_fn()",
        _ => $"DROP TRIGGER {trigger}",
    }) : Task.CompletedTask;

    /// <summary>Refuses anything but letters, digits, underscores and spaces where DDL splices text in.</summary>
    private static bool PlainWords(params string[] texts)
    {
        foreach (var text in texts)
        {
            if (text.Length == 0 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ' '))
            {
                throw new ArgumentException($"'{text}' is not a plain word; DDL splices it in as written.", nameof(texts));
            }
        }

        return true;
    }

    /// <summary>The names of the database's own tables.</summary>
    public Task<IReadOnlyList<string>> TablesAsync() => ListAsync(Provider switch
    {
        DatabaseProvider.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        DatabaseProvider.Postgres => "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        _ => "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE'",
    }, null);

    /// <summary>The names of <paramref name="table"/>'s indexes.</summary>
    public Task<IReadOnlyList<string>> IndexesAsync(string table) => ListAsync(Provider switch
    {
        DatabaseProvider.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @table",
        DatabaseProvider.Postgres => "SELECT indexname FROM pg_indexes WHERE tablename = @table",
        _ => "SELECT name FROM sys.indexes WHERE object_id = OBJECT_ID(@table)",
    }, new { table });

    /// <summary>Each index of <paramref name="table"/> with its definition (columns, method, filter), in name order.</summary>
    public Task<IReadOnlyList<string>> IndexDefinitionsAsync(string table) => ListAsync(Provider switch
    {
        DatabaseProvider.Sqlite => "SELECT name || ' ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = @table ORDER BY name",
        DatabaseProvider.Postgres => "SELECT indexdef FROM pg_indexes WHERE tablename = @table ORDER BY indexname",
        _ => "SELECT i.name + ' ' + i.type_desc + ' ' + ISNULL(i.filter_definition, '') + ' ' + " +
             "(SELECT STRING_AGG(c.name, ',') WITHIN GROUP (ORDER BY ic.key_ordinal) FROM sys.index_columns ic " +
             "JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id) " +
             "FROM sys.indexes i WHERE i.object_id = OBJECT_ID(@table) AND i.name IS NOT NULL ORDER BY i.name",
    }, new { table });

    /// <summary>
    /// How the engine would run <paramref name="sql"/>, as text naming the indexes it uses; null where plans are not read
    /// here (SQL Server). PostgreSQL plans with fresh statistics and is told to avoid scans, and joins that read a whole
    /// side, since on a test's few rows those are always cheaper and what matters is that an index can answer the statement.
    /// </summary>
    public async Task<string?> PlanAsync(string sql, object parameters)
    {
        await using var connection = await OpenAsync();
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                return string.Join("\n", (await connection.QueryAsync("EXPLAIN QUERY PLAN " + sql, parameters)).Select(row => (string)((IDictionary<string, object>)row)["detail"]));
            case DatabaseProvider.Postgres:
                await connection.ExecuteAsync("ANALYZE", commandType: System.Data.CommandType.Text);
                await using (var transaction = await connection.BeginTransactionAsync())
                {
                    await connection.ExecuteAsync("SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off", transaction: transaction);
                    return string.Join("\n", await connection.QueryAsync<string>("EXPLAIN " + sql, parameters, transaction));
                }

            default:
                return null;
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private async Task<IReadOnlyList<string>> ListAsync(string sql, object? parameters)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<string>(sql, parameters)).AsList();
    }
}
