using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;
using Quartz;

namespace Vinculo.Data;

public sealed class SqlServerDialect(string connectionString) : SqlDialect(connectionString)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override string MigrationFolder => "sqlserver";

    public override string QuartzSchemaResource => "Quartz.Impl.AdoJobStore.Schema.create_sqlServer.sql";

    public override string TableExistsSql => "SELECT count(*) FROM sys.tables WHERE name = @name AND schema_id = SCHEMA_ID()";

    public const string AcquireLeaseSql =
        "DECLARE @result int; EXEC @result = sp_getapplock @Resource = @name, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @result;";

    public const string ReleaseLeaseSql = "EXEC sp_releaseapplock @Resource = @name, @LockOwner = 'Session';";

    public override string DescribeTarget()
    {
        var builder = new SqlConnectionStringBuilder(ConnectionString);
        return $"banco SQL Server '{builder.InitialCatalog}' em {builder.DataSource}";
    }

    public override DbConnection CreateConnection(bool pooled = true) =>
        new SqlConnection(pooled ? ConnectionString : new SqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());

    /// <summary>A JSON array read with OPENJSON (SQL Server 2016 and later).</summary>
    public override string InList(string column, string parameter) => $"{column} IN (SELECT value FROM OPENJSON({parameter}))";

    protected override string DropIndexIfExists(string index, string table) => $"DROP INDEX IF EXISTS {index} ON {table}";

    protected override string CreateIndexIfMissing(string index, string table, string columns) =>
        $"IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = '{index}' AND object_id = OBJECT_ID('{table}')) CREATE INDEX {index} ON {table} ({columns})";

    /// <summary>The lookup-key indexes of V013: each row a first sweep checks leaves both filtered indexes.</summary>
    protected override IEnumerable<(string Name, string Columns, string Filter)> RowChurnIndexes() =>
    [
        ("ix_contacts_raw_phone_key", "raw_phone_key", "phone_checked_at IS NULL AND erased_at IS NULL"),
        ("ix_contacts_raw_phone_keyed_by", "raw_phone_keyed_by", "phone_checked_at IS NULL AND erased_at IS NULL"),
    ];

    /// <remarks>On the persisted hash of <c>phone_raw</c>, as in V010: an index key holds at most 1,700 bytes.</remarks>
    protected override string CreateUnclassifiedRawIndex() =>
        "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_contacts_unclassified_raw' AND object_id = OBJECT_ID('contacts')) " +
        "CREATE INDEX ix_contacts_unclassified_raw ON contacts (phone_raw_hash) WHERE phone_e164 IS NULL AND erased_at IS NULL";

    /// <remarks>OUTPUT INTO a table variable, then a SELECT: a bare OUTPUT is refused on a table with any enabled trigger.</remarks>
    public override string ClaimSql(string table, string key, string where, string orderBy, string assignments) =>
        $"DECLARE @claimed TABLE ({key} bigint NOT NULL); " +
        $"WITH claimed AS (SELECT TOP (@limit) * FROM {table} WITH (UPDLOCK, READPAST, ROWLOCK) WHERE {where} ORDER BY {orderBy}) " +
        $"UPDATE claimed SET {assignments} OUTPUT inserted.{key} INTO @claimed; SELECT {key} FROM @claimed;";

    /// <remarks>SCOPE_IDENTITY rather than OUTPUT: an OUTPUT clause without INTO is refused on tables with triggers.</remarks>
    public override string InsertReturningKey(string table, string columns, string values, string keyColumn) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}); SELECT CAST(SCOPE_IDENTITY() AS bigint);";

    /// <summary>A session-owned application lock on a connection kept open for the lease's lifetime.</summary>
    public override async Task<Lease?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken)
    {
        var resource = "vinculo:" + name;
        var connection = await database.OpenAsync(cancellationToken, pooled: false);
        try
        {
            var result = await connection.ExecuteScalarAsync<int>(
                new CommandDefinition(AcquireLeaseSql, new { name = resource }, cancellationToken: cancellationToken));
            if (result >= 0)
            {
                return new ConnectionLease(connection, ReleaseLeaseSql, new { name = resource }, database.TimeProvider);
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

    public override bool IsTransient(Exception exception) =>
        exception is SqlException { Number: -2 or 53 or 1205 or 4060 or 40197 or 40501 or 40613 or 49918 or 49919 or 49920 }
        || base.IsTransient(exception);

    public override void UseQuartzStore(IPersistentStoreBuilder store) => store.UseSqlServer(ConnectionString);

    public override string Top(string limitParameter) => $"TOP ({limitParameter})";

    public override string RefreshStatisticsSql => "EXEC sp_updatestats";

    public override string Limit(string limitParameter) => "";

    /// <summary>
    /// nvarchar(max) cannot be an index key: V010 indexes its SHA-256 (the persisted column <c>phone_raw_hash</c>), so the
    /// hash finds the row and the text confirms it. Both sides hash nvarchar, the same UTF-16 bytes.
    /// </summary>
    public override string ListRows(string listParameter, string name) => $"OPENJSON({listParameter}) AS {name}";

    public override string RawPhoneEquals(string parameter) =>
        $"phone_raw_hash = CAST(HASHBYTES('SHA2_256', CAST({parameter} AS nvarchar(max))) AS binary(32)) AND phone_raw = {parameter}";

    /// <summary>The scratch databases' statements (a name is a plain identifier Vinculo generates: a name cannot be a parameter).</summary>
    internal static string CreateDatabaseSql(string name) => $"CREATE DATABASE [{BulkWrite.Identifier(name)}]";

    internal static string DropDatabaseSql(string name) =>
        $"ALTER DATABASE [{BulkWrite.Identifier(name)}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{BulkWrite.Identifier(name)}];";

    internal const string FindDatabaseSql = "SELECT COUNT(*) FROM sys.databases WHERE name = @name";

    public override async Task<string> CreateScratchDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using (var connection = new SqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // An identifier cannot be a parameter: only a plain one (Vinculo generates it) is spliced in.
            name = BulkWrite.Identifier(name);
            await connection.ExecuteAsync(new CommandDefinition(CreateDatabaseSql(name), cancellationToken: cancellationToken));
        }

        return new SqlConnectionStringBuilder(ConnectionString) { InitialCatalog = name }.ToString();
    }

    public override async Task DropScratchDatabaseAsync(string scratchConnectionString, CancellationToken cancellationToken)
    {
        SqlConnection.ClearAllPools();
        var name = BulkWrite.Identifier(new SqlConnectionStringBuilder(scratchConnectionString).InitialCatalog);
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DropDatabaseSql(name), cancellationToken: cancellationToken));
    }

    public override async Task<string?> FindScratchDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var found = await connection.ExecuteScalarAsync<int>(new CommandDefinition(FindDatabaseSql, new { name }, cancellationToken: cancellationToken));
        return found == 0 ? null : new SqlConnectionStringBuilder(ConnectionString) { InitialCatalog = name }.ToString();
    }

    /// <remarks>
    /// SQL Server copies a database only through a backup file on the server's own disk, which Vinculo cannot choose for
    /// the user: refused with a message, before anything is written.
    /// </remarks>
    public override Task<string> CopyScratchDatabaseAsync(string sourceConnectionString, string name, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Copiar um banco descartável não é possível no SQL Server: use --base com SQLite ou PostgreSQL.");

    public override Task<int> BulkWriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken) =>
        SqlServerBulk.WriteAsync(connection, transaction, write, rows, cancellationToken);

    public override IReadOnlyList<string> BulkWriteStatements(BulkWrite write) => SqlServerBulk.Statements(write);
}
