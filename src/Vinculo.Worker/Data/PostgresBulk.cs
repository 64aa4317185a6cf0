using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Vinculo.Data;

/// <summary>PostgreSQL: binary COPY into a temporary table dropped at commit, then one set-based statement.</summary>
internal static partial class PostgresBulk
{
    private static long counter;

    public static IReadOnlyList<string> Statements(BulkWrite write, string staging)
    {
        var columns = write.AllColumns.ToList();
        var create = $"CREATE TEMP TABLE {staging} ({string.Join(", ", columns.Select(c => $"{c.Name} {SqlType(c.Type)}"))}) ON COMMIT DROP";
        var copy = $"COPY {staging} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";

        // Statistics on the staging table, so the planner joins it to the target by key lookups
        // instead of scanning the whole target once per batch.
        var analyze = $"ANALYZE {staging}";
        var names = write.Columns.Select(c => c.Name).ToList();
        var apply = write.Key is null
            ? $"INSERT INTO {write.Table} ({string.Join(", ", names)}) SELECT {string.Join(", ", names)} FROM {staging}"
            : $"UPDATE {write.Table} AS t SET {string.Join(", ", names.Select(n => $"{n} = s.{n}"))} FROM {staging} AS s " +
              // The key range lets the planner reach the target through its key index, not a scan per batch.
              $"WHERE t.{write.Key.Name} = s.{write.Key.Name} AND t.{write.Key.Name} BETWEEN @low AND @high";
        return [create, copy, analyze, apply];
    }

    public static async Task<int> WriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var staging = "bulk_" + write.Table + "_" + Interlocked.Increment(ref counter);
        var statements = Statements(write, staging);
        var columns = write.AllColumns.ToList();

        // See BulkWrite.Redoable: this transaction's commit does not wait for the WAL flush.
        var create = write.Redoable ? "SET LOCAL synchronous_commit = off; " + statements[0] : statements[0];
        await using (var command = new NpgsqlCommand(create, npgsql, (NpgsqlTransaction)transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(npgsql, statements[1], columns, rows, cancellationToken);

        var (low, high) = (long.MaxValue, long.MinValue);
        if (write.Key is not null)
        {
            for (var row = 0; row < rows.Count; row++)
            {
                var key = rows.TryInt64(row, 0, out var typed) ? typed : Convert.ToInt64(rows.Value(row, 0), System.Globalization.CultureInfo.InvariantCulture);
                (low, high) = (Math.Min(low, key), Math.Max(high, key));
            }
        }

        // Keys close together (a sweep's keyset batch) lead the planner to the key range by themselves; the statistics
        // (about 50 ms a batch of 20,000) are for keys scattered over the table.
        var scattered = write.Key is not null && !Contiguous(rows.Count, low, high);
        if (write.Key is null || scattered)
        {
            await using var analyze = new NpgsqlCommand(statements[2], npgsql, (NpgsqlTransaction)transaction);
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        if (scattered)
        {
            // Rows reached through the key index are in memory far more often than the default cost of a random read
            // assumes: priced so, 20,000 scattered rows of a million are updated by key lookups (measured 0.42 s) rather
            // than by a scan of the whole table (0.82 s). For this statement only.
            await SetAsync(npgsql, transaction, "SET LOCAL random_page_cost = 1.1", cancellationToken);
        }

        await using var apply = new NpgsqlCommand(statements[3], npgsql, (NpgsqlTransaction)transaction) { CommandTimeout = 0 };
        if (write.Key is not null)
        {
            apply.Parameters.AddWithValue("low", low);
            apply.Parameters.AddWithValue("high", high);
        }

        var written = await apply.ExecuteNonQueryAsync(cancellationToken);
        if (scattered)
        {
            await SetAsync(npgsql, transaction, "RESET random_page_cost", cancellationToken);
        }

        return written;
    }

    private static async Task SetAsync(NpgsqlConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, (NpgsqlTransaction)transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>At least half of the keys in the range are being written (the rows' keys are distinct).</summary>
    internal static bool Contiguous(int rows, long low, long high) => rows > 0 && high - low < 2L * rows;

    /// <remarks>
    /// Rows and values are written with the importer's synchronous calls: they fill its buffer, and only a full buffer
    /// goes to the socket. The asynchronous calls cost a state machine per value, 13 million on a sweep of a million
    /// contacts, which took more processor time than classifying the numbers.
    /// </remarks>
    private static async Task CopyAsync(NpgsqlConnection connection, string copy, List<BulkColumn> columns, BulkRows rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        for (var row = 0; row < rows.Count; row++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            importer.StartRow();
            for (var i = 0; i < columns.Count; i++)
            {
                if (!rows.Typed || !TryWriteTyped(importer, rows, row, i, columns[i].Type))
                {
                    WriteValue(importer, rows.Value(row, i), columns[i].Type);
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>Writes a value through the rows' typed readers (no boxing); false when this form does not keep the column that way.</summary>
    private static bool TryWriteTyped(NpgsqlBinaryImporter importer, BulkRows rows, int row, int column, BulkType type)
    {
        switch (type)
        {
            case BulkType.Identifier when rows.TryInt64(row, column, out var key):
                importer.Write(key, NpgsqlDbType.Bigint);
                return true;
            case BulkType.Number when rows.TryInt64(row, column, out var number):
                importer.Write(checked((int)number), NpgsqlDbType.Integer);
                return true;
            case BulkType.Text when rows.TryText(row, column, out var text):
                if (text is null)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(text, NpgsqlDbType.Text);
                }

                return true;
            case BulkType.Timestamp when rows.TryInstant(row, column, out var instant):
                importer.Write(UtcTimestampHandler.Truncate(instant), NpgsqlDbType.TimestampTz);
                return true;
            default:
                return false;
        }
    }

    private static void WriteValue(NpgsqlBinaryImporter importer, object? value, BulkType type)
    {
        if (value is null)
        {
            importer.WriteNull();
            return;
        }

        var culture = System.Globalization.CultureInfo.InvariantCulture;
        switch (type)
        {
            case BulkType.Identifier:
                importer.Write(Convert.ToInt64(value, culture), NpgsqlDbType.Bigint);
                break;
            case BulkType.Number:
                importer.Write(Convert.ToInt32(value, culture), NpgsqlDbType.Integer);
                break;
            case BulkType.Fraction:
                importer.Write(Convert.ToDouble(value, culture), NpgsqlDbType.Double);
                break;
            case BulkType.Flag:
                importer.Write((bool)value, NpgsqlDbType.Boolean);
                break;
            case BulkType.Timestamp:
                importer.Write(UtcTimestampHandler.Truncate((DateTimeOffset)value), NpgsqlDbType.TimestampTz);
                break;
            case BulkType.Date:
                importer.Write((DateOnly)value, NpgsqlDbType.Date);
                break;
            default:
                importer.Write((string)value, NpgsqlDbType.Text);
                break;
        }
    }

    private static string SqlType(BulkType type) => type switch
    {
        BulkType.Identifier => "bigint",
        BulkType.Number => "integer",
        BulkType.Fraction => "double precision",
        BulkType.Flag => "boolean",
        BulkType.Timestamp => "timestamptz",
        BulkType.Date => "date",
        _ => "text",
    };
}
