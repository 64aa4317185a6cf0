using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Vinculo.Data;

internal static partial class SqlServerBulk
{
    public static IReadOnlyList<string> InsertIfAbsentStatements(BulkInsertIfAbsent insert)
    {
        var columns = insert.AllColumns.ToList();
        var names = string.Join(", ", columns.Select(c => c.Name));
        var create = $"CREATE TABLE {Staging} ({string.Join(", ", columns.Select(c => $"{c.Name} {SqlType(c.Type)} NULL"))});";
        var apply = $"INSERT INTO {insert.Table} ({names}) SELECT {string.Join(", ", columns.Select(c => "s." + c.Name))} FROM {Staging} AS s " +
            $"WHERE NOT EXISTS (SELECT 1 FROM {insert.Table} AS t WITH (UPDLOCK, HOLDLOCK) WHERE t.{insert.Key.Name} = s.{insert.Key.Name});";
        var drop = $"DROP TABLE {Staging};";
        return [create, apply, drop];
    }

    /// <remarks>The rows carry distinct keys (<see cref="BulkInsertIfAbsent"/> sees to it); the range locks keep a concurrent import from adding the same key between the check and the insert.</remarks>
    public static async Task<int> InsertIfAbsentAsync(DbConnection connection, DbTransaction transaction, BulkInsertIfAbsent insert, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var sql = (SqlConnection)connection;
        var tx = (SqlTransaction)transaction;
        var statements = InsertIfAbsentStatements(insert);
        await StageAsync(sql, tx, statements[0], insert.AllColumns.ToList(), BulkRows.Of(rows), cancellationToken);
        return await ApplyAsync(sql, tx, statements[1], statements[2], cancellationToken);
    }
}
