using System.Data.Common;
using Npgsql;

namespace Vinculo.Data;

internal static partial class PostgresBulk
{
    private static long insertCounter;

    public static IReadOnlyList<string> InsertIfAbsentStatements(BulkInsertIfAbsent insert, string staging)
    {
        var columns = insert.AllColumns.ToList();
        var names = string.Join(", ", columns.Select(c => c.Name));
        var create = $"CREATE TEMP TABLE {staging} ({string.Join(", ", columns.Select(c => $"{c.Name} {SqlType(c.Type)}"))}) ON COMMIT DROP";
        var copy = $"COPY {staging} ({names}) FROM STDIN (FORMAT BINARY)";
        var apply = $"INSERT INTO {insert.Table} ({names}) SELECT {names} FROM {staging} " +
            $"ON CONFLICT {insert.ConflictTarget} DO NOTHING";
        var drop = $"DROP TABLE {staging}";
        return [create, copy, apply, drop];
    }

    public static async Task<int> InsertIfAbsentAsync(DbConnection connection, DbTransaction transaction, BulkInsertIfAbsent insert, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var tx = (NpgsqlTransaction)transaction;
        var statements = InsertIfAbsentStatements(insert, "bulk_absent_" + insert.Table + "_" + Interlocked.Increment(ref insertCounter));
        await using (var create = new NpgsqlCommand(statements[0], npgsql, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(npgsql, statements[1], insert.AllColumns.ToList(), BulkRows.Of(rows), cancellationToken);
        int added;
        await using (var apply = new NpgsqlCommand(statements[2], npgsql, tx) { CommandTimeout = 0 })
        {
            added = await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        // Dropped now rather than at commit: one transaction may write many batches.
        await using (var drop = new NpgsqlCommand(statements[3], npgsql, tx))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        return added;
    }
}
