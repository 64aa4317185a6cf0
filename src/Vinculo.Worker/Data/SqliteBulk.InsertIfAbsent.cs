using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vinculo.Data;

internal static partial class SqliteBulk
{
    public static string InsertIfAbsentStatement(BulkInsertIfAbsent insert)
    {
        var names = insert.AllColumns.Select(c => c.Name).ToList();
        var values = names.Select((_, i) => "?" + (i + 1).ToString(CultureInfo.InvariantCulture));
        return $"INSERT INTO {insert.Table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", values)}) " +
            $"ON CONFLICT {insert.ConflictTarget} DO NOTHING";
    }

    /// <remarks>Inside the transaction the connection has open, as every SQLite bulk write.</remarks>
    public static Task<int> InsertIfAbsentAsync(DbConnection connection, BulkInsertIfAbsent insert, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        Task.FromResult(Checked((SqliteConnection)connection, insert.SchemaConformant, c => Run(c, InsertIfAbsentStatement(insert), insert.AllColumns.ToList(), BulkRows.Of(rows), cancellationToken)));
}
