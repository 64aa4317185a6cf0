using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using Quartz;

namespace Vinculo.Data;

public sealed class PostgresDialect(string connectionString) : SqlDialect(connectionString)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <summary>
    /// Besides what Npgsql calls transient, a deadlock or a serialization failure: PostgreSQL rolled the transaction back,
    /// and running it again is the cure (several nodes starting at once deadlock on the schema and schedule checks).
    /// </summary>
    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } || base.IsTransient(exception);

    public override string MigrationFolder => "postgres";

    public override string QuartzSchemaResource => "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    public override string TableExistsSql =>
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";

    public override string DescribeTarget()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"banco PostgreSQL '{builder.Database}' em {builder.Host}:{builder.Port}";
    }

    /// <summary>
    /// The configured connection string, with the JIT compiler turned off for Vinculo's sessions unless the string
    /// already sets server options: the sweeps' range statements are estimated as costly, and compiling each one took
    /// longer than running it (25-50 ms a statement, several seconds per million consents).
    /// </summary>
    private string SessionConnectionString { get; } = WithSessionDefaults(connectionString);

    public override DbConnection CreateConnection(bool pooled = true) =>
        new NpgsqlConnection(pooled ? SessionConnectionString : new NpgsqlConnectionStringBuilder(SessionConnectionString) { Pooling = false, KeepAlive = 30 }.ToString());

    private static string WithSessionDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Options))
        {
            builder.Options = "-c jit=off";
        }

        return builder.ToString();
    }

    /// <summary>A PostgreSQL array parameter.</summary>
    public override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    public override object ListParameter<T>(IEnumerable<T> values) => values.ToArray();

    public override string ListRows(string listParameter, string name) => $"unnest({listParameter}) AS {name}(value)";

    public override string ClaimSql(string table, string key, string where, string orderBy, string assignments) =>
        $"UPDATE {table} SET {assignments} WHERE {key} IN (SELECT {key} FROM {table} WHERE {where} ORDER BY {orderBy} LIMIT @limit FOR UPDATE SKIP LOCKED) RETURNING {key}";

    public override string InsertReturningKey(string table, string columns, string values, string keyColumn) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {keyColumn}";

    /// <summary>A session-level advisory lock on a connection kept open for the lease's lifetime.</summary>
    public override async Task<Lease?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken)
    {
        var key = LockKey(name);
        var connection = await database.OpenAsync(cancellationToken, pooled: false);
        try
        {
            var taken = await connection.ExecuteScalarAsync<bool>(
                new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key }, cancellationToken: cancellationToken));
            if (taken)
            {
                return new ConnectionLease(connection, "SELECT pg_advisory_unlock(@key)", new { key }, database.TimeProvider);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>A stable 64-bit key per lease name, namespaced so other applications' locks cannot collide by accident.</summary>
    internal static long LockKey(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("vinculo:" + name)), 0);

    public override void UseQuartzStore(IPersistentStoreBuilder store) => store.UsePostgres(ConnectionString);

    public override async Task<string> CreateScratchDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // An identifier cannot be a parameter: only a plain one (Vinculo generates it) is spliced in.
            name = BulkWrite.Identifier(name);
            await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE \"{name}\"", cancellationToken: cancellationToken));
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    public override async Task DropScratchDatabaseAsync(string scratchConnectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        var name = BulkWrite.Identifier(new NpgsqlConnectionStringBuilder(scratchConnectionString).Database ?? "");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", commandTimeout: 0, cancellationToken: cancellationToken));
    }

    public override async Task<string?> FindScratchDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var found = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM pg_database WHERE datname = @name", new { name }, cancellationToken: cancellationToken));
        return found == 0 ? null : new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    /// <remarks>A new database from the source as its template: the server copies the files, once no connection uses the source.</remarks>
    public override async Task<string> CopyScratchDatabaseAsync(string sourceConnectionString, string name, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        var source = BulkWrite.Identifier(new NpgsqlConnectionStringBuilder(sourceConnectionString).Database ?? "");
        name = BulkWrite.Identifier(name);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // Identifiers cannot be parameters: both are plain ones (checked above).
        // Minutes for a base of ten million contacts: no command timeout.
        await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE \"{name}\" TEMPLATE \"{source}\"", commandTimeout: 0, cancellationToken: cancellationToken));
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    public override Task<int> BulkWriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken) =>
        PostgresBulk.WriteAsync(connection, transaction, write, rows, cancellationToken);

    /// <remarks>A hash index, as in V010: a B-tree refuses entries longer than about 2,700 bytes.</remarks>
    protected override string CreateUnclassifiedRawIndex() =>
        "CREATE INDEX IF NOT EXISTS ix_contacts_unclassified_raw ON contacts USING hash (phone_raw) WHERE phone_e164 IS NULL AND erased_at IS NULL";

    /// <summary>
    /// Every row version enters each index whose filter it meets (an update that changes an indexed column makes a new
    /// version): the names a first sweep finds unkeyed, all of them when another tool loaded the base, would be a million
    /// inserts into V013's index of unkeyed names (1.8 s of a million-contact sweep); every contact that ever interacted,
    /// as many inserts into V019's index of latest interactions.
    /// </summary>
    protected override IEnumerable<(string Name, string Columns, string Filter)> RowChurnIndexes() =>
    [
        ("ix_contacts_name_unkeyed", "contact_id", "name IS NOT NULL AND name_key IS NULL AND erased_at IS NULL"),
        ("ix_contacts_last_interaction_at", "contact_id, last_interaction_at", "last_interaction_at IS NOT NULL"),
    ];

    /// <remarks>Runs outside any transaction (VACUUM refuses one).</remarks>
    protected override string? AfterRewrite(string table) => $"VACUUM (ANALYZE) {table}";

    /// <remarks>A sample of the table (about 30,000 rows): a fraction of a second on a million contacts.</remarks>
    protected override string? BeforeRewrite(string table) => $"ANALYZE {table}";

    /// <summary>
    /// Each correlated seek runs as a sub-plan of its own: on a base with years of history (about fifteen interactions a
    /// person) the planner's per-row latest-interaction seeks cost 2.5 times one grouped pass over the same index.
    /// </summary>
    public override bool FastCorrelatedSeeks => false;

    /// <remarks>
    /// With a vacuum: a live base was vacuumed by autovacuum long ago, and a freshly loaded one would have autovacuum
    /// working through it in the middle of a measurement (seen: runs twice as slow, at random).
    /// </remarks>
    public override string RefreshStatisticsSql => "VACUUM ANALYZE";

    public override string? SessionProcessIdsSql => "SELECT pid FROM pg_stat_activity WHERE datname = current_database()";

    public override IReadOnlyList<string> BulkWriteStatements(BulkWrite write) => PostgresBulk.Statements(write, "bulk_staging");

    /// <summary>
    /// The keys come from the table's own sequence first (one statement), then the rows are written with them in bulk
    /// (COPY): an identity column generated by default takes a key given to it.
    /// </summary>
    public override async Task<List<long>> BulkInsertReturningKeysAsync(
        DbConnection connection, DbTransaction transaction, BulkWrite write, string keyColumn, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var keys = (await connection.QueryAsync<long>(new CommandDefinition(
            KeysSql, new { table = write.Table, column = BulkWrite.Identifier(keyColumn), count = rows.Count }, transaction, cancellationToken: cancellationToken))).Order().ToList();
        var keyed = new BulkWrite(write.Table, null, [new BulkColumn(keyColumn, BulkType.Identifier), .. write.Columns]);
        await PostgresBulk.WriteAsync(connection, transaction, keyed, BulkRows.Of(rows.Select((row, i) => (object?[])[keys[i], .. row]).ToList()), cancellationToken);
        return keys;
    }

    /// <summary>Takes <c>@count</c> values of the sequence behind <c>@table</c>.<c>@column</c>.</summary>
    private const string KeysSql = "SELECT nextval(pg_get_serial_sequence(@table, @column)) FROM generate_series(1, @count)";

    public override IReadOnlyList<string> BulkInsertReturningKeysStatements(BulkWrite write, string keyColumn) =>
        [KeysSql, .. PostgresBulk.Statements(new BulkWrite(write.Table, null, [new BulkColumn(keyColumn, BulkType.Identifier), .. write.Columns]), "bulk_staging")];
}
