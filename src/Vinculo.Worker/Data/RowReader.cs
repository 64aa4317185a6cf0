using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Vinculo.Data;

/// <summary>
/// A forward-only cursor over the rows of one query, for sweeps that read millions of rows column by column. On
/// SQLite it steps the native statement itself: the driver's accessors cost several native calls per column (type
/// checks, bounds checks), which made reading slower than the query. Elsewhere it wraps the driver's data reader.
/// Columns are read by position; NULLs come back as null.
/// </summary>
public abstract class RowReader : IAsyncDisposable
{
    /// <summary>Moves to the next row; false when there is none.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    public abstract bool IsNull(int ordinal);

    public abstract long GetInt64(int ordinal);

    public abstract int GetInt32(int ordinal);

    public abstract string? GetString(int ordinal);

    /// <summary>
    /// Text of a column with few distinct values (statuses, codes, zone names): equal texts may come back as one shared
    /// string, so a sweep does not allocate a copy of "valid" per row.
    /// </summary>
    public virtual string? GetCode(int ordinal) => GetString(ordinal);

    /// <summary>A stored timestamp (see <see cref="StoredInstants"/>), in UTC.</summary>
    public abstract DateTimeOffset? GetInstant(int ordinal);

    public abstract ValueTask DisposeAsync();
}

/// <summary>The driver's own data reader behind a <see cref="RowReader"/> (PostgreSQL, SQL Server).</summary>
internal sealed class DbRowReader(DbDataReader reader) : RowReader
{
    public static async Task<RowReader> OpenAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var command = new CommandDefinition(sql, new DynamicParameters(parameters), commandTimeout: timeoutSeconds, cancellationToken: cancellationToken);
        return new DbRowReader(await connection.ExecuteReaderAsync(command));
    }

    public override async ValueTask<bool> ReadAsync(CancellationToken cancellationToken) => await reader.ReadAsync(cancellationToken);

    public override bool IsNull(int ordinal) => reader.IsDBNull(ordinal);

    public override long GetInt64(int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public override int GetInt32(int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public override string? GetString(int ordinal) => reader.GetValue(ordinal) as string;

    public override DateTimeOffset? GetInstant(int ordinal) => StoredInstants.Read(reader, ordinal);

    public override ValueTask DisposeAsync() => reader.DisposeAsync();
}

/// <summary>A SQLite statement stepped through the native API, its parameters bound by name.</summary>
internal sealed class SqliteRowReader : RowReader
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;

    private SqliteRowReader(sqlite3 db, sqlite3_stmt statement)
    {
        this.db = db;
        this.statement = statement;
    }

    /// <remarks>
    /// Parameter values: integers, text, <see cref="DateTimeOffset"/> (the fixed UTC text form), <see cref="DateOnly"/>,
    /// booleans, doubles and null, as the driver would bind them. The connection's busy timeout applies to each step.
    /// </remarks>
    public static RowReader Open(SqliteConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        try
        {
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, name.StartsWith('@') ? name : "@" + name);
                if (index > 0)
                {
                    Check(Bind(statement, index, value), db);
                }
            }
        }
        catch
        {
            statement.Dispose();
            throw;
        }

        return new SqliteRowReader(db, statement);
    }

    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = raw.sqlite3_step(statement);
        if (result == raw.SQLITE_ROW)
        {
            return ValueTask.FromResult(true);
        }

        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }

        return ValueTask.FromResult(false);
    }

    public override bool IsNull(int ordinal) => raw.sqlite3_column_type(statement, ordinal) == raw.SQLITE_NULL;

    public override long GetInt64(int ordinal) => raw.sqlite3_column_int64(statement, ordinal);

    public override int GetInt32(int ordinal) => raw.sqlite3_column_int(statement, ordinal);

    public override string? GetString(int ordinal) =>
        IsNull(ordinal) ? null : Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, ordinal));

    /// <summary>Codes longer than this, or beyond <see cref="MaxCodes"/> distinct ones, are decoded afresh.</summary>
    private const int MaxCodeLength = 64;

    private const int MaxCodes = 4096;

    private Dictionary<string, string>? codes;

    public override string? GetCode(int ordinal)
    {
        if (IsNull(ordinal))
        {
            return null;
        }

        var bytes = raw.sqlite3_column_blob(statement, ordinal);
        if (bytes.Length > MaxCodeLength)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        Span<char> text = stackalloc char[MaxCodeLength];
        var length = Encoding.UTF8.GetChars(bytes, text);
        codes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = codes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text[..length], out var known))
        {
            return known;
        }

        var decoded = new string(text[..length]);
        if (codes.Count < MaxCodes)
        {
            codes[decoded] = decoded;
        }

        return decoded;
    }

    public override DateTimeOffset? GetInstant(int ordinal)
    {
        if (IsNull(ordinal))
        {
            return null;
        }

        var bytes = raw.sqlite3_column_blob(statement, ordinal);
        Span<char> text = stackalloc char[24];
        if (bytes.Length == 24)
        {
            for (var i = 0; i < 24; i++)
            {
                text[i] = (char)bytes[i];
            }

            if (StoredInstants.TryParseFixed(text, out var instant))
            {
                return instant;
            }
        }

        return new UtcTimestampHandler().Parse(Encoding.UTF8.GetString(bytes));
    }

    public override ValueTask DisposeAsync()
    {
        statement.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int Bind(sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        DateTimeOffset instant => raw.sqlite3_bind_text(statement, index, UtcTimestampHandler.ToSqliteText(instant)),
        DateOnly day => raw.sqlite3_bind_text(statement, index, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        string text => raw.sqlite3_bind_text(statement, index, text),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        double or float or decimal => raw.sqlite3_bind_double(statement, index, Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        long or int or short or byte => raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"Cannot bind a {value.GetType().Name} to a SQLite parameter.", nameof(value)),
    };

    private static void Check(int resultCode, sqlite3 db)
    {
        if (resultCode != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(resultCode, db);
        }
    }
}
