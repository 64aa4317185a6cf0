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

    public override string MigrationFolder => "postgres";

    public override string QuartzSchemaResource => "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    public override string TableExistsSql =>
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";

    public override string DescribeTarget()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"banco PostgreSQL '{builder.Database}' em {builder.Host}:{builder.Port}";
    }

    public override DbConnection CreateConnection() => new NpgsqlConnection(ConnectionString);

    public override string InsertReturningKey(string table, string columns, string values, string keyColumn) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {keyColumn}";

    /// <summary>A session-level advisory lock on a connection kept open for the lease's lifetime.</summary>
    public override async Task<IAsyncDisposable?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken)
    {
        var key = LockKey(name);
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var taken = await connection.ExecuteScalarAsync<bool>(
                new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key }, cancellationToken: cancellationToken));
            if (taken)
            {
                return new ConnectionLease(connection, "SELECT pg_advisory_unlock(@key)", new { key });
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
}
