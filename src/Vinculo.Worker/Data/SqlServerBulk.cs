using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Vinculo.Data;

/// <summary>SQL Server: SqlBulkCopy into a session temporary table, then one set-based statement (no MERGE).</summary>
internal static partial class SqlServerBulk
{
    private const string Staging = "#vinculo_bulk";

    public static IReadOnlyList<string> Statements(BulkWrite write)
    {
        var columns = write.AllColumns.ToList();
        var create = $"CREATE TABLE {Staging} ({string.Join(", ", columns.Select(c => $"{c.Name} {SqlType(c.Type)} NULL"))});";
        var names = write.Columns.Select(c => c.Name).ToList();
        var apply = write.Key is null
            ? $"INSERT INTO {write.Table} ({string.Join(", ", names)}) SELECT {string.Join(", ", names)} FROM {Staging};"
            : $"UPDATE t SET {string.Join(", ", names.Select(n => $"t.{n} = s.{n}"))} FROM {write.Table} AS t INNER JOIN {Staging} AS s ON t.{write.Key.Name} = s.{write.Key.Name};";
        var drop = $"DROP TABLE {Staging};";
        return [create, apply, drop];
    }

    public static async Task<int> WriteAsync(DbConnection connection, DbTransaction transaction, BulkWrite write, BulkRows rows, CancellationToken cancellationToken)
    {
        var sql = (SqlConnection)connection;
        var tx = (SqlTransaction)transaction;
        var statements = Statements(write);
        var columns = write.AllColumns.ToList();

        await StageAsync(sql, tx, statements[0], columns, rows, cancellationToken);
        return await ApplyAsync(sql, tx, statements[1], statements[2], cancellationToken);
    }

    /// <summary>Runs the set-based statement over the staged rows, then drops the staging table; returns the rows written.</summary>
    private static async Task<int> ApplyAsync(SqlConnection sql, SqlTransaction tx, string apply, string drop, CancellationToken cancellationToken)
    {
        int written;
        await using (var command = new SqlCommand(apply, sql, tx) { CommandTimeout = 0 })
        {
            written = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new SqlCommand(drop, sql, tx))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return written;
    }

    /// <summary>Creates the session's staging table and fills it with SqlBulkCopy.</summary>
    private static async Task StageAsync(SqlConnection sql, SqlTransaction tx, string create, List<BulkColumn> columns, BulkRows rows, CancellationToken cancellationToken)
    {
        await using (var command = new SqlCommand(create, sql, tx))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        using var table = new DataTable();
        foreach (var column in columns)
        {
            table.Columns.Add(column.Name, ClrType(column.Type));
        }

        for (var row = 0; row < rows.Count; row++)
        {
            var values = new object[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                values[i] = rows.Value(row, i) switch
                {
                    null => DBNull.Value,
                    DateTimeOffset instant => UtcTimestampHandler.Truncate(instant),
                    DateOnly day => day.ToDateTime(TimeOnly.MinValue),
                    var value => value,
                };
            }

            table.Rows.Add(values);
        }

        using var copy = new SqlBulkCopy(sql, SqlBulkCopyOptions.Default, tx) { DestinationTableName = Staging, BulkCopyTimeout = 0 };
        foreach (var column in columns)
        {
            copy.ColumnMappings.Add(column.Name, column.Name);
        }

        await copy.WriteToServerAsync(table, cancellationToken);
    }

    private static string SqlType(BulkType type) => type switch
    {
        BulkType.Identifier => "bigint",
        BulkType.Number => "int",
        BulkType.Fraction => "float",
        BulkType.Flag => "bit",
        BulkType.Timestamp => "datetime2(3)",
        BulkType.Date => "date",
        _ => "nvarchar(max)",
    };

    private static Type ClrType(BulkType type) => type switch
    {
        BulkType.Identifier => typeof(long),
        BulkType.Number => typeof(int),
        BulkType.Fraction => typeof(double),
        BulkType.Flag => typeof(bool),
        BulkType.Timestamp => typeof(DateTime),
        BulkType.Date => typeof(DateTime),
        _ => typeof(string),
    };
}
