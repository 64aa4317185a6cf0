using System.Data.Common;
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

    /// <summary>Where the database lives, for messages to the user (in Portuguese): never includes a password.</summary>
    public abstract string DescribeTarget();

    public abstract DbConnection CreateConnection();

    /// <summary>Per-connection settings applied right after opening.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An INSERT of one row that returns its generated key.</summary>
    public abstract string InsertReturningKey(string table, string columns, string values, string keyColumn);

    /// <summary>
    /// Takes the named lease without waiting, or returns null when someone (this or another process)
    /// holds it. The lease ends when disposed, or when the holder's process or connection dies.
    /// </summary>
    public abstract Task<IAsyncDisposable?> TryAcquireLeaseAsync(Database database, string name, CancellationToken cancellationToken);

    /// <summary>Whether retrying the operation that threw this may succeed.</summary>
    public virtual bool IsTransient(Exception exception) => exception switch
    {
        DbException { IsTransient: true } => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    public abstract void UseQuartzStore(IPersistentStoreBuilder store);

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
                    _ = new NpgsqlConnectionStringBuilder(connectionString);
                    return null;
                case DatabaseProvider.SqlServer:
                    _ = new SqlConnectionStringBuilder(connectionString);
                    return null;
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
