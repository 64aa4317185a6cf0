using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using Quartz;

namespace Vinculo.Data;

/// <summary>
/// Everything that differs between the engines, in one small place per engine. The rest of the
/// worker talks plain parameterised SQL through Dapper and asks the dialect only for these.
/// </summary>
public abstract class SqlDialect(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    public abstract DatabaseProvider Provider { get; }

    /// <summary>Folder under <c>sql/</c> that holds this engine's migrations.</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>Name of the create script embedded in the pinned Quartz assembly.</summary>
    public abstract string QuartzSchemaResource { get; }

    /// <summary>Counts the tables named <c>@name</c> in the connection's own schema.</summary>
    public abstract string TableExistsSql { get; }

    /// <summary>Drops an index when it exists. Names are spliced into the DDL, so only plain identifiers are accepted.</summary>
    public string DropIndexIfExistsSql(string index, string table) => DropIndexIfExists(BulkWrite.Identifier(index), BulkWrite.Identifier(table));

    /// <summary>Creates an index unless one of that name exists; <paramref name="columns"/> is a comma-separated list of plain identifiers.</summary>
    public string CreateIndexIfMissingSql(string index, string table, string columns) =>
        CreateIndexIfMissing(
            BulkWrite.Identifier(index),
            BulkWrite.Identifier(table),
            string.Join(", ", columns.Split(',', StringSplitOptions.TrimEntries).Select(BulkWrite.Identifier)));

    /// <summary>
    /// Creates, unless it exists, the index of <c>contacts</c> whose number no classifier accepted (migration V010), as
    /// this engine defines it there: a sweep that rewrites most of the base drops it and builds it again afterwards.
    /// </summary>
    public string CreateUnclassifiedRawIndexSql => CreateUnclassifiedRawIndex();

    protected virtual string CreateUnclassifiedRawIndex() =>
        "CREATE INDEX IF NOT EXISTS ix_contacts_unclassified_raw ON contacts (phone_raw) WHERE phone_e164 IS NULL AND erased_at IS NULL";

    /// <summary>
    /// Other indexes of <c>contacts</c> that a sweep rewriting most of the base would, on this engine, update once per row,
    /// so it drops them with the number indexes and builds them again afterwards, as the migrations define them.
    /// </summary>
    public IReadOnlyList<IndexStatements> ContactIndexesRebuiltAfterRewrite =>
    [
        .. RowChurnIndexes().Select(i => new IndexStatements(
            DropIndexIfExistsSql(i.Name, "contacts"), CreateIndexIfMissingSql(i.Name, "contacts", i.Columns) + " WHERE " + i.Filter)),
    ];

    /// <summary>The indexes of <see cref="ContactIndexesRebuiltAfterRewrite"/>: name, columns and filter (constants of the dialect).</summary>
    protected virtual IEnumerable<(string Name, string Columns, string Filter)> RowChurnIndexes() => [];

    /// <summary>
    /// Settings for the connection that builds indexes again after a large rewrite, and the statements that restore it;
    /// null where the engine needs none.
    /// </summary>
    public virtual SessionTuning? IndexBuildSession => null;

    /// <summary>
    /// Housekeeping after a statement-by-statement rewrite of most of a table, or null when the engine needs none.
    /// PostgreSQL: <c>VACUUM (ANALYZE)</c>, so that the old row versions go, index-only scans work again and the planner
    /// sees the new values (the duplicate pass's grouping ran three times faster after it on a million contacts).
    /// </summary>
    public string? AfterRewriteSql(string table) => AfterRewrite(BulkWrite.Identifier(table));

    protected virtual string? AfterRewrite(string table) => null;

    /// <summary>
    /// Statistics brought up to date before a sweep rewrites most of a table, or null when the engine keeps its own. A
    /// base loaded moments ago has none on PostgreSQL: the sweep's keyset read (<c>erased_at IS NULL</c>, ordered by key)
    /// then read the whole number index for each batch, and spent 16 s instead of 2.6 s on a million contacts.
    /// </summary>
    public string? BeforeRewriteSql(string table) => BeforeRewrite(BulkWrite.Identifier(table));

    protected virtual string? BeforeRewrite(string table) => null;

    /// <summary>The engine's DROP INDEX for names already checked (SQL Server names the table too).</summary>
    protected virtual string DropIndexIfExists(string index, string table) => $"DROP INDEX IF EXISTS {index}";

    /// <summary>The engine's CREATE INDEX for names already checked.</summary>
    protected virtual string CreateIndexIfMissing(string index, string table, string columns) => $"CREATE INDEX IF NOT EXISTS {index} ON {table} ({columns})";

    /// <summary>Where the database lives, for messages to the user (in Portuguese): never includes a password.</summary>
    public abstract string DescribeTarget();

    /// <param name="pooled">False for a connection that holds a session-level lock: closing it must end the session.</param>
    public abstract DbConnection CreateConnection(bool pooled = true);

    /// <summary>Per-connection settings applied right after opening.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An INSERT of one row that returns its generated key.</summary>
    public abstract string InsertReturningKey(string table, string columns, string values, string keyColumn);

    /// <summary>
    /// An UPDATE that claims work: up to <c>@limit</c> rows of <paramref name="table"/> matching <paramref name="where"/>, taken in
    /// <paramref name="orderBy"/> order, are changed by <paramref name="assignments"/> and their <paramref name="key"/> returned, so that
    /// two claimers running at once never take the same row (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, SQL Server
    /// <c>UPDLOCK, READPAST, ROWLOCK</c>; SQLite has one writer, and the caller's transaction takes the write lock first).
    /// The fragments are Vinculo's own SQL text; values are parameters.
    /// </summary>
    public abstract string ClaimSql(string table, string key, string where, string orderBy, string assignments);

    /// <summary>Goes before the select list of a query capped at <c>@limit</c> rows (SQL Server's TOP).</summary>
    public virtual string Top(string limitParameter) => "";

    /// <summary>Goes at the end of a query capped at <c>@limit</c> rows (LIMIT elsewhere).</summary>
    public virtual string Limit(string limitParameter) => $"LIMIT {limitParameter}";

    /// <summary>
    /// "<c>contacts.phone_raw</c> is the text in <paramref name="parameter"/>", in the form the engine's index on the
    /// unclassified numbers answers (V010): the column itself here.
    /// </summary>
    public virtual string RawPhoneEquals(string parameter) => $"phone_raw = {parameter}";

    /// <summary>
    /// <paramref name="table"/> (as <paramref name="name"/>, when given) in a FROM clause or as an UPDATE's target, read
    /// through <paramref name="index"/> where the engine takes such a hint and its planner needs it (SQLite's
    /// <c>INDEXED BY</c>); here the table alone, left to the planner. Each caller says why its planner must be told.
    /// </summary>
    public virtual string IndexedBy(string table, string index, string? name = null) => name is null ? table : $"{table} {name}";

    /// <summary>
    /// The values of a list parameter (<see cref="ListParameter{T}"/>) as the rows of a table named <paramref name="name"/>
    /// with one column, <c>value</c>: to join on, so that each value is looked up in an index rather than the planner
    /// guessing the list long and scanning instead.
    /// </summary>
    public virtual string ListRows(string listParameter, string name) => $"json_each({listParameter}) AS {name}";

    /// <summary>
    /// "<paramref name="column"/> is one of the values in <paramref name="parameter"/>", where the parameter holds
    /// <see cref="ListParameter{T}"/>: one parameter whatever the number of values (no statement is rewritten per
    /// call, and SQL Server's limit of about 2,100 parameters never applies). A JSON array here, read with json_each.
    /// </summary>
    public virtual string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <summary>The value of a parameter used with <see cref="InList"/>.</summary>
    public virtual object ListParameter<T>(IEnumerable<T> values) => System.Text.Json.JsonSerializer.Serialize(values);

    /// <summary>Runs a query and returns a cursor over its rows (<see cref="RowReader"/>): for sweeps that read millions of rows.</summary>
    public virtual Task<RowReader> ReadRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, int timeoutSeconds, CancellationToken cancellationToken) =>
        DbRowReader.OpenAsync(connection, sql, parameters, timeoutSeconds, cancellationToken);

    /// <summary>
    /// Writes many rows in one round of the engine's fastest path: a prepared statement reused in the
    /// caller's transaction (SQLite), binary COPY into a temporary table (PostgreSQL), SqlBulkCopy into a
    /// temporary table (SQL Server), followed by one set-based UPDATE or INSERT. Returns the rows written.
    /// </summary>
    public abstract Task<int> BulkWriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken);

    /// <summary><see cref="BulkWriteAsync(DbConnection, DbTransaction, BulkWrite, BulkRows, CancellationToken)"/> over row arrays.</summary>
    public Task<int> BulkWriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        BulkWriteAsync(connection, transaction, write, BulkRows.Of(rows), cancellationToken);

    /// <summary>How many bulk writes of disjoint rows may run at once (SQLite has one writer).</summary>
    public virtual int ConcurrentWriters => 2;

    /// <summary>
    /// Whether several scheduler nodes can share this database (Quartz clustering, database leases held by sessions):
    /// false for an embedded file, which serves one scheduler.
    /// </summary>
    public bool CanCluster => CanClusterOn(Provider);

    /// <summary>
    /// <see cref="CanCluster"/> before any dialect exists (configuration checks): an embedded file serves one scheduler,
    /// since Quartz refuses to cluster on SQLite and leases are locks on this machine's files.
    /// </summary>
    public static bool CanClusterOn(DatabaseProvider provider) => provider != DatabaseProvider.Sqlite;

    /// <summary>The engines on which several scheduler nodes can share one database (<see cref="CanClusterOn"/>), in declaration order.</summary>
    public static IReadOnlyList<DatabaseProvider> ClusterCapable => [.. Enum.GetValues<DatabaseProvider>().Where(CanClusterOn)];

    /// <summary>The engine used when <c>Database:Provider</c> is not set: the embedded file, which needs no server.</summary>
    public const DatabaseProvider DefaultProvider = DatabaseProvider.Sqlite;

    /// <summary>
    /// The connection string used when <c>Database:ConnectionString</c> is not set, or null where the engine has none and
    /// one must be configured: a file under the data folder for the embedded engine, nothing for a server.
    /// </summary>
    public static string? DefaultConnectionString(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? "Data Source=data/vinculo.db" : null;

    /// <summary>Whether <c>Database:ConnectionString</c> must be configured for this engine (it has no default).</summary>
    public static bool NeedsConnectionString(DatabaseProvider provider) => DefaultConnectionString(provider) is null;

    /// <summary>The embedded engine's dialect for the database file at <paramref name="path"/>, a base of its own beside the configured one.</summary>
    public static SqlDialect ForFile(string path) =>
        SqliteDialect.FromConnectionString(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path) }.ToString(), Path.GetDirectoryName(Path.GetFullPath(path))!);

    /// <summary>
    /// Deletes an embedded database together with the files the engine keeps beside it (journal, shared memory, lease
    /// locks), after letting go of pooled connections to it, so the next open starts from nothing. Returns false, having
    /// done nothing, where the database lives on a server: a server database is never dropped this way.
    /// </summary>
    public virtual bool DeleteDatabaseFiles() => false;

    /// <summary>
    /// Settings for one connection that runs a long import session (a large file written in one transaction, its keys
    /// hashed and so written at random places of their index), and the statements that give the connection back as
    /// <see cref="PrepareAsync"/> left it; null where the engine needs none.
    /// </summary>
    public virtual SessionTuning? LargeImportSession => null;

    /// <summary>
    /// Whether a correlated subquery per row (one index seek each) runs about as fast as one grouped pass over the same
    /// index: false where the engine plans each correlated seek as a sub-plan of its own, so queries that can be written
    /// either way take the grouped form there.
    /// </summary>
    public virtual bool FastCorrelatedSeeks => true;

    /// <summary>
    /// How long a long write (a large import, committing batch after batch) waits after each commit so that other
    /// writers waiting for the lock get their turn: nothing where writers do not take turns on one lock.
    /// </summary>
    public virtual TimeSpan WriterTurn => TimeSpan.Zero;

    /// <summary>
    /// Brings the planner's statistics of the whole database up to date, as a long-lived base has them (a base loaded
    /// moments ago has none): measurements run on it, not on a base the planner knows nothing about.
    /// </summary>
    public abstract string RefreshStatisticsSql { get; }

    /// <summary>
    /// What keeps the planner's statistics of a live base current, run after every job run; null when the engine does it
    /// by itself (PostgreSQL's autovacuum, SQL Server's automatic statistics).
    /// </summary>
    public virtual string? RoutineStatisticsSql => null;

    /// <summary>
    /// The operating-system process ids of the server sessions on this database, where the server runs one process per
    /// session (their processor time can then be read on the server's machine); null where it does not.
    /// </summary>
    public virtual string? SessionProcessIdsSql => null;

    /// <summary>The SQL text <see cref="BulkWriteAsync"/> sends for this write (for the T-SQL parse check).</summary>
    public abstract IReadOnlyList<string> BulkWriteStatements(BulkWrite write);

    /// <summary>
    /// Inserts <paramref name="rows"/> (an insert: <paramref name="write"/> has no key) and returns the key the table
    /// generated for each, in row order. Here one statement per row (<see cref="InsertReturningKey"/>); SQLite rebinds one
    /// prepared statement, PostgreSQL takes the keys from the table's sequence first and writes the rows in bulk.
    /// </summary>
    public virtual async Task<List<long>> BulkInsertReturningKeysAsync(
        DbConnection connection, DbTransaction transaction, BulkWrite write, string keyColumn, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var keys = new List<long>(rows.Count);
        foreach (var row in rows)
        {
            keys.Add(await InsertReturningKeyAsync(connection, transaction, write, keyColumn, row, cancellationToken));
        }

        return keys;
    }

    /// <summary>Inserts one row of <paramref name="write"/> (an insert) with one statement and returns its generated key.</summary>
    public Task<long> InsertReturningKeyAsync(
        DbConnection connection, DbTransaction transaction, BulkWrite write, string keyColumn, object?[] row, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        for (var i = 0; i < row.Length; i++)
        {
            parameters.Add("p" + i.ToString(CultureInfo.InvariantCulture), row[i]);
        }

        return connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertReturningKeyStatement(write, keyColumn), parameters, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The SQL text <see cref="BulkInsertReturningKeysAsync"/> sends (for the T-SQL parse check).</summary>
    public virtual IReadOnlyList<string> BulkInsertReturningKeysStatements(BulkWrite write, string keyColumn) => [InsertReturningKeyStatement(write, keyColumn)];

    /// <summary>The SQL text <see cref="InsertReturningKeyAsync"/> sends.</summary>
    public string InsertReturningKeyStatement(BulkWrite write, string keyColumn) =>
        InsertReturningKey(
            write.Table,
            string.Join(", ", write.Columns.Select(c => c.Name)),
            string.Join(", ", write.Columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))),
            BulkWrite.Identifier(keyColumn));

    /// <summary>
    /// Takes the named lease without waiting, or returns null when someone (this or another process)
    /// holds it. The lease ends when disposed, or when the holder's process or connection dies.
    /// </summary>
    public abstract Task<Lease?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken);

    /// <summary>Whether retrying the operation that threw this may succeed.</summary>
    public virtual bool IsTransient(Exception exception) => exception switch
    {
        DbException { IsTransient: true } => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    public abstract void UseQuartzStore(IPersistentStoreBuilder store);

    /// <summary>
    /// Creates an empty database beside the configured one (a new file on SQLite, a new database on the
    /// same server elsewhere), for a benchmark that must not touch real data. Returns its connection string.
    /// </summary>
    public abstract Task<string> CreateScratchDatabaseAsync(string name, CancellationToken cancellationToken);

    public abstract Task DropScratchDatabaseAsync(string scratchConnectionString, CancellationToken cancellationToken);

    /// <summary>The connection string of the scratch database of that name (see <see cref="CreateScratchDatabaseAsync"/>), when it exists.</summary>
    public abstract Task<string?> FindScratchDatabaseAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// A new scratch database holding a copy of another (its connection string from <see cref="FindScratchDatabaseAsync"/>),
    /// for a benchmark that keeps a base it took long to build and measures on copies of it. Returns the copy's connection string.
    /// </summary>
    public abstract Task<string> CopyScratchDatabaseAsync(string sourceConnectionString, string name, CancellationToken cancellationToken);

    public static SqlDialect Create(DatabaseProvider provider, string? connectionString, string contentRoot) => provider switch
    {
        DatabaseProvider.Sqlite => SqliteDialect.FromConnectionString(connectionString, contentRoot),
        DatabaseProvider.Postgres => new PostgresDialect(connectionString!),
        DatabaseProvider.SqlServer => new SqlServerDialect(connectionString!),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };

    /// <summary>Null when the connection string can be read by the engine's driver; otherwise why not.</summary>
    public static string? CheckConnectionString(DatabaseProvider provider, string connectionString)
    {
        try
        {
            switch (provider)
            {
                case DatabaseProvider.Sqlite:
                    var sqlite = new SqliteConnectionStringBuilder(connectionString);
                    if (string.IsNullOrWhiteSpace(sqlite.DataSource) || sqlite.DataSource == ":memory:" || sqlite.Mode == SqliteOpenMode.Memory)
                    {
                        return "a conexão SQLite precisa indicar um arquivo (Data Source=data/vinculo.db).";
                    }

                    return null;
                case DatabaseProvider.Postgres:
                    return string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host)
                        ? "a conexão PostgreSQL precisa indicar o servidor (Host=…)."
                        : null;
                case DatabaseProvider.SqlServer:
                    return string.IsNullOrWhiteSpace(new SqlConnectionStringBuilder(connectionString).DataSource)
                        ? "a conexão SQL Server precisa indicar o servidor (Server=…)."
                        : null;
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            // The driver's message may quote the offending fragment; it never sees a valid password here,
            // but to be safe only the exception type's gist is reported.
            return $"não é uma conexão {provider} válida ({FirstSentence(e.Message)}).";
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf('.', StringComparison.Ordinal);
        var sentence = end > 0 ? message[..end] : message;
        return sentence.Contains("password", StringComparison.OrdinalIgnoreCase) ? "palavra-chave ou valor ilegível" : sentence;
    }
}

/// <summary>Statements that tune one connection for a while (<see cref="Apply"/>) and give it back as it was (<see cref="Restore"/>).</summary>
public sealed record SessionTuning(string Apply, string Restore);

/// <summary>The statements that drop an index when it exists, and create it unless it exists.</summary>
public sealed record IndexStatements(string Drop, string Create);
