using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Vinculo.Data;

/// <summary>
/// SQLite has one writer and no bulk protocol: one prepared statement, rebound per row, inside the
/// caller's transaction. (Measured here: multi-row statements through a staging table are slower.)
/// </summary>
internal static partial class SqliteBulk
{
    /// <summary>Parameters are numbered (<c>?1</c>, <c>?2</c>, …) in the order of the row arrays: the key first for updates.</summary>
    public static string Statement(BulkWrite write)
    {
        string P(int position) => "?" + position.ToString(CultureInfo.InvariantCulture);
        if (write.Key is null)
        {
            var names = write.Columns.Select(c => c.Name).ToList();
            return $"INSERT INTO {write.Table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => P(i + 1)))})";
        }

        var sets = write.Columns.Select((c, i) => $"{c.Name} = {P(i + 2)}");
        return $"UPDATE {write.Table} SET {string.Join(", ", sets)} WHERE {write.Key.Name} = {P(1)}";
    }

    /// <remarks>
    /// Binds by position through the native API: the driver's own parameters are looked up by name on
    /// every execution, which costs more than the row write itself on a sweep of millions.
    /// </remarks>
    public static Task<int> WriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken)
    {
        _ = transaction; // The native statements run inside the transaction the connection has open.
        var columns = (write.Key is null ? write.Columns : write.AllColumns).ToList();
        return Task.FromResult(Checked((SqliteConnection)connection, write.SchemaConformant, c => Run(c, Statement(write), columns, rows, cancellationToken)));
    }

    /// <summary>Runs <paramref name="write"/>, with the CHECK constraints off for its duration when <paramref name="skipChecks"/>.</summary>
    private static int Checked(SqliteConnection connection, bool skipChecks, Func<SqliteConnection, int> write)
    {
        if (!skipChecks)
        {
            return write(connection);
        }

        Pragma(connection, "PRAGMA ignore_check_constraints = ON");
        try
        {
            return write(connection);
        }
        finally
        {
            // The connection goes back to the pool: nothing else may run with the checks off.
            Pragma(connection, "PRAGMA ignore_check_constraints = OFF");
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_exec(db, sql), db);
    }

    /// <summary>Runs one prepared statement per row, bound by position; returns the rows it changed.</summary>
    private static int Run(SqliteConnection connection, string sql, List<BulkColumn> columns, BulkRows rows, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        using (statement)
        {
            var written = 0;
            var typed = rows.Typed;
            for (var row = 0; row < rows.Count; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var i = 0; i < columns.Count; i++)
                {
                    Check(typed ? Bind(statement, i + 1, rows, row, i, columns[i].Type) : Bind(statement, i + 1, rows.Value(row, i), columns[i].Type), db);
                }

                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_DONE)
                {
                    Check(step, db);
                }

                written += raw.sqlite3_changes(db);
                raw.sqlite3_reset(statement);
            }

            return written;
        }
    }

    /// <summary>An insert of one row returning its generated key, parameters numbered as in <see cref="Statement"/>.</summary>
    public static string InsertReturningKeyStatement(BulkWrite write, string keyColumn) =>
        write.Key is null ? $"{Statement(write)} RETURNING {BulkWrite.Identifier(keyColumn)}" : throw new ArgumentException("An insert has no key column.", nameof(write));

    /// <summary>Inserts the rows with one prepared statement, rebound per row; returns each row's generated key, in row order.</summary>
    public static List<long> InsertReturningKeys(SqliteConnection connection, BulkWrite write, string keyColumn, BulkRows rows, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, InsertReturningKeyStatement(write, keyColumn), out var statement), db);
        using (statement)
        {
            var keys = new List<long>(rows.Count);
            for (var row = 0; row < rows.Count; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var i = 0; i < write.Columns.Count; i++)
                {
                    Check(Bind(statement, i + 1, rows.Value(row, i), write.Columns[i].Type), db);
                }

                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_ROW)
                {
                    Check(step == raw.SQLITE_DONE ? raw.SQLITE_MISUSE : step, db);
                }

                keys.Add(raw.sqlite3_column_int64(statement, 0));
                step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_DONE)
                {
                    Check(step, db);
                }

                raw.sqlite3_reset(statement);
            }

            return keys;
        }
    }

    /// <summary>Binds through the rows' typed readers when their form has them, so no value is boxed.</summary>
    private static int Bind(sqlite3_stmt statement, int index, BulkRows rows, int row, int column, BulkType type)
    {
        switch (type)
        {
            case BulkType.Identifier or BulkType.Number when rows.TryInt64(row, column, out var number):
                return raw.sqlite3_bind_int64(statement, index, number);
            case BulkType.Text when rows.TryText(row, column, out var text):
                return text is null ? raw.sqlite3_bind_null(statement, index) : BindText(statement, index, text);
            case BulkType.Text:
                return BindUtf8(statement, index, rows, row, column, type);
            case BulkType.Timestamp when rows.TryInstant(row, column, out var instant):
                return BindInstant(statement, index, instant);
            default:
                return Bind(statement, index, rows.Value(row, column), type);
        }
    }

    private static int BindUtf8(sqlite3_stmt statement, int index, BulkRows rows, int row, int column, BulkType type)
    {
        Span<byte> utf8 = stackalloc byte[StackTextLength];
        return rows.TryUtf8(row, column, utf8, out var written)
            ? raw.sqlite3_bind_text(statement, index, (ReadOnlySpan<byte>)utf8[..written])
            : Bind(statement, index, rows.Value(row, column), type);
    }

    private static int Bind(sqlite3_stmt statement, int index, object? value, BulkType type) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        DateTimeOffset instant when type == BulkType.Timestamp => BindInstant(statement, index, instant),
        DateOnly day => raw.sqlite3_bind_text(statement, index, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        string text => BindText(statement, index, text),
        long or int or short or byte => raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        IFormattable number when type == BulkType.Fraction => raw.sqlite3_bind_double(statement, index, Convert.ToDouble(number, CultureInfo.InvariantCulture)),
        _ => raw.sqlite3_bind_text(statement, index, Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>Longest text encoded on the stack; longer values take the driver's own (allocating) conversion.</summary>
    private const int StackTextLength = 256;

    /// <remarks>
    /// Encodes into a stack buffer that SQLite copies: the driver's string overload allocates a NUL-terminated array
    /// per value, a dozen per row on a sweep of millions.
    /// </remarks>
    internal static int BindText(sqlite3_stmt statement, int index, string text)
    {
        if (text.Length > StackTextLength)
        {
            return raw.sqlite3_bind_text(statement, index, text);
        }

        Span<byte> utf8 = stackalloc byte[StackTextLength * 3];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        return raw.sqlite3_bind_text(statement, index, (ReadOnlySpan<byte>)utf8[..length]);
    }

    internal static int BindInstant(sqlite3_stmt statement, int index, DateTimeOffset instant)
    {
        Span<byte> utf8 = stackalloc byte[32];
        return UtcTimestampHandler.TryFormatSqliteUtf8(instant, utf8, out var length)
            ? raw.sqlite3_bind_text(statement, index, (ReadOnlySpan<byte>)utf8[..length])
            : raw.sqlite3_bind_text(statement, index, UtcTimestampHandler.ToSqliteText(instant));
    }

    private static void Check(int resultCode, sqlite3 db)
    {
        if (resultCode != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(resultCode, db);
        }
    }
}
