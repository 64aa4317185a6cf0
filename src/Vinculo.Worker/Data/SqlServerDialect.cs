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

    public override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

    public override string InsertReturningKey(string table, string columns, string values, string keyColumn) =>
        $"INSERT INTO {table} ({columns}) OUTPUT inserted.{keyColumn} VALUES ({values})";

    /// <summary>A session-owned application lock on a connection kept open for the lease's lifetime.</summary>
    public override async Task<IAsyncDisposable?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken)
    {
        var resource = "vinculo:" + name;
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var result = await connection.ExecuteScalarAsync<int>(
                new CommandDefinition(AcquireLeaseSql, new { name = resource }, cancellationToken: cancellationToken));
            if (result >= 0)
            {
                return new ConnectionLease(connection, ReleaseLeaseSql, new { name = resource });
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
}
