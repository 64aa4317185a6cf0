using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Quartz;

namespace Vinculo.Data;

/// <summary>
/// The embedded default: one file, one writer at a time (WAL, busy timeout), one node. Leases are OS
/// file locks beside the database, released by the OS if the process dies.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private SqliteDialect(string connectionString, string databasePath)
        : base(connectionString)
    {
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string MigrationFolder => "sqlite";

    public override string QuartzSchemaResource => "Quartz.Impl.AdoJobStore.Schema.create_sqlite.sql";

    public override string TableExistsSql => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name";

    public override string DescribeTarget() => $"arquivo SQLite {DatabasePath}";

    /// <summary>Resolves a relative file against the data folder (<see cref="Hosting.VinculoPaths"/>), so the same settings work from any working directory.</summary>
    public static SqliteDialect FromConnectionString(string? connectionString, string dataRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(connectionString) ? DefaultConnectionString(DatabaseProvider.Sqlite) : connectionString);
        var path = Hosting.VinculoPaths.Resolve(dataRoot, builder.DataSource);
        builder.DataSource = path;
        builder.ForeignKeys = true;
        builder.Pooling = true;
        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        return new SqliteDialect(builder.ToString(), path);
    }

    public override DbConnection CreateConnection(bool pooled = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        return new SqliteConnection(ConnectionString);
    }

    /// <summary>The page cache every connection gets (negative: KiB); a session that raises it for a while restores this.</summary>
    private const string DefaultCacheSizePragma = "PRAGMA cache_size = -8192;";

    /// <summary>
    /// A 64 MB page cache (negative: KiB) while the import writes: measured, a fifth faster on a long chat than the default,
    /// and still a fixed bound. Pooled connections keep their cache, so it is put back when the session ends.
    /// </summary>
    public override SessionTuning LargeImportSession { get; } = new("PRAGMA cache_size = -65536", DefaultCacheSizePragma);

    public override string RefreshStatisticsSql => "ANALYZE";

    /// <summary>
    /// SQLite gathers statistics only when asked, and without them it plans a batch's reads blind: on a million contacts
    /// never analyzed, plan-messages took 182 s instead of 17 s. This analyzes the tables never analyzed, those whose size
    /// changed a lot since (an import, a purge) and those with an index without statistics (the indexes a large rewrite
    /// rebuilt), within a limit SQLite sets; otherwise it does nothing (about a millisecond). 0x10000: every table is looked
    /// at, not only those this connection used.
    /// </summary>
    public override string? RoutineStatisticsSql => "PRAGMA optimize(0x10002)";

    /// <summary>
    /// The two lookup-key indexes of V013 hold every row awaiting its first check: each row a first sweep checks leaves
    /// both, two deletes per row, a fifth of the sweep's write time on a million contacts.
    /// </summary>
    protected override IEnumerable<(string Name, string Columns, string Filter)> RowChurnIndexes() =>
    [
        ("ix_contacts_raw_phone_key", "raw_phone_key", "phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL"),
        ("ix_contacts_raw_phone_keyed_by", "raw_phone_keyed_by", "phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL"),
    ];

    /// <summary>Helper threads for the sort of an index build (measured: the number index of a million contacts in 0.67 s rather than 0.9 s).</summary>
    public override SessionTuning IndexBuildSession { get; } = new(
        $"PRAGMA threads = {Math.Min(Environment.ProcessorCount, 4)}", "PRAGMA threads = 0");

    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // An 8 MB page cache per connection (the default is 2 MB). Pooled connections keep theirs, so a larger one made
        // memory grow with the base (about 100 MB more at a million contacts); the sweeps write in key order and
        // rebuild the number index rather than update it, and measured no slower with this one.
        command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; " + DefaultCacheSizePragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <remarks>Run inside a transaction begun IMMEDIATE (Microsoft.Data.Sqlite's default), which holds the one write lock.</remarks>
    public override string ClaimSql(string table, string key, string where, string orderBy, string assignments) =>
        $"UPDATE {table} SET {assignments} WHERE {key} IN (SELECT {key} FROM {table} WHERE {where} ORDER BY {orderBy} LIMIT @limit) RETURNING {key}";

    public override string InsertReturningKey(string table, string columns, string values, string keyColumn) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {keyColumn}";

    public override Task<Lease?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken) =>
        Task.FromResult<Lease?>(FileLease.TryAcquire(LeasePath(name)));

    /// <summary>Lock files live in a folder beside the database: <c>vinculo.db.locks/</c>.</summary>
    public string LeasePath(string name) => Path.Combine(DatabasePath + ".locks", name + ".lock");

    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 } || base.IsTransient(exception);

    public override void UseQuartzStore(IPersistentStoreBuilder store) => store.UseSqlite(ConnectionString);

    public override int ConcurrentWriters => 1;

    /// <summary>
    /// One writer at a time, and a waiting writer's busy handler retries the lock every 100 ms at most: without a pause
    /// the importer's next batch takes the lock again first, and an opt-out waits behind the whole file.
    /// </summary>
    public override TimeSpan WriterTurn => TimeSpan.FromMilliseconds(100);

    /// <summary>The native statement, stepped directly (see <see cref="SqliteRowReader"/>); the busy timeout still applies.</summary>
    public override Task<RowReader> ReadRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, int timeoutSeconds, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteRowReader.Open((SqliteConnection)connection, sql, parameters));

    public override Task<string> CreateScratchDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetDirectoryName(DatabasePath)!, name + ".db");
        return Task.FromResult(new SqliteConnectionStringBuilder { DataSource = path }.ToString());
    }

    public override Task DropScratchDatabaseAsync(string scratchConnectionString, CancellationToken cancellationToken)
    {
        DeleteFiles(new SqliteConnectionStringBuilder(scratchConnectionString).DataSource);
        return Task.CompletedTask;
    }

    public override Task<string?> FindScratchDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetDirectoryName(DatabasePath)!, name + ".db");
        return Task.FromResult(File.Exists(path) ? new SqliteConnectionStringBuilder { DataSource = path }.ToString() : null);
    }

    /// <remarks>
    /// Once no pooled connection holds the source, its log is folded into its file and emptied; the file alone is then the
    /// whole database, and is copied. A log another process keeps open cannot be emptied: refused with a message.
    /// </remarks>
    public override async Task<string> CopyScratchDatabaseAsync(string sourceConnectionString, string name, CancellationToken cancellationToken)
    {
        var source = new SqliteConnectionStringBuilder(sourceConnectionString).DataSource;
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection(sourceConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            var (busy, log, folded) = await connection.QuerySingleAsync<(long, long, long)>(
                new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: cancellationToken));
            if (busy != 0 || log != folded)
            {
                throw new InvalidOperationException($"O banco '{source}' está em uso por outro processo: o log dele não pôde ser gravado no arquivo antes da cópia.");
            }
        }

        SqliteConnection.ClearAllPools();
        var copy = await CreateScratchDatabaseAsync(name, cancellationToken);
        var target = new SqliteConnectionStringBuilder(copy).DataSource;
        await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        try
        {
            await using (to)
            {
                await from.CopyToAsync(to, 1 << 20, cancellationToken);
            }
        }
        catch
        {
            // A copy cut short is no database: nothing of it is left behind.
            File.Delete(target);
            throw;
        }

        return copy;
    }

    public override bool DeleteDatabaseFiles()
    {
        DeleteFiles(DatabasePath);
        return true;
    }

    /// <summary>The database file, its WAL and shared-memory files and its lock folder, once no pooled connection holds them.</summary>
    private static void DeleteFiles(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        if (Directory.Exists(path + ".locks"))
        {
            Directory.Delete(path + ".locks", recursive: true);
        }
    }

    public override Task<int> BulkWriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken) =>
        SqliteBulk.WriteAsync(connection, transaction, write, rows, cancellationToken);

    public override IReadOnlyList<string> BulkWriteStatements(BulkWrite write) => [SqliteBulk.Statement(write)];

    /// <remarks>
    /// The index must answer the statement: a partial one only when the statement's condition implies the index's, or SQLite
    /// refuses it ("no query solution"), which the plan tests catch.
    /// </remarks>
    public override string IndexedBy(string table, string index, string? name = null) => $"{base.IndexedBy(table, index, name)} INDEXED BY {index}";

    public override Task<List<long>> BulkInsertReturningKeysAsync(
        DbConnection connection, DbTransaction transaction, BulkWrite write, string keyColumn, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteBulk.InsertReturningKeys((SqliteConnection)connection, write, keyColumn, BulkRows.Of(rows), cancellationToken));

    public override IReadOnlyList<string> BulkInsertReturningKeysStatements(BulkWrite write, string keyColumn) => [SqliteBulk.InsertReturningKeyStatement(write, keyColumn)];

}
